package automaton

import "slices"

// dfa is one immutable DFA over a group of patterns, laid out for the hot
// loop: a state is identified by its row offset in trans (index × stride),
// so a step is one load, and the dead state and the matching states are
// numbered first so that one comparison against special detects both.
type dfa struct {
	trans   []uint32   // trans[s+cls[b]] is the successor (a row offset) of s on b
	cls     [256]uint8 // byte classes
	stride  uint32     // classes per row
	special uint32     // row offsets below this are the dead state (0) or matching
	start   uint16     // state index at the stream start
	match   []uint32   // per state index: lowest tag matching at this position, noTag if none
	eof     []uint32   // per state index: lowest tag matching if the data ended here ($)
}

// noTag marks "no pattern" in the tag tables; it is larger than any tag so
// that min works directly.
const noTag = ^uint32(0)

// memory is the size of the DFA's tables in bytes.
func (d *dfa) memory() int64 {
	return int64(4*(len(d.trans)+len(d.match)+len(d.eof))) + 256
}

// states is the number of DFA states, the dead state included.
func (d *dfa) states() int { return len(d.match) }

// finish turns the explored states into a dfa: it computes the tag tables,
// folds every state from which no pattern can match any more into the dead
// state, and renumbers the states dead first, then matching, then the rest.
// It fails only when the meter runs out, in the closures at $.
func (b *builder) finish() (*dfa, error) {
	ns, n := len(b.states), b.cls.n
	match := make([]uint32, ns)
	eof := make([]uint32, ns)
	for i := range ns {
		if !b.meter.ok() {
			return nil, b.meter.err
		}
		match[i], eof[i] = noTag, noTag
		for _, part := range b.leavesOf(i) {
			for _, pc := range part {
				switch in := b.p.inst[pc]; in.op {
				case opMatch:
					match[i] = min(match[i], in.arg)
				case opEnd:
					for _, l := range b.closure([]uint32{in.out}, where{end: true}) {
						if li := b.p.inst[l]; li.op == opMatch {
							eof[i] = min(eof[i], li.arg)
						}
					}
				}
			}
		}
	}
	live := b.live(match, eof)

	// New numbering: 0 is dead, then matching states, then the others.
	newID := make([]uint32, ns)
	next := uint32(1)
	for pass := 0; pass < 2; pass++ {
		for i := range ns {
			if live[i] && (match[i] != noTag) == (pass == 0) {
				newID[i] = next
				next++
			}
		}
	}
	nMatch := 0
	for i := range ns {
		if live[i] && match[i] != noTag {
			nMatch++
		}
	}
	d := &dfa{
		cls:     b.cls.of,
		stride:  uint32(n),
		special: uint32(nMatch+1) * uint32(n),
		start:   uint16(newID[0]),
		trans:   make([]uint32, int(next)*n),
		match:   make([]uint32, next),
		eof:     make([]uint32, next),
	}
	d.match[0], d.eof[0] = noTag, noTag
	for i := range ns {
		id := newID[i]
		if id == 0 {
			continue
		}
		d.match[id], d.eof[id] = match[i], eof[i]
		row := d.trans[int(id)*n : int(id+1)*n]
		for c, t := range b.rows.row(i) {
			row[c] = newID[t] * uint32(n)
		}
	}
	return d, nil
}

// live reports for each state whether some pattern can still match from it,
// by walking the transitions backwards from the states that match.
func (b *builder) live(match, eof []uint32) []bool {
	ns := len(b.states)
	// Reverse edges in CSR form, one per distinct (state, successor) pair.
	var succ, scratch []uint32
	count := make([]int, ns+1)
	rowStart := make([]int, ns+1)
	for i := range ns {
		rowStart[i] = len(succ)
		row := append(scratch[:0], b.rows.row(i)...)
		scratch = row
		slices.Sort(row)
		for _, t := range slices.Compact(row) {
			if t != uint32(i) {
				succ = append(succ, t)
				count[t+1]++
			}
		}
	}
	rowStart[ns] = len(succ)
	for i := range ns {
		count[i+1] += count[i]
	}
	pred := make([]uint32, len(succ))
	fill := slices.Clone(count)
	for i := range ns {
		for _, t := range succ[rowStart[i]:rowStart[i+1]] {
			pred[fill[t]] = uint32(i)
			fill[t]++
		}
	}
	live := make([]bool, ns)
	var work []uint32
	for i := range ns {
		if match[i] != noTag || eof[i] != noTag {
			live[i] = true
			work = append(work, uint32(i))
		}
	}
	for len(work) > 0 {
		t := work[len(work)-1]
		work = work[:len(work)-1]
		for _, p := range pred[count[t]:count[t+1]] {
			if !live[p] {
				live[p] = true
				work = append(work, p)
			}
		}
	}
	return live
}
