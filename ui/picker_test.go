package ui

import (
	"context"
	"testing"

	"l7sniff/engine"
	"l7sniff/internal/patterntest"
)

// TestReloadWhilePickerOpen: a pattern reload published while the
// interface picker is open shows in the header and reaches the engine the
// picker then starts (which was configured, as l7sniff does, with the set
// of the start, and attached to the pattern subscription as l7sniff's
// start function does).
func TestReloadWhilePickerOpen(t *testing.T) {
	w, pat := patterntest.Watch(t, "http", "^get")
	initial := w.Current()
	pw := engine.WatchPatterns(w)
	var started *engine.Engine
	startFn := func(string) (*engine.Engine, <-chan error, error) {
		e, err := engine.New(engine.Config{Source: engine.SourceConfig{File: demoCapture}, RingPackets: 1000, Patterns: initial})
		if err != nil {
			return nil, nil, err
		}
		started = e
		pw.Attach(e)
		done := make(chan error, 1)
		go func() { done <- e.Run(context.Background()) }()
		return e, done, nil
	}
	opts := Options{Devices: []string{"1.demo0 [Up]", "2.demo1 [Up]"}, Start: startFn, Patterns: pw}
	s := start(t, New(nil, opts, testTheme()), 100, 30)
	s.waitFor("Choose an interface", "patterns v1: 1 loaded")
	patterntest.Write(t, pat, "http", "^(get|post)")
	s.waitFor("patterns v2")
	s.keys("enter")
	s.waitFor("pkts 305")
	s.final()
	if got := started.Patterns(); got == initial || got != w.Current() {
		t.Errorf("engine runs pattern set v%d, the header shows the reload's v%d", got.Version(), w.Current().Version())
	}
}
