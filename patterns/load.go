package patterns

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp/syntax"
	"slices"
	"strings"

	"l7sniff/patterns/internal/automaton"
)

// Limits l7-filter applies to the start of a connection. The matcher
// enforces the byte budget (Options.MaxBytes); counting packets is the
// engine's job, which gives up on a flow after DefaultMaxPackets packets of
// either direction, handshake and bare ACKs included, as l7-filter does.
const (
	DefaultMaxBytes   = 12000 // l7-filter userspace's byte budget (the kernel module's is 2048)
	DefaultMaxPackets = 10    // both l7-filter variants
)

// Options tune loading and matching. The zero value means l7-filter
// userspace's defaults.
type Options struct {
	// MaxBytes is how many payload bytes (after NUL stripping) a stream
	// examines before it answers unknown; 0 means DefaultMaxBytes.
	MaxBytes int
	// MaxMemory caps the compiled automaton's tables; 0 means the
	// automaton's default (64 MiB).
	MaxMemory int64
	// MaxWork caps the work of each DFA construction while compiling, in
	// steps; 0 means 2^27 steps, under a second. A pattern that cannot be
	// built within it is reported as a LoadError, so it bounds the time
	// a load or reload takes without a clock.
	MaxWork int64
	// Priority overrides the priority of the named protocols, winning over
	// a file's "# l7sniff-priority:" header (see doc.go).
	Priority map[string]int
}

// Load loads every *.pat file under dirs with default Options.
func Load(dirs ...string) (*Set, []LoadError) { return Options{}.Load(dirs...) }

// LoadFS loads every *.pat file under roots in fsys with default Options.
func LoadFS(fsys fs.FS, roots ...string) (*Set, []LoadError) {
	return Options{}.LoadFS(fsys, roots...)
}

// Load loads every *.pat file under dirs, recursively, into one Set. A
// file that cannot be used is left out and reported; the others still
// load. The errors are also kept in Set.Errors.
func (o Options) Load(dirs ...string) (*Set, []LoadError) {
	return o.LoadContext(context.Background(), dirs...)
}

// LoadContext is Load that gives up when ctx is done: compiling a large
// set takes seconds, and a signal must not wait for it. A Set whose load
// was cancelled has no patterns; the caller checks ctx.Err().
func (o Options) LoadContext(ctx context.Context, dirs ...string) (*Set, []LoadError) {
	s := o.build(ctx, scan(dirSources(dirs)), nil)
	return s, s.Errors()
}

func dirSources(dirs []string) []source {
	srcs := make([]source, len(dirs))
	for i, d := range dirs {
		srcs[i] = source{fsys: os.DirFS(d), root: ".", display: d}
	}
	return srcs
}

// LoadFS is Load over a file system, such as an embed.FS; roots are paths
// inside fsys.
func (o Options) LoadFS(fsys fs.FS, roots ...string) (*Set, []LoadError) {
	srcs := make([]source, len(roots))
	for i, r := range roots {
		srcs[i] = source{fsys: fsys, root: r, display: r}
	}
	s := o.build(context.Background(), scan(srcs), nil)
	return s, s.Errors()
}

// source is one directory to load; display is how its files are named in
// Pattern.File and LoadError.File.
type source struct {
	fsys    fs.FS
	root    string
	display string
}

// scanned is one file (or a directory that could not be walked) found by
// scan, parsed or not.
type scanned struct {
	file    string // display path
	dir     int    // index of its source: earlier directories win ties
	rel     string // path inside the source, the last tie-breaker
	pattern *Pattern
	err     *LoadError
	isDir   bool // err is about a directory: nothing under it was read
}

// scan walks the sources in order. Hidden files and directories (".name")
// are skipped: editors keep swap, backup and lock files there (Emacs's
// ".#x.pat" lock even ends in .pat).
func scan(srcs []source) []scanned {
	var out []scanned
	for i, src := range srcs {
		_ = fs.WalkDir(src.fsys, src.root, func(p string, d fs.DirEntry, err error) error {
			rel := strings.TrimPrefix(strings.TrimPrefix(p, src.root), "/")
			file := path.Join(src.display, rel)
			if err != nil {
				out = append(out, scanned{file: file, dir: i, rel: rel, isDir: d == nil || d.IsDir(),
					err: &LoadError{File: file, Code: ErrRead, Reason: fmt.Sprintf("read: %v", unwrapPath(err))}})
				return nil
			}
			hidden := strings.HasPrefix(d.Name(), ".") && p != src.root
			switch {
			case hidden && d.IsDir():
				return fs.SkipDir
			case hidden || d.IsDir() || !strings.HasSuffix(d.Name(), ".pat"):
				return nil
			}
			sc := scanned{file: file, dir: i, rel: rel}
			if data, err := readPat(src.fsys, p); err != nil {
				sc.err = &LoadError{File: file, Code: ErrRead, Reason: fmt.Sprintf("read: %v", unwrapPath(err))}
			} else if pat, err := Parse(file, data); err != nil {
				sc.err = err.(*LoadError)
			} else {
				sc.pattern = pat
			}
			out = append(out, sc)
			return nil
		})
	}
	return out
}

// unwrapPath drops the *fs.PathError wrapper, whose path is relative to
// the source and would repeat (wrongly) what LoadError.File says.
func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// build makes a Set of the scanned files. With prev (a reload), a file
// that is present but unusable keeps prev's pattern from that file, and
// so do the files under a directory that could not be read: a half-saved
// file must not switch its protocol off. Compiling stops when ctx is done.
func (o Options) build(ctx context.Context, files []scanned, prev *Set) *Set {
	s := &Set{maxBytes: cmp.Or(o.MaxBytes, DefaultMaxBytes)}
	var pats []*Pattern
	for _, f := range files {
		switch {
		case f.err != nil:
			s.errors = append(s.errors, *f.err)
			pats = append(pats, prev.patternsFrom(f.file, f.isDir)...)
		case f.pattern.Pseudo:
			s.pseudo = append(s.pseudo, f.pattern)
		default:
			p := f.pattern
			p.dir, p.rel = f.dir, f.rel
			if pr, ok := o.Priority[p.Name]; ok {
				p.Priority = pr
			}
			pats = append(pats, p)
		}
	}
	slices.SortStableFunc(pats, func(a, b *Pattern) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.dir, b.dir), strings.Compare(a.rel, b.rel))
	})
	seen := map[string]*Pattern{}
	for _, p := range pats {
		if first, dup := seen[p.Name]; dup {
			s.errors = append(s.errors, LoadError{File: p.File, Line: p.Line, Code: ErrDuplicate,
				Reason: fmt.Sprintf("protocol %q is already loaded from %s, which has precedence", p.Name, first.File)})
			continue
		}
		seen[p.Name] = p
		s.patterns = append(s.patterns, p)
	}
	s.compile(ctx, o, prev)
	return s
}

// compile builds the automaton over s.patterns, dropping (and reporting)
// each pattern the automaton refuses; with prev, the refused pattern's
// previous version is tried in its place. Each compile is bounded by the
// automaton's budgets, so a pattern too costly to build becomes a
// LoadError like a bad regex.
func (s *Set) compile(ctx context.Context, o Options, prev *Set) {
	s.home.set = s
	retried := map[string]bool{}
	for {
		res := make([]*syntax.Regexp, len(s.patterns))
		for i, p := range s.patterns {
			res[i] = p.Regexp
		}
		m, err := automaton.Compile(ctx, res, automaton.Options{MaxBytes: s.maxBytes, MaxMemory: o.MaxMemory, MaxWork: o.MaxWork})
		if err == nil {
			s.machine = m
			return
		}
		pe, ok := errors.AsType[*automaton.PatternError](err)
		if !ok {
			// Nothing to drop: the set as a whole does not fit. Keep a Set
			// that matches nothing (its streams answer unknown), and say why.
			s.errors = append(s.errors, LoadError{File: "(pattern set)", Code: ErrCompile, Reason: fmt.Sprintf("compile: %v", err)})
			s.patterns = nil
			return
		}
		bad := s.patterns[pe.Index]
		s.errors = append(s.errors, LoadError{File: bad.File, Line: bad.Line, Code: ErrCompile, Reason: fmt.Sprintf("compile: %v", pe.Err)})
		s.patterns = slices.Delete(s.patterns, pe.Index, pe.Index+1)
		if old := prev.patternFor(bad.File); old != nil && old != bad && !retried[bad.File] {
			retried[bad.File] = true
			s.patterns = slices.Insert(s.patterns, pe.Index, old)
		}
	}
}
