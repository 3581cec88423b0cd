package patterns

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor waits for a published Set satisfying ok, failing after a timeout.
func waitFor(t *testing.T, w *Watcher, what string, ok func(Reload) bool) Reload {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case r := <-w.Updates():
			if ok(r) {
				return r
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s (current version %d, errors %v)", what, w.Current().Version(), w.Current().Errors())
		}
	}
}

func hasError(r Reload, file string, line int) bool {
	for _, e := range r.Errors {
		if e.File == file && e.Line == line {
			return true
		}
	}
	return false
}

func verdictOf(s *Set, payload string) string {
	st := s.NewStream()
	return st.Feed([]byte(payload)).Name()
}

func TestWatcherHotReload(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("alpha.pat", "# Alpha\nalpha\n^alpha\n")
	w, err := NewWatcher(Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if s := w.Current(); s.Version() != 1 || verdictOf(s, "alpha!") != "alpha" {
		t.Fatalf("initial set: version %d, verdict %s", s.Version(), verdictOf(s, "alpha!"))
	}

	// Streams keep being fed while the patterns change under them: every
	// stream decides on the Set it started with, and the race detector
	// watches the hand-over.
	stop := make(chan struct{})
	var fed atomic.Int64
	var feeders sync.WaitGroup
	feeders.Add(1)
	go func() {
		defer feeders.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			st := w.Current().NewStream()
			st.Feed([]byte("alp"))
			if v := st.Feed([]byte("ha beta gamma")); v.Name() == UnsetName {
				t.Errorf("stream lost its verdict: %v", v)
				return
			}
			fed.Add(1)
		}
	}()

	// Create, in a new subdirectory too.
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("sub/beta.pat", "# Beta\nbeta\n^beta\n")
	waitFor(t, w, "beta created", func(r Reload) bool { return verdictOf(r.Set, "beta") == "beta" })

	// Modify.
	write("alpha.pat", "# Alpha\nalpha\n^alpha2\n")
	waitFor(t, w, "alpha modified", func(r Reload) bool {
		return verdictOf(r.Set, "alpha2") == "alpha" && verdictOf(r.Set, "alpha!") != "alpha"
	})

	// Break: a half-written file and a bad regex. Both are reported with
	// file and line, and their previous patterns keep running.
	alpha, beta := filepath.Join(dir, "alpha.pat"), filepath.Join(dir, "sub", "beta.pat")
	write("alpha.pat", "# Alpha\nalpha\n")
	write("sub/beta.pat", "# Beta\nbeta\n(b)\\1\n")
	r := waitFor(t, w, "breakage reported", func(r Reload) bool { return hasError(r, alpha, 2) && hasError(r, beta, 3) })
	if verdictOf(r.Set, "alpha2") != "alpha" || verdictOf(r.Set, "beta") != "beta" {
		t.Errorf("previous patterns not kept: %v", r.Set.Patterns())
	}
	for _, e := range r.Errors {
		if !strings.Contains(e.Error(), ".pat:") {
			t.Errorf("error without file:line: %v", e)
		}
	}

	// Fix.
	write("sub/beta.pat", "# Beta\nbeta\n^beta2\n")
	write("alpha.pat", "# Alpha\nalpha\n^alpha3\n")
	waitFor(t, w, "fixed", func(r Reload) bool {
		return len(r.Errors) == 0 && verdictOf(r.Set, "alpha3") == "alpha" && verdictOf(r.Set, "beta2") == "beta"
	})

	// Rename over: an editor writes a temp file and renames it over the
	// original.
	write("gamma.tmp", "# Alpha\nalpha\n^alpha4\n")
	if err := os.Rename(filepath.Join(dir, "gamma.tmp"), alpha); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, "renamed over", func(r Reload) bool { return verdictOf(r.Set, "alpha4") == "alpha" })

	// Delete.
	if err := os.Remove(beta); err != nil {
		t.Fatal(err)
	}
	last := waitFor(t, w, "beta deleted", func(r Reload) bool { return r.Set.Lookup("beta") == nil })

	close(stop)
	feeders.Wait()
	if fed.Load() == 0 {
		t.Error("the feeding goroutine never ran")
	}
	if last.Version <= 1 || w.Current().Version() < last.Version {
		t.Errorf("versions not increasing: %d, current %d", last.Version, w.Current().Version())
	}
}

func TestWatcherMissingDir(t *testing.T) {
	if _, err := NewWatcher(Options{}, filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("watching a missing directory succeeded")
	}
}

// TestRebuildKeepsTheOldSetRunning starts a rebuild that has a pattern bomb
// to compile and, while the rebuild holds the Watcher, checks that the
// published set still classifies as before (capture reads only Current);
// then Close abandons the rebuild, which publishes nothing.
func TestRebuildKeepsTheOldSetRunning(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "http.pat"), []byte("http\n^get /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := NewWatcher(Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	old := w.Current()
	if err := os.WriteFile(filepath.Join(dir, "bomb.pat"), []byte(bomb("bomb", 5000)), 0o644); err != nil {
		t.Fatal(err)
	}
	reloaded := make(chan Reload, 1)
	go func() { reloaded <- w.Reload() }()
	for w.dw.mu.TryLock() { // until a rebuild holds the Watcher
		w.dw.mu.Unlock()
		select {
		case r := <-reloaded:
			t.Fatalf("the rebuild ended (version %d) before the test saw it running", r.Version)
		default:
			runtime.Gosched()
		}
	}
	if cur := w.Current(); cur != old {
		t.Fatalf("Current is version %d during the rebuild, want the old set", cur.Version())
	}
	if v := verdictOf(w.Current(), "GET / HTTP/1.1\r\n"); v != "http" {
		t.Errorf("verdict %s during the rebuild, want http", v)
	}
	if w.dw.mu.TryLock() {
		t.Fatal("the rebuild ended during the checks: they did not overlap it")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if r := <-reloaded; r.Version != old.Version() || w.Current() != old {
		t.Errorf("after Close: reload gave version %d, current %d; want the abandoned rebuild unpublished (version %d)",
			r.Version, w.Current().Version(), old.Version())
	}
}

// TestWatcherFirstLoadCancelled: a Watcher whose context is done before
// its first load fails rather than publish a half-compiled set.
func TestWatcherFirstLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "http.pat"), []byte("http\n^get /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if w, err := NewWatcherContext(ctx, Options{}, dir); !errors.Is(err, context.Canceled) {
		if w != nil {
			w.Close()
		}
		t.Fatalf("NewWatcherContext under a cancelled context: %v, want context.Canceled", err)
	}
}
