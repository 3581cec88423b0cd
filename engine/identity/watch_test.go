package identity

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// nextReload waits for a reload that satisfies ok. The limit only keeps
// a broken watcher from hanging the test; nothing depends on its length.
func nextReload(t *testing.T, w *ServiceWatcher, what string, ok func(ServiceReload) bool) ServiceReload {
	t.Helper()
	limit := time.After(10 * time.Second)
	for {
		select {
		case r := <-w.Updates():
			if ok(r) {
				return r
			}
		case <-limit:
			st := w.Status()
			t.Fatalf("no reload with %s (last: version %d, errors %v)", what, st.Version, st.Errors)
		}
	}
}

func serviceOf(s *Services, host string) string {
	svc, _ := s.Lookup(host)
	return svc
}

// TestServiceWatcherHotReload walks a rule file through its life: created,
// edited, broken (the error names file:line and the rules in force stay),
// fixed, deleted.
func TestServiceWatcherHotReload(t *testing.T) {
	dir := t.TempDir()
	w, err := NewServiceWatcher(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if r := w.Status(); r.Version != 1 || r.Services.Len() != 0 || len(r.Errors) != 0 {
		t.Fatalf("empty directory: version %d, %d services, errors %v", r.Version, r.Services.Len(), r.Errors)
	}
	file := filepath.Join(dir, "mine.rules")
	write := func(text string) {
		t.Helper()
		// Write then rename, as editors do, so no reload sees half a file.
		tmp := filepath.Join(dir, ".mine.rules.tmp")
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}

	write("video *.example.com\n")
	r := nextReload(t, w, "the new file", func(r ServiceReload) bool { return serviceOf(r.Services, "a.example.com") == "video" })
	if len(r.Errors) != 0 || r.Kept {
		t.Errorf("created: errors %v, kept %v", r.Errors, r.Kept)
	}

	write("chat *.example.com\nvideo v.example.org\n")
	r = nextReload(t, w, "the edit", func(r ServiceReload) bool { return serviceOf(r.Services, "a.example.com") == "chat" })
	if serviceOf(r.Services, "v.example.org") != "video" {
		t.Errorf("edited: v.example.org is %q, want video", serviceOf(r.Services, "v.example.org"))
	}

	write("chat *.example.com\nvideo bad..host\n")
	r = nextReload(t, w, "the error", func(r ServiceReload) bool { return len(r.Errors) > 0 })
	if e := r.Errors[0]; e.File != file || e.Line != 2 {
		t.Errorf("broken: error %v, want %s:2", &e, file)
	}
	if !r.Kept || serviceOf(r.Services, "v.example.org") != "video" || serviceOf(w.Current(), "a.example.com") != "chat" {
		t.Errorf("broken: kept %v, v.example.org %q: the earlier rules should stay", r.Kept, serviceOf(r.Services, "v.example.org"))
	}

	write("chat *.example.com\nvideo v.example.net\n")
	r = nextReload(t, w, "the fix", func(r ServiceReload) bool { return len(r.Errors) == 0 })
	if r.Kept || serviceOf(r.Services, "v.example.net") != "video" || serviceOf(r.Services, "v.example.org") != "" {
		t.Errorf("fixed: kept %v, v.example.net %q, v.example.org %q", r.Kept, serviceOf(r.Services, "v.example.net"), serviceOf(r.Services, "v.example.org"))
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	r = nextReload(t, w, "the deletion", func(r ServiceReload) bool { return r.Services.Len() == 0 })
	if len(r.Errors) != 0 || serviceOf(w.Current(), "a.example.com") != "" {
		t.Errorf("deleted: errors %v, a.example.com %q", r.Errors, serviceOf(w.Current(), "a.example.com"))
	}
}
