package patterns

import (
	"slices"
	"strings"

	"l7sniff/patterns/internal/automaton"
)

// Set is a compiled, immutable pattern set: one automaton over all its
// patterns. Any number of goroutines may share it; each flow holds its own
// Stream.
type Set struct {
	patterns []*Pattern // in priority order; the index is the automaton tag
	pseudo   []*Pattern
	errors   []LoadError
	machine  *automaton.Machine // nil when nothing compiled
	maxBytes int
	version  uint64
	home     home // the streams' home, unless the automaton spills
}

// Patterns returns the compiled patterns, highest priority first.
func (s *Set) Patterns() []*Pattern { return slices.Clone(s.patterns) }

// Pseudo returns the loaded pseudo-protocols ("unknown", "unset"), kept
// for their metadata only.
func (s *Set) Pseudo() []*Pattern { return slices.Clone(s.pseudo) }

// Len is the number of compiled patterns.
func (s *Set) Len() int { return len(s.patterns) }

// Errors returns the problems met while building the set, in file order.
func (s *Set) Errors() []LoadError { return slices.Clone(s.errors) }

// Version is the Watcher's publication number of this set, counting from
// 1; a Set made by Load or Default has version 0.
func (s *Set) Version() uint64 { return s.version }

// MaxBytes is the byte budget of the set's streams; the engine's
// structural classifiers stop looking at the same budget.
func (s *Set) MaxBytes() int { return s.maxBytes }

// Stats describes the compiled automaton (zero when nothing compiled).
func (s *Set) Stats() automaton.Stats {
	if s.machine == nil {
		return automaton.Stats{}
	}
	return s.machine.Stats()
}

// Lookup returns the compiled pattern named name, or nil.
func (s *Set) Lookup(name string) *Pattern {
	for _, p := range s.patterns {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// patternFor returns the compiled pattern loaded from file, or nil; s may
// be nil (a first load has no previous set).
func (s *Set) patternFor(file string) *Pattern {
	if s == nil {
		return nil
	}
	for _, p := range s.patterns {
		if p.File == file {
			return p
		}
	}
	return nil
}

// patternsFrom returns the compiled patterns loaded from file or, when
// isDir, from anywhere under it.
func (s *Set) patternsFrom(file string, isDir bool) []*Pattern {
	if s == nil {
		return nil
	}
	var out []*Pattern
	for _, p := range s.patterns {
		if p.File == file || isDir && strings.HasPrefix(p.File, file+"/") {
			out = append(out, p)
		}
	}
	return out
}

// NewStream starts classifying one connection against s. The stream keeps
// using s until it decides, whatever a Watcher publishes meanwhile.
func (s *Set) NewStream() Stream {
	st := Stream{home: &s.home}
	switch {
	case s.machine == nil:
		st.state.GiveUp() // nothing can match
	case s.machine.Spills():
		st.home = &home{set: s, spilled: true}
		st.state = s.machine.Start(&st.home.spill)
	default:
		st.state = s.machine.Start(nil)
	}
	return st
}

// Stream is the matching state of one connection: 32 bytes, never a copy
// of the payload. Feed it both directions' application data in arrival
// order. A Stream is used by one goroutine at a time.
type Stream struct {
	home  *home
	state automaton.State // holds the verdict once decided
	n     uint32          // non-NUL bytes the automaton examined
}

// home is what a Stream refers to beside its State: its set, shared by the
// set's streams, or for a set whose automaton spills (see
// automaton.State), the stream's own, with its tuple.
type home struct {
	set     *Set
	spill   automaton.Spill
	spilled bool
}

// Feed examines the next chunk of the connection's payload (one packet's
// application data) and returns the verdict so far. NUL bytes in chunk are
// ignored; once the verdict is Done, Feed does no more work and keeps
// returning it. The end of every chunk is a point where $ can match.
func (st *Stream) Feed(chunk []byte) Verdict {
	if _, s := st.state.Outcome(); s != automaton.Running {
		return st.Verdict()
	}
	var sp *automaton.Spill
	if st.home.spilled {
		sp = &st.home.spill
	}
	return st.verdict(st.home.set.machine.Feed(&st.state, sp, &st.n, chunk))
}

// GiveUp ends classification with unknown unless a verdict was reached:
// the engine calls it when the flow passes its packet limit
// (DefaultMaxPackets).
func (st *Stream) GiveUp() Verdict {
	st.state.GiveUp()
	return st.Verdict()
}

// Verdict returns the verdict so far without feeding anything.
func (st *Stream) Verdict() Verdict { return st.verdict(st.state.Outcome()) }

// verdict is the Verdict of the automaton's outcome tag, s.
func (st *Stream) verdict(tag int, s automaton.Status) Verdict {
	switch s {
	case automaton.Matched:
		return Verdict{pattern: st.home.set.patterns[tag], done: true}
	case automaton.GaveUp:
		return Verdict{done: true}
	}
	return Verdict{}
}

// Set returns the set the stream classifies against.
func (st *Stream) Set() *Set { return st.home.set }

// Verdict is a stream's classification: still classifying (l7-filter's
// "unset"), matched a pattern, or unknown (examined all it may, matched
// nothing). Matched and unknown are final.
type Verdict struct {
	pattern *Pattern
	done    bool
}

// Done reports whether the verdict is final.
func (v Verdict) Done() bool { return v.done }

// Pattern returns the matched pattern, or nil.
func (v Verdict) Pattern() *Pattern { return v.pattern }

// Unknown reports a final verdict without a match.
func (v Verdict) Unknown() bool { return v.done && v.pattern == nil }

// Name is the protocol name as l7-filter would report it: the pattern's
// name, "unknown", or "unset" while still classifying.
func (v Verdict) Name() string {
	switch {
	case v.pattern != nil:
		return v.pattern.Name
	case v.done:
		return UnknownName
	}
	return UnsetName
}

// String returns Name.
func (v Verdict) String() string { return v.Name() }
