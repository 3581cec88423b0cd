package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"l7sniff/engine/identity"
)

// TestEngineFollowsServiceWatcher checks the engine's side of a rule
// reload: the new rules are the ones flows are named by, ServiceStatus
// reports a broken file with file:line, and the rules in force stay then.
func TestEngineFollowsServiceWatcher(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.rules")
	if err := os.WriteFile(file, []byte("one *.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := identity.NewServiceWatcher(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	e, err := New(Config{Source: SourceConfig{File: writeCapture(t, nil)}, Patterns: defaultSet(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Source().Close()
	if _, ok := e.ServiceStatus(); ok {
		t.Error("ServiceStatus reports a watcher before WatchServices")
	}
	e.WatchServices(w, nil)
	until := func(what string, ok func() bool) {
		t.Helper()
		// The limit only keeps a broken watcher from hanging the test.
		for limit := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(limit) {
				st, _ := e.ServiceStatus()
				t.Fatalf("engine never saw %s (status: version %d, errors %v)", what, st.Version, st.Errors)
			}
		}
	}
	svc := func(host string) string { s, _ := e.Services().Lookup(host); return s }
	if svc("a.example.com") != "one" {
		t.Fatalf("a.example.com is %q with the first rules", svc("a.example.com"))
	}
	if err := os.WriteFile(file, []byte("two *.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	until("the edit", func() bool { return svc("a.example.com") == "two" })
	if err := os.WriteFile(file, []byte("two *.example.com\nthree *..bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	until("the error", func() bool { st, _ := e.ServiceStatus(); return len(st.Errors) > 0 })
	st, _ := e.ServiceStatus()
	if !st.Kept || st.Errors[0].File != file || st.Errors[0].Line != 2 || svc("a.example.com") != "two" {
		t.Errorf("broken file: kept %v, error %v, a.example.com %q; want the earlier rules kept and %s:2", st.Kept, &st.Errors[0], svc("a.example.com"), file)
	}
}
