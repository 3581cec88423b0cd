package automaton

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Compile-time bounds. The subset construction can need time and memory
// exponential in the pattern, and a few large alternations are enough to
// reach gigabytes, so every construction is bounded by counters rather
// than by a clock: the same pattern set fails the same way on a fast idle
// machine and a slow busy one, and a test can rely on it.
const (
	// DefaultMaxWork is the work budget of one DFA construction, in steps:
	// an NFA instruction visited in a closure, a leaf copied into a state
	// or sorted. The costliest construction the l7-protocols collection
	// needs takes about 52 million, under half of this; a step is 1.5–5 ns
	// (explore now skips some of the work the meter still charges).
	DefaultMaxWork = 1 << 27

	// maxPatternInst caps one pattern's Thompson NFA. The largest
	// pattern of the collection has 4,847 instructions; a pattern
	// far beyond that is a list of alternatives the DFA cannot hold
	// anyway, and rejecting it here costs nothing.
	maxPatternInst = 1 << 16

	// maxProgInst caps the NFA of the whole set (the collection has about
	// 10,000): every construction allocates tables of this size.
	maxProgInst = 1 << 19

	// checkEvery is how many steps pass between looks at the context.
	checkEvery = 1 << 14
)

// Bookkeeping bytes the memory meter charges besides the leaves.
const (
	sliceHeader   = 24
	stateOverhead = sliceHeader + 48 // the slice in states, its entry in ids
)

// errTooBig reports that a DFA would need more states than its budget.
var errTooBig = errors.New("DFA state budget exceeded")

// errWork reports a construction that ran out of its work budget.
var errWork = errors.New("DFA construction work budget exceeded")

// errSetMemory reports a construction whose state sets outgrew the memory
// budget (each DFA state keeps the NFA leaves it stands for while it is
// being built).
var errSetMemory = errors.New("DFA state sets exceed the memory budget")

// meter counts the work and memory of one DFA construction against its
// budget and watches for cancellation. After the first failure it stays
// failed.
type meter struct {
	ctx      context.Context
	maxWork  int64
	maxMem   int64
	work     int64 // steps spent
	mem      int64 // bytes of state sets and memoized closures kept
	nextLook int64 // work at which ok next looks at ctx and the budget
	err      error
}

func newMeter(ctx context.Context, maxWork, maxMem int64) meter {
	return meter{ctx: ctx, maxWork: maxWork, maxMem: maxMem, nextLook: min(checkEvery, maxWork+1)}
}

// alloc charges n bytes kept until the construction ends.
func (m *meter) alloc(n int) {
	m.mem += int64(n)
	if m.mem > m.maxMem && m.err == nil {
		m.fail(fmt.Errorf("%w (%d bytes)", errSetMemory, m.maxMem))
	}
}

// fail records the first reason to stop; ok is false from then on.
func (m *meter) fail(err error) {
	m.err = err
	m.nextLook = math.MinInt64
}

// ok reports whether the construction may go on: within its budgets and
// not cancelled. The loops add their steps to work; ok is one comparison
// until checkEvery more of them were spent, or a budget ran out.
func (m *meter) ok() bool { return m.work < m.nextLook || m.look() }

// look is ok's slow path: it looks at ctx and the work budget.
func (m *meter) look() bool {
	if m.err != nil {
		return false
	}
	m.nextLook = min(m.work+checkEvery, m.maxWork+1)
	switch err := m.ctx.Err(); {
	case err != nil:
		m.fail(err)
	case m.work > m.maxWork:
		m.fail(fmt.Errorf("%w (%d steps)", errWork, m.maxWork))
	}
	return m.err == nil
}

// fatal reports whether err must end the whole compile rather than make
// the grouping try a smaller group: a cancellation.
func fatal(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// biggerCapsFail reports whether err, met by one pattern alone, would
// recur under any larger state cap: the work and set-memory budgets do
// not depend on the cap, and a larger cap only lets the construction run
// longer.
func biggerCapsFail(err error) bool {
	return errors.Is(err, errWork) || errors.Is(err, errSetMemory)
}
