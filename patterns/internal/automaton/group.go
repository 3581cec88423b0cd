package automaton

import "fmt"

// componentCaps are the state budgets tried, smallest first, for each
// component DFA. Small components compile fast but need more of them, and a
// State holds one uint16 per component, so a larger budget is tried when
// the patterns do not fit in maxGroups components.
var componentCaps = []int{8192, 32768, 65535}

// group splits the patterns 0..n-1 into at most maxGroups components whose
// DFAs fit in maxMem bytes together, and builds them. Every construction is
// metered by a copy of lim; a cancellation ends the grouping.
func group(p *prog, n int, maxMem int64, lim meter, st *Stats) ([]*dfa, error) {
	// Loop-free patterns first: they add few states to any union, so they
	// pack densely, and the loops that multiply states are spread over the
	// remaining components.
	var order []int
	for pass := range 2 {
		for t := range n {
			if p.loops[t] == (pass == 1) {
				order = append(order, t)
			}
		}
	}
	var err error
	for _, limit := range componentCaps {
		var out []*dfa
		if out, err = packGroups(p, order, maxMem, limit, lim, st); err == nil {
			return out, nil
		}
		if pe, ok := err.(*PatternError); fatal(err) || ok && biggerCapsFail(pe.Err) {
			return nil, err
		}
	}
	return nil, err
}

// packGroups cuts order into consecutive runs, each the longest whose DFA
// has at most limit states.
func packGroups(p *prog, order []int, maxMem int64, limit int, lim meter, st *Stats) ([]*dfa, error) {
	var out []*dfa
	left := maxMem
	for lo := 0; lo < len(order) || len(out) == 0; {
		if len(out) == maxGroups {
			return nil, &PatternError{Index: order[lo], Err: errBudget}
		}
		d, hi, err := largestPrefix(p, order, lo, left, limit, lim, st)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		left -= d.memory()
		lo = hi
	}
	return out, nil
}

// largestPrefix builds the DFA of order[lo:hi] for the largest hi that fits,
// by galloping then bisecting on hi. When not even order[lo] fits alone, the
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
	d, err := build(n)
	if d != nil || err != nil {
		return d, n, err
	}
	good, bad := lo, n
	var best *dfa
	for step := 1; lo+step < bad; step *= 2 {
		d, err := build(lo + step)
		if err != nil {
			return nil, 0, err
		}
		if d == nil {
			bad = lo + step
			break
		}
		best, good = d, lo+step
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
