package identity

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// RuleExt is the file name ending of service rule files.
const RuleExt = ".rules"

//go:embed defaults/*.rules
var defaults embed.FS

// DefaultServices returns the built-in rules. They are part of the binary
// and tested to load cleanly, so a problem with them is a bug: it panics.
func DefaultServices() *Services {
	s, errs := loadFS(defaults, "defaults", "defaults")
	if len(errs) > 0 {
		panic("built-in service rules: " + errs[0].Error())
	}
	return s
}

// LoadServices reads every *.rules file under dirs, recursively, in
// lexical order. A file or line that cannot be used is reported and left
// out; the rest still load.
func LoadServices(dirs ...string) (*Services, []RuleError) {
	s := NewServices()
	var errs []RuleError
	for _, d := range dirs {
		errs = append(errs, s.addFS(os.DirFS(d), ".", d)...)
	}
	return s, errs
}

func loadFS(fsys fs.FS, root, display string) (*Services, []RuleError) {
	s := NewServices()
	return s, s.addFS(fsys, root, display)
}

// addFS parses the rule files under root.
func (s *Services) addFS(fsys fs.FS, root, display string) []RuleError {
	var files []string
	var errs []RuleError
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			errs = append(errs, RuleError{File: filepath.Join(display, p), Reason: err.Error()})
			return nil
		case d.IsDir() && p != root && strings.HasPrefix(d.Name(), "."):
			return fs.SkipDir
		case !d.IsDir() && strings.HasSuffix(p, RuleExt) && !strings.HasPrefix(d.Name(), "."):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, RuleError{File: display, Reason: err.Error()})
	}
	sort.Strings(files)
	for _, p := range files {
		name := filepath.Join(display, strings.TrimPrefix(p, root+"/"))
		f, err := fsys.Open(p)
		if err != nil {
			errs = append(errs, RuleError{File: name, Reason: fmt.Sprintf("open: %v", err)})
			continue
		}
		errs = append(errs, s.Parse(name, f)...)
		f.Close()
	}
	return errs
}
