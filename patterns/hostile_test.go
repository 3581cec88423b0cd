package patterns

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestPathologicalPatternsAreBounded loads patterns built to explode a DFA
// or the parser next to a good one: each bad one becomes a LoadError with
// file and line, quickly and in bounded memory, and the good one works.
func TestPathologicalPatternsAreBounded(t *testing.T) {
	dir := t.TempDir()
	blowup := "(a|b)*a" + strings.Repeat("(a|b)", 24) // 2^25 DFA states if built eagerly
	files := map[string]string{
		"blowup.pat": "blowup\n" + blowup + "\n",
		"huge.pat":   "huge\n(.{1000}){1000}\n",
		"http.pat":   "http\n^get /\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, errs := Load(dir)
	bad := map[string]bool{}
	for _, e := range errs {
		if e.Line != 2 {
			t.Errorf("%v: want the regex's line, 2", &e)
		}
		bad[filepath.Base(e.File)] = true
	}
	if !bad["blowup.pat"] || !bad["huge.pat"] {
		t.Errorf("errors %v: want blowup.pat and huge.pat rejected", errs)
	}
	if set.Lookup("http") == nil {
		t.Fatal("the good pattern did not survive its neighbours")
	}
	st := set.NewStream()
	if v := st.Feed([]byte("GET / HTTP/1.1\r\n")); v.Name() != "http" {
		t.Errorf("verdict %s, want http", v.Name())
	}
}

// bomb is a .pat file for protocol name whose regex is n distinct
// eight-letter alternatives: "aaaaaaaa|aaaaaaab|...", spread so that they
// share few prefixes.
func bomb(name string, n int) string {
	var b strings.Builder
	b.WriteString(name + "\n")
	for i := range n {
		if i > 0 {
			b.WriteByte('|')
		}
		x := uint32(i) * 2654435761 // a bijection on uint32: distinct words
		for range 8 {
			b.WriteByte('a' + byte(x%26))
			x /= 26
		}
	}
	b.WriteString("\n")
	return b.String()
}

// TestPatternBombsAreBounded loads alternation bombs that once took 14.5 GB
// and 730 s (100,000 alternatives) or more than a minute (5,000) next to a
// good pattern. The bounds are sizes and counters, so each bomb fails the
// same way however slow the machine: with a LoadError at its regex's line,
// while the neighbour loads and matches. The larger is refused for its
// length before it is parsed, the smaller by the compile budget.
func TestPatternBombsAreBounded(t *testing.T) {
	for n, why := range map[int]string{100000: "regex too long", 5000: "too large"} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range map[string]string{"bomb.pat": bomb("bomb", n), "http.pat": "http\n^get /\n"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			set, errs := Load(dir)
			if len(errs) != 1 || filepath.Base(errs[0].File) != "bomb.pat" || errs[0].Line != 2 {
				t.Fatalf("errors %v: want one, for bomb.pat line 2", errs)
			}
			t.Logf("%v", &errs[0])
			if !strings.Contains(errs[0].Reason, why) {
				t.Errorf("reason %q does not say %q", errs[0].Reason, why)
			}
			st := set.NewStream()
			if v := st.Feed([]byte("GET / HTTP/1.1\r\n")); v.Name() != "http" {
				t.Errorf("verdict %s, want http", v.Name())
			}
			if set.Lookup("bomb") != nil {
				t.Error("the bomb was compiled")
			}
		})
	}
}

// TestLoadContextCancelled: a load whose context is done compiles nothing
// and says why, so that a signal never waits for a compile.
func TestLoadContextCancelled(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "http.pat"), []byte("http\n^get /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	set, errs := Options{}.LoadContext(ctx, dir)
	if set.Len() != 0 || len(errs) != 1 || !strings.Contains(errs[0].Reason, context.Canceled.Error()) {
		t.Errorf("cancelled load: %d patterns, errors %v; want none compiled and the cancellation reported", set.Len(), errs)
	}
}

// TestUnusablePatFiles: a FIFO named .pat would block the load forever and
// a huge file would be read whole; both are reported, the neighbour loads.
func TestUnusablePatFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.pat"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	files := map[string]string{
		"huge.pat": "huge\n^huge\n" + strings.Repeat("# padding\n", maxFileSize/10),
		"http.pat": "http\n^get /\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, errs := Load(dir)
	reasons := map[string]string{}
	for _, e := range errs {
		reasons[filepath.Base(e.File)] = e.Reason
	}
	if !strings.Contains(reasons["fifo.pat"], "not a regular file") || !strings.Contains(reasons["huge.pat"], "file too large") || len(errs) != 2 {
		t.Errorf("errors %v: want fifo.pat not a regular file and huge.pat too large", errs)
	}
	if v := verdictOf(set, "GET / HTTP/1.1\r\n"); v != "http" {
		t.Errorf("verdict %s, want http from the neighbour", v)
	}
}
