// Package patterntest gives tests of the packages that follow pattern
// reloads (engine, ui) a watched pattern directory to edit.
package patterntest

import (
	"os"
	"path/filepath"
	"testing"

	"l7sniff/patterns"
)

// Watch writes one pattern file, NAME.pat with regex, into a fresh
// directory and watches it; the Watcher is closed when the test ends.
// Rewrite file to publish a reload.
func Watch(t testing.TB, name, regex string) (w *patterns.Watcher, file string) {
	t.Helper()
	file = filepath.Join(t.TempDir(), name+".pat")
	Write(t, file, name, regex)
	w, err := patterns.NewWatcher(patterns.Options{}, filepath.Dir(file))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, file
}

// Write replaces file with a pattern file naming name and regex.
func Write(t testing.TB, file, name, regex string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(name+"\n"+regex+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
