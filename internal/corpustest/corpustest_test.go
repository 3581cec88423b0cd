package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRepoRoot: from this package's directory the module root is two
// levels up, where go.mod is.
func TestRepoRoot(t *testing.T) {
	root, err := repoRoot()
	if err != nil || filepath.Clean(root) != filepath.Join("..", "..") {
		t.Fatalf("root %q (%v), want ../..", root, err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
}

// TestDir finds the corpus the project's tests read (skipping without it,
// failing under CI, like every test that needs it).
func TestDir(t *testing.T) {
	dir := Dir(t, "l7-protocols")
	if _, err := os.Stat(filepath.Join(dir, "protocols")); err != nil {
		t.Errorf("%s has no protocols: %v", dir, err)
	}
}

// recorder is a testing.TB that records how a test was ended.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = format }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = format }

// TestUnavailable: a missing need skips on a developer's machine and
// fails under CI.
func TestUnavailable(t *testing.T) {
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	Unavailable(r, "no %s", "tmux")
	if r.skip == "" || r.fatal != "" {
		t.Errorf("without CI: skip %q, fatal %q; want a skip", r.skip, r.fatal)
	}
	t.Setenv("CI", "1")
	r = &recorder{TB: t}
	Dir(r, "no such corpus part")
	if r.fatal == "" || r.skip != "" {
		t.Errorf("under CI: skip %q, fatal %q; want a failure", r.skip, r.fatal)
	}
}
