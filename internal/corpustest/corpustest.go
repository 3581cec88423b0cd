// Package corpustest is what the tests of every package use to find the
// shared corpus (../shared/corpus beside the repository, see DESIGN.md,
// "Tests and corpora") and to give up on what the machine lacks: they skip
// with the reason on a developer's machine and fail under CI (env CI
// set), where everything the tests need is installed. Only tests import
// it, so decode and patterns still import nothing of ours.
package corpustest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory elems name (the corpus itself when
// there are none), as a path from the test's working directory. When it
// is absent the test skips, or fails under CI.
func Dir(tb testing.TB, elems ...string) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		Unavailable(tb, "corpus not found: %v", err)
	}
	dir := filepath.Join(append([]string{root, "..", "shared", "corpus"}, elems...)...)
	if _, err := os.Stat(dir); err != nil {
		Unavailable(tb, "corpus not found at %s (../shared absent beside the repository): %v", dir, err)
	}
	return dir
}

// Unavailable ends a test that cannot run here: it skips with the reason,
// or fails under CI, which must run every test.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s (CI must run this test)", msg)
	} else {
		tb.Skipf("%s; skipping", msg)
	}
}

// repoRoot is the directory of the module's go.mod, relative to the
// working directory (a package's directory when go test runs it).
func repoRoot() (string, error) {
	dir := "."
	for range 8 {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		dir = filepath.Join(dir, "..")
	}
	return "", fmt.Errorf("no go.mod above the working directory")
}
