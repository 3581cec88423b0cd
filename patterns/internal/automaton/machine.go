package automaton

import (
	"context"
	"errors"
	"fmt"
	"regexp/syntax"
)

// Options bounds a Machine.
type Options struct {
	// MaxBytes is the stream byte budget, counted after NUL stripping; 0
	// means 12000, the l7-filter userspace default.
	MaxBytes int
	// MaxMemory caps the automaton's tables and cache in bytes; 0 means
	// 64 MiB. Building a component DFA may also use up to half of it
	// for the NFA state sets, freed when the component is done; two are
	// built at once (anchored patterns and the others), so compiling may
	// briefly use up to all of it for them.
	MaxMemory int64
	// MaxWork bounds each DFA construction in steps (see
	// DefaultMaxWork), and with it the compile time; 0 means
	// DefaultMaxWork.
	MaxWork int64

	// stateBits is how many bits of component states a State may hold
	// before the tuples spill; 0 means stateBits. Tests lower it to
	// spill small pattern sets.
	stateBits int
}

// Defaults applied by Compile to zero Options fields.
const (
	DefaultMaxBytes  = 12000
	DefaultMaxMemory = 64 << 20
)

// maxGroups is how many component DFAs a Machine may have (a Spill has
// room for as many).
const maxGroups = 16

// firstRows is the size of the first cache generation; each flush doubles it
// until the memory cap, so small pattern sets stay small.
const firstRows = 64

// Machine is the compiled automaton of a pattern set: immutable component
// DFAs and shared lazy caches of their products. Any number of goroutines
// may Feed their own States at once.
type Machine struct {
	comps    []*dfa
	fields   []field   // where each component's state lies in a State; nil when they spill
	headBits [2]uint64 // the bits of a State that hold the head's states
	heads    int       // comps[:heads] are the anchored patterns' components
	maxBytes uint32
	stats    Stats

	head *product // over comps[:heads]; nil when heads is 0
	tail *product // over comps[heads:]; nil when that is empty
}

// Stats describes a compiled Machine.
type Stats struct {
	Patterns    int   // patterns compiled
	Components  int   // component DFAs the patterns were split into
	States      int   // DFA states over all components
	Classes     int   // largest number of byte classes of a component
	Heads       int   // components of anchored patterns
	StateBits   int   // bits the component states take; above 127 the tuples spill
	TailClasses int   // byte classes of the tail product's rows
	Memory      int64 // bytes of the component tables
	CacheMax    int64 // bytes the product caches may use (two generations each)
	CacheRows   int   // product states in the current cache generations
	Flushes     int64 // cache generations replaced (growth included)
	Attempts    int   // DFA constructions tried while grouping
	Work        int64 // construction steps spent over all attempts
	PeakWork    int64 // steps of the costliest attempt
	PeakSets    int64 // bytes of state sets of the most memory-hungry attempt
}

// PatternError reports a pattern that cannot be compiled; the caller may
// drop pattern Index and compile the rest again.
type PatternError struct {
	Index int
	Err   error
}

func (e *PatternError) Error() string { return fmt.Sprintf("pattern %d: %v", e.Index, e.Err) }

// Unwrap returns the underlying error.
func (e *PatternError) Unwrap() error { return e.Err }

// errBudget is the reason given for a pattern that does not fit.
var errBudget = errors.New("pattern set exceeds the memory budget")

// Compile builds one automaton over all res; res[i] is tagged i, and a lower
// i wins ties. Every rune in res must be a byte (0..255); FoldCase is taken
// as ASCII case folding. A failure caused by one regex is returned as
// *PatternError. When ctx is done, Compile stops within about 16,000
// steps (microseconds) and returns ctx.Err().
func Compile(ctx context.Context, res []*syntax.Regexp, opt Options) (*Machine, error) {
	m := &Machine{}
	if err := m.compile(ctx, res, opt); err != nil {
		return nil, err
	}
	return m, nil
}

// compile is Compile into m; m.stats counts the attempts even when it
// fails, which the fuzz test checks against the budgets.
func (m *Machine) compile(ctx context.Context, res []*syntax.Regexp, opt Options) error {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxMemory <= 0 {
		opt.MaxMemory = DefaultMaxMemory
	}
	if opt.MaxWork <= 0 {
		opt.MaxWork = DefaultMaxWork
	}
	if opt.stateBits <= 0 || opt.stateBits > stateBits {
		opt.stateBits = stateBits
	}
	if uint64(opt.MaxBytes) >= 1<<32 {
		return fmt.Errorf("automaton: MaxBytes %d too large", opt.MaxBytes)
	}
	p := &prog{}
	for i, re := range res {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := p.appendPattern(re, i); err != nil {
			return &PatternError{Index: i, Err: err}
		}
		switch size := p.ends[i] - p.begin(i); {
		case size > maxPatternInst:
			return &PatternError{Index: i, Err: fmt.Errorf("pattern too large: %d NFA instructions, at most %d", size, maxPatternInst)}
		case len(p.inst) > maxProgInst:
			return &PatternError{Index: i, Err: fmt.Errorf("pattern set too large: more than %d NFA instructions with this one", maxProgInst)}
		}
	}
	m.maxBytes = uint32(opt.MaxBytes)
	// Half the memory for the components, the rest for the cache, which
	// may briefly hold two generations while readers leave the old one.
	lim := newMeter(ctx, opt.MaxWork, opt.MaxMemory/2)
	comps, heads, err := group(p, len(res), opt.MaxMemory/2, lim, &m.stats)
	if err != nil {
		return err
	}
	m.comps, m.heads, m.fields = comps, heads, layout(comps, opt.stateBits)
	if m.fields != nil {
		m.headBits = headMask(m.fields, heads)
	}
	m.stats.Heads = heads
	m.stats.Patterns = len(res)
	m.stats.Components = len(comps)
	for _, d := range comps {
		m.stats.States += d.states()
		m.stats.StateBits += widthOf(d)
		m.stats.Classes = max(m.stats.Classes, int(d.stride))
		m.stats.Memory += d.memory()
	}
	// The cache memory left holds two generations of each product there
	// is, with as many rows in one product as in the other.
	cacheMem := (opt.MaxMemory - m.stats.Memory) / 2
	var head, tail *product
	if heads > 0 {
		head = newProduct(comps[:heads], true)
	}
	if heads < len(comps) {
		tail = newProduct(comps[heads:], false)
	}
	var perRow int64
	for _, p := range []*product{head, tail} {
		if p != nil {
			perRow += p.rowBytes()
		}
	}
	for _, p := range []*product{head, tail} {
		if p == nil {
			continue
		}
		if err := p.size(int(cacheMem / perRow)); err != nil {
			return fmt.Errorf("automaton: MaxMemory %d leaves no room for the cache: %w", opt.MaxMemory, err)
		}
		m.stats.CacheMax += p.memory()
	}
	m.head, m.tail = head, tail
	if tail != nil {
		m.stats.TailClasses = int(tail.stride)
	}
	return nil
}

// Stats describes m.
func (m *Machine) Stats() Stats {
	s := m.stats
	for _, p := range []*product{m.head, m.tail} {
		if p != nil {
			s.Flushes += p.flushes.Load()
			s.CacheRows += p.rows()
		}
	}
	return s
}
