package engine

import (
	"testing"

	"l7sniff/internal/patterntest"
)

// TestPatternWatch: a reload published before any engine exists (the
// TUI's picker) reaches the engine attached later, and reloads after that
// reach it too, with their status.
func TestPatternWatch(t *testing.T) {
	w, file := patterntest.Watch(t, "http", "^get")
	initial := w.Current()
	p := WatchPatterns(w)
	if st := p.Status(); st.Version != 1 || st.Loaded != 1 || len(st.Errors) != 0 {
		t.Errorf("initial status %+v, want v1 with 1 pattern and no error", st)
	}
	// The file watcher may publish an edit as well as Reload, so wait
	// for what a reload says, not for a version number.
	next := func(what string, ok func(PatternReload) bool) PatternReload {
		t.Helper()
		for r := range p.Updates() {
			if ok(r) {
				return r
			}
		}
		t.Fatalf("Updates closed before %s", what)
		return PatternReload{}
	}
	next("the initial load", func(r PatternReload) bool { return r.Version == 1 })
	patterntest.Write(t, file, "http", "^(get|post)")
	p.Reload()
	next("the edit", func(r PatternReload) bool { return r.Version >= 2 })

	e, err := New(Config{Source: SourceConfig{File: writeCapture(t, nil)}, Patterns: initial})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Source().Close()
	if _, ok := e.PatternStatus(); ok {
		t.Error("PatternStatus reports a watch before Attach")
	}
	p.Attach(e)
	if got := e.Patterns(); got == initial || got != w.Current() {
		t.Errorf("attached engine runs set v%d, want the newest, v%d", got.Version(), w.Current().Version())
	}
	patterntest.Write(t, file, "http", "^(get|post")
	p.Reload()
	r := next("the broken edit", func(r PatternReload) bool { return len(r.Errors) > 0 })
	st, ok := e.PatternStatus()
	if !ok || st.Version < r.Version || len(st.Errors) != 1 || st.Errors[0].File != file || st.Errors[0].Line != 2 {
		t.Errorf("after a broken edit: status %+v (watched %v), want v%d or later with one error at %s:2", st, ok, r.Version, file)
	}
	if e.Patterns().Version() < r.Version {
		t.Errorf("engine on v%d after the broken edit's v%d", e.Patterns().Version(), r.Version)
	}
}
