package automaton

import (
	"context"
	"fmt"
	"sync"
)

// componentCaps are the state budgets tried, smallest first, for each
// component DFA. Small components compile fast but need more of them, and a
// Machine has at most maxGroups, so a larger budget is tried when the
// patterns do not fit in maxGroups components.
var componentCaps = []int{8192, 32768, 65535}

// group splits the patterns 0..n-1 into at most maxGroups components whose
// DFAs fit in maxMem bytes together, and builds them. Anchored patterns get
// components of their own, returned first; head says how many there are.
// On most streams they all die within a few bytes, and from then on only
// the other components need running (see Machine.Feed). Every construction
// is metered by a copy of lim; a cancellation ends the grouping.
func group(p *prog, n int, maxMem int64, lim meter, st *Stats) (comps []*dfa, head int, err error) {
	// Loop-free patterns first: they add few states to any union, so they
	// pack densely, and the loops that multiply states are spread over the
	// remaining components.
	if n == 0 { // one component, always dead, so that a State has a tuple
		d, _, err := largestPrefix(p, nil, 0, maxMem, componentCaps[0], lim, st)
		return []*dfa{d}, 0, err
	}
	anch, rest := packOrder(p, n)
	for _, limit := range componentCaps {
		var hd, tl []*dfa
		if hd, tl, err = packHeadTail(p, anch, rest, maxMem, limit, lim, st); err == nil {
			return append(hd, tl...), len(hd), nil
		}
		if pe, ok := err.(*PatternError); fatal(err) || ok && biggerCapsFail(pe.Err) {
			return nil, 0, err
		}
	}
	return nil, 0, err
}

// packOrder returns the anchored patterns of 0..n-1 and the others, each
// loop-free ones first, in the order they are packed.
func packOrder(p *prog, n int) (anch, rest []int) {
	for pass := range 2 {
		for t := range n {
			switch {
			case p.loops[t] != (pass == 1):
			case p.anchored[t]:
				anch = append(anch, t)
			default:
				rest = append(rest, t)
			}
		}
	}
	return anch, rest
}

// packHeadTail packs the anchored patterns anch and then the others, rest,
// into components as packGroups does, the rest with the memory and the
// number of components the head left. The two are built at once on two
// goroutines: the tail first as if the head took no memory and one
// component, which gives the same builds as the sequential order whenever
// each of its constructions still had room for limit states of the widest
// rows after the head's memory, and the same components whenever they fit
// beside the head's. Otherwise, and on any error, the tail is built again
// after the head, as the sequential order does, so the result never
// depends on the timing or the number of CPUs.
func packHeadTail(p *prog, anch, rest []int, maxMem int64, limit int, lim meter, st *Stats) (hd, tl []*dfa, err error) {
	minHead := min(len(anch), 1)
	lim.ctx = &latchedContext{Context: lim.ctx}
	var (
		wg    sync.WaitGroup
		tst   Stats
		terr  error
		tspec []*dfa
	)
	if len(rest) > 0 {
		wg.Go(func() { tspec, terr = packGroups(p, rest, maxMem, limit, maxGroups-minHead, lim, &tst) })
	}
	hd, err = packGroups(p, anch, maxMem, limit, maxGroups, lim, st)
	wg.Wait()
	st.add(tst)
	if err != nil {
		return nil, nil, err
	}
	used := memoryOf(hd) + memoryOf(tspec)
	if terr == nil && len(hd)+len(tspec) <= maxGroups && used+maxRowBytes*int64(limit) <= maxMem {
		return hd, tspec, nil
	}
	tl, err = packGroups(p, rest, maxMem-memoryOf(hd), limit, maxGroups-len(hd), lim, st)
	return hd, tl, err
}

// maxRowBytes is the size of the widest row of a component DFA: one
// transition per byte.
const maxRowBytes = 4 * 256

// memoryOf is the memory of the tables of ds.
func memoryOf(ds []*dfa) int64 {
	var n int64
	for _, d := range ds {
		n += d.memory()
	}
	return n
}

// packGroups cuts order into consecutive runs, each the longest whose DFA
// has at most limit states; it fails when that takes more than most groups.
func packGroups(p *prog, order []int, maxMem int64, limit, most int, lim meter, st *Stats) ([]*dfa, error) {
	var out []*dfa
	for lo := 0; lo < len(order); {
		if len(out) == most {
			return nil, &PatternError{Index: order[lo], Err: errBudget}
		}
		d, hi, err := largestPrefix(p, order, lo, maxMem-memoryOf(out), limit, lim, st)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		lo = hi
	}
	return out, nil
}

// largestPrefix builds the DFA of order[lo:hi] for the largest hi that fits,
// by galloping then bisecting on hi (a DFA never shrinks when a pattern
// joins its group, so fitting is monotone in hi). When not even order[lo] fits alone, the
// PatternError says which budget it broke.
func largestPrefix(p *prog, order []int, lo int, maxMem int64, limit int, lim meter, st *Stats) (*dfa, int, error) {
	n := len(order)
	var aloneErr error // why order[lo] alone did not fit
	build := func(hi int) (*dfa, error) {
		d, err := determinize(p, order[lo:hi], maxMem, limit, lim, st)
		switch {
		case fatal(err):
			return nil, err
		case err != nil && hi == lo+1:
			aloneErr = err
		}
		return d, nil
	}
	// Gallop up from one pattern, ending with the whole rest: a build that
	// fails runs up to the state cap, the costliest kind, so the rest is
	// tried only when the doubling reaches it.
	good, bad := lo, n
	var best *dfa
	for step := 1; ; step *= 2 {
		hi := min(lo+step, n)
		d, err := build(hi)
		if err != nil {
			return nil, 0, err
		}
		if d == nil {
			bad = hi
			break
		}
		best, good = d, hi
		if hi == n {
			return best, n, nil
		}
	}
	for bad-good > 1 {
		mid := (good + bad) / 2
		d, err := build(mid)
		if err != nil {
			return nil, 0, err
		}
		if d != nil {
			best, good = d, mid
		} else {
			bad = mid
		}
	}
	if best == nil {
		return nil, 0, &PatternError{Index: order[lo], Err: fmt.Errorf("its DFA alone is too large: %w", aloneErr)}
	}
	return best, good, nil
}

// add sums the construction counters of o, kept apart by a concurrent
// grouping, into s.
func (s *Stats) add(o Stats) {
	s.Attempts += o.Attempts
	s.Work += o.Work
	s.PeakWork = max(s.PeakWork, o.PeakWork)
	s.PeakSets = max(s.PeakSets, o.PeakSets)
}

// latchedContext remembers the first error of its parent's Err: once one
// of the constructions running at once has seen a cancellation, the other
// stops at its next look without asking the parent again, and the parent
// is asked by one goroutine at a time.
type latchedContext struct {
	context.Context
	mu  sync.Mutex
	err error
}

func (c *latchedContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = c.Context.Err()
	}
	return c.err
}
