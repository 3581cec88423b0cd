package engine

import (
	"sync"
	"time"

	"l7sniff/patterns"
)

// PatternReload is one published pattern set as the engine took it: what
// the UI header and the log say about a reload.
type PatternReload struct {
	Version uint64               // 1 for the initial load, then one more per rebuild
	Loaded  int                  // patterns in the set
	Errors  []patterns.LoadError // problems met building it; their files' patterns kept their previous version
	Time    time.Time            // when it was published
}

// PatternWatch is the engine's subscription to a pattern Watcher: it
// follows every reload from the moment it is made, keeps the latest
// status and installs each new set in the engine attached to it. It
// lives apart from any one Engine because the TUI's interface picker
// shows reloads before the capture it starts exists, and the engine
// started then must run the newest set, not the one of the start.
type PatternWatch struct {
	w       *patterns.Watcher
	updates chan PatternReload

	mu     sync.Mutex // guards the fields below
	status PatternReload
	set    *patterns.Set
	engine *Engine
}

// WatchPatterns starts following w. Each reload goes to the attached
// engine and to Updates; the following ends when w is closed.
func WatchPatterns(w *patterns.Watcher) *PatternWatch {
	p := &PatternWatch{w: w, updates: make(chan PatternReload, 1)}
	select {
	case r, ok := <-w.Updates():
		// The initial load, with its time and problems.
		if ok {
			p.status, p.set = patternReload(r), r.Set
			p.updates <- p.status
		}
	default:
	}
	if p.set == nil {
		set := w.Current()
		p.set = set
		p.status = PatternReload{Version: set.Version(), Loaded: set.Len(), Errors: set.Errors(), Time: time.Now()}
	}
	go p.follow()
	return p
}

func patternReload(r patterns.Reload) PatternReload {
	return PatternReload{Version: r.Version, Loaded: r.Set.Len(), Errors: r.Errors, Time: r.Time}
}

func (p *PatternWatch) follow() {
	defer close(p.updates)
	for r := range p.w.Updates() {
		st := patternReload(r)
		p.mu.Lock()
		p.status, p.set = st, r.Set
		if p.engine != nil {
			p.engine.SetPatterns(r.Set)
		}
		p.mu.Unlock()
		// Only the newest matters to a slow reader, as with the
		// Watcher's own Updates; this is the only sender.
		select {
		case <-p.updates:
		default:
		}
		p.updates <- st
	}
}

// Attach makes e run the newest set now and every later one; e replaces
// the engine attached before, if any.
func (p *PatternWatch) Attach(e *Engine) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.engine = e
	e.SetPatterns(p.set)
	e.patWatch.Store(p)
}

// Status returns the latest reload.
func (p *PatternWatch) Status() PatternReload {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Updates delivers each reload, only the newest when the reader is slow
// (the initial load is waiting there at first); it is closed when the
// Watcher is.
func (p *PatternWatch) Updates() <-chan PatternReload { return p.updates }

// Reload rebuilds the set from the directories now, without waiting for a
// change; the result arrives through Updates like any other reload.
func (p *PatternWatch) Reload() { p.w.Reload() }

// PatternStatus returns the last pattern reload of the PatternWatch the
// engine is attached to; ok is false when the patterns are not watched
// (built-in or loaded once).
func (e *Engine) PatternStatus() (r PatternReload, ok bool) {
	if p := e.patWatch.Load(); p != nil {
		return p.Status(), true
	}
	return PatternReload{}, false
}
