package patterns

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Names of l7-filter's pseudo-protocols. Their .pat files carry a dummy
// regex that l7-filter never compiles: "unset" is the answer for a
// connection still being tested, "unknown" for one that was tested and
// matched nothing. A Set keeps them (see Set.Pseudo) and Verdict.Name
// reports them.
const (
	UnsetName   = "unset"
	UnknownName = "unknown"
)

// priorityKey is the header comment that sets a pattern's Priority
// ("# l7sniff-priority: -5"). l7-filter has no such thing (iptables rule
// order or l7-filter.conf order decides there), so it lives in a comment
// that l7-filter ignores.
const priorityKey = "l7sniff-priority:"

// Size limits of a .pat file. The l7-protocols collection's largest file
// is under 8 KB and its longest regex about 6,300 bytes; far beyond that a
// file is a mistake or an attack, and reading or parsing it whole would
// cost memory and time before any compile budget applies.
const (
	maxFileSize = 1 << 20
	maxRegexLen = 1 << 16
)

// ParseFile reads and parses one .pat file from disk; see Parse.
func ParseFile(file string) (*Pattern, error) {
	data, err := readPat(os.DirFS(filepath.Dir(file)), filepath.Base(file))
	if err != nil {
		return nil, &LoadError{File: file, Code: ErrRead, Reason: fmt.Sprintf("read: %v", err)}
	}
	return Parse(file, data)
}

// readPat reads the .pat file name in fsys, refusing what is not a regular
// file (a FIFO would block the load forever) or is larger than maxFileSize.
func readPat(fsys fs.FS, name string) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	switch {
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	case fi.Size() > maxFileSize:
		return nil, fmt.Errorf("file too large: %d bytes, at most %d", fi.Size(), maxFileSize)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err == nil && len(data) > maxFileSize {
		err = fmt.Errorf("file grew beyond %d bytes while read", maxFileSize)
	}
	return data, err
}

// Parse parses the content of the .pat file named file and translates its
// regex. The error, if any, is a *LoadError naming file and line.
//
// The format is l7-filter's: lines that are empty, blank or start with '#'
// are comments; the first other line is the protocol name, which must equal
// the file's base name without ".pat"; the next is the regex; after it,
// "userspace pattern=..." and "userspace flags=..." lines replace the regex
// and its flags the way l7-filter userspace does. Any other line after the
// regex is an error, so is a file that ends before its regex (a
// half-written save). A Pattern for "unknown" or "unset" comes back with
// Pseudo set and no Regexp.
func Parse(file string, data []byte) (*Pattern, error) {
	p := &Pattern{File: file, Flags: DefaultFlags}
	fail := func(line int, code ErrorCode, format string, args ...any) (*Pattern, error) {
		return nil, &LoadError{File: file, Line: line, Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	var (
		inHeader   = true // still in the leading comment block
		userFlags  bool   // a "userspace flags=" line was seen
		userRegex  bool   // a "userspace pattern=" line was seen
		kernelLine int
		priority   bool // a priority header was seen
	)
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the final newline ends a line, it does not start one
	}
	for i, raw := range lines {
		n := i + 1
		// A CRLF file is a Windows editor's doing, never part of a regex.
		line := strings.TrimSuffix(string(raw), "\r")
		if isComment(line) {
			if inHeader && strings.HasPrefix(line, "#") {
				set, err := p.headerLine(i, strings.TrimSpace(line[1:]))
				if err != nil {
					return fail(n, ErrHeader, "%v", err)
				}
				priority = priority || set
			}
			continue
		}
		inHeader = false
		switch {
		case p.Name == "":
			p.Name = line
			if want := strings.TrimSuffix(path.Base(strings.ReplaceAll(file, `\`, "/")), ".pat"); line != want {
				return fail(n, ErrNameMismatch, "protocol name %q does not match the file name %q (l7-filter requires them to be equal)", line, want)
			}
		case kernelLine == 0:
			kernelLine = n
			p.Source, p.Line = line, n
		case strings.HasPrefix(line, "userspace "):
			key, value, ok := strings.Cut(strings.TrimPrefix(line, "userspace "), "=")
			switch {
			case !ok:
				return fail(n, ErrUserspace, "userspace line without '=': %q", line)
			case key == "pattern" && !userRegex:
				userRegex = true
				p.Source, p.Line = value, n
			case key == "flags" && !userFlags:
				userFlags = true
				f, err := parseFlags(value)
				if err != nil {
					return fail(n, ErrFlags, "%v", err)
				}
				p.Flags = f
			case key == "pattern" || key == "flags":
				return fail(n, ErrUserspace, "second \"userspace %s=\" line", key)
			default:
				return fail(n, ErrUserspace, "unknown userspace attribute %q (want pattern or flags)", key)
			}
		default:
			return fail(n, ErrExtraLine, "unexpected line after the regex: %q (a .pat file holds one protocol)", line)
		}
	}
	switch {
	case p.Name == "":
		return fail(len(lines), ErrNoName, "no protocol name line (empty or half-written file?)")
	case kernelLine == 0:
		return fail(len(lines), ErrNoRegex, "protocol %q has no regex line (half-written file?)", p.Name)
	}
	if !priority {
		p.Priority = attributePriority(p.Meta.Attributes)
	}
	if p.Name == UnknownName || p.Name == UnsetName {
		p.Pseudo = true
		return p, nil
	}
	if len(p.Source) > maxRegexLen {
		return fail(p.Line, ErrTooLarge, "regex too long: %d bytes, at most %d", len(p.Source), maxRegexLen)
	}
	re, err := Translate(p.Source, p.Flags)
	if err != nil {
		return fail(p.Line, ErrRegex, "%v", err)
	}
	p.Regexp = re
	return p, nil
}

// isComment mirrors l7-filter userspace: empty lines, whitespace-only
// lines and lines starting with '#' carry no pattern data.
func isComment(line string) bool {
	return strings.TrimSpace(line) == "" || line[0] == '#'
}

// headerLine records the metadata found in the comment at index i of the
// leading comment block (text is the comment without '#'); priority says
// it set p.Priority.
func (p *Pattern) headerLine(i int, text string) (priority bool, err error) {
	if i == 0 {
		p.Meta.Description = text
		return false, nil
	}
	key, value, ok := strings.Cut(text, ":")
	if !ok {
		return false, nil
	}
	value = strings.TrimSpace(value)
	switch strings.ToLower(strings.TrimSpace(key)) + ":" {
	case "pattern attributes:":
		p.Meta.Attributes = strings.Fields(value)
	case "protocol groups:":
		p.Meta.Groups = strings.Fields(value)
	case "wiki:":
		p.Meta.Wiki = value
	case priorityKey:
		n, err := strconv.Atoi(value)
		if err != nil {
			return false, fmt.Errorf("bad %s %q: want an integer", priorityKey, value)
		}
		p.Priority = n
		return true, nil
	}
	return false, nil
}

// attributePriority is a file's priority when it sets none: l7-protocols
// marks a pattern that is a more specific version of another as "subset"
// (chikka of cimd, validcertssl of ssl) and one known to match other
// protocols' traffic as "overmatch" or "superset" (skypeout, rtp, ntp).
// Trying subsets first and overmatchers last lets the specific pattern win
// when several match in the same chunk.
func attributePriority(attrs []string) int {
	switch {
	case slices.Contains(attrs, "subset"):
		return -1
	case slices.Contains(attrs, "overmatch") || slices.Contains(attrs, "superset"):
		return 1
	}
	return 0
}

// Flags are the regcomp flags a .pat file's "userspace flags=" line names.
type Flags uint8

// The regcomp flags l7-filter userspace understands.
const (
	Extended Flags = 1 << iota // REG_EXTENDED: POSIX ERE; without it, BRE
	ICase                      // REG_ICASE: ASCII case-insensitive
	NoSub                      // REG_NOSUB: no submatches (always true here)
	Newline                    // REG_NEWLINE: rejected, see Translate

	// DefaultFlags are l7-filter userspace's flags when a file names none.
	DefaultFlags = Extended | ICase | NoSub
)

var flagNames = []struct {
	name string
	flag Flags
}{
	{"REG_EXTENDED", Extended},
	{"REG_ICASE", ICase},
	{"REG_NOSUB", NoSub},
	{"REG_NEWLINE", Newline},
}

// parseFlags reads a "userspace flags=" value: flag names separated by
// spaces, '|' or ','.
func parseFlags(s string) (Flags, error) {
	var f Flags
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '|' || r == ',' })
	for _, w := range words {
		known := false
		for _, fn := range flagNames {
			if w == fn.name {
				f |= fn.flag
				known = true
			}
		}
		if !known {
			return 0, fmt.Errorf("unknown regcomp flag %q in userspace flags", w)
		}
	}
	return f, nil
}

// String lists the flags the way a .pat file writes them.
func (f Flags) String() string {
	var names []string
	for _, fn := range flagNames {
		if f&fn.flag != 0 {
			names = append(names, fn.name)
		}
	}
	return strings.Join(names, "|")
}

// LoadError is a problem with one pattern file (or directory): Line is
// 1-based, 0 when the problem is not on a line (unreadable file); Code
// says what kind of problem it is, for programs (Reason is for people).
type LoadError struct {
	File   string
	Line   int
	Code   ErrorCode
	Reason string
}

// ErrorCode is the kind of problem a LoadError reports.
type ErrorCode uint8

// The kinds of LoadError.
const (
	ErrRead         ErrorCode = iota + 1 // the file or directory cannot be read
	ErrNoName                            // no protocol name line (empty or half-written file)
	ErrNoRegex                           // a protocol name but no regex line
	ErrNameMismatch                      // the protocol name is not the file's name
	ErrExtraLine                         // a line after the regex that is not a "userspace" one
	ErrUserspace                         // a malformed, repeated or unknown "userspace" line
	ErrFlags                             // an unknown regcomp flag in "userspace flags="
	ErrHeader                            // a bad header comment (an l7sniff-priority that is not an integer)
	ErrRegex                             // the regex cannot be translated (a backreference, ...)
	ErrDuplicate                         // the protocol is already loaded from a file with precedence
	ErrCompile                           // the automaton cannot be built (for one pattern or the set)
	ErrWatch                             // watching the directories failed; they were rescanned
	ErrTooLarge                          // a regex longer than l7sniff compiles
)

// Error formats the problem the way compilers do: "file:line: reason".
func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}
