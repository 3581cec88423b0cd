package automaton

import (
	"math/bits"
	"slices"
)

// builder runs the subset construction for one group of patterns. A DFA
// state is the sorted set of NFA "leaves" live at a position: byte-consuming
// instructions, $ assertions waiting for the end of a chunk, and matches.
type builder struct {
	p       *prog
	cls     *byteClasses
	setCls  [][]uint8  // classes contained in each byte set of p
	setOut  [][]uint8  // the other classes (NUL's aside) of each byte set
	eps     [][]uint32 // leaves reachable from an instruction away from the start
	epsDone []bool

	// unanchored holds the leaves of every pattern's start after position
	// 0, where ^ fails; they are added to every successor state, which is
	// how the union becomes unanchored without a .* prefix.
	unanchored []uint32

	ids    stateIndex // finds a state by its leaves
	states [][]uint32 // leaves of each state besides the unanchored ones
	rows   rowTable   // rows.row(i)[c]: successor of state i on class c
	arena  arena      // holds the rows and the states' leaves
	budget int        // maximum number of states
	meter  meter      // work, state-set memory and cancellation

	visit   []uint32 // visit[pc] == gen when pc was seen in this closure
	gen     uint32
	mark    []uint32 // mark[pc] == markGen when pc is in the set being built
	markGen uint32
	stack   []uint32
	leaves  []uint32
}

// determinize builds the DFA of the patterns in group, or errTooBig if it
// would exceed maxMem bytes of transition table or maxStates states, or the
// error of lim (a spent budget, a cancelled context).
func determinize(p *prog, group []int, maxMem int64, maxStates int, lim meter, st *Stats) (*dfa, error) {
	st.Attempts++
	var sets []byteSet
	used := make([]bool, len(p.sets))
	for _, t := range group {
		for pc := p.begin(t); pc < p.ends[t]; pc++ {
			if in := p.inst[pc]; in.op == opByte && !used[in.arg] {
				used[in.arg] = true
				sets = append(sets, p.sets[in.arg])
			}
		}
	}
	b := &builder{
		p:       p,
		cls:     newByteClasses(sets),
		eps:     make([][]uint32, len(p.inst)),
		epsDone: make([]bool, len(p.inst)),
		visit:   make([]uint32, len(p.inst)),
		mark:    make([]uint32, len(p.inst)),
		meter:   lim,
	}
	b.rows.n = b.cls.n
	defer b.arena.release() // finish copies what it keeps
	defer func() {
		st.Work += b.meter.work
		st.PeakWork = max(st.PeakWork, b.meter.work)
		st.PeakSets = max(st.PeakSets, b.meter.mem)
	}()
	b.budget = int(min(maxMem/int64(4*b.cls.n), int64(maxStates)))
	b.setCls = make([][]uint8, len(p.sets))
	b.setOut = make([][]uint8, len(p.sets))
	for i, s := range p.sets {
		if !used[i] {
			continue
		}
		for c, rep := range b.cls.reps {
			switch {
			case c == nulClass:
			case s.has(rep):
				b.setCls[i] = append(b.setCls[i], uint8(c))
			default:
				b.setOut[i] = append(b.setOut[i], uint8(c))
			}
		}
	}
	starts := make([]uint32, len(group))
	for i, t := range group {
		starts[i] = p.starts[t]
	}
	b.unanchored = slices.Clone(b.closure(starts, where{}))
	// The start's closure holds the unanchored leaves (^ only adds to
	// them); its state is what it holds besides.
	b.markGen++
	for _, l := range b.unanchored {
		b.mark[l] = b.markGen
	}
	start := slices.DeleteFunc(b.closure(starts, where{start: true}), func(l uint32) bool { return b.mark[l] == b.markGen })
	if _, err := b.add(start, leafHash(start)); err != nil {
		return nil, err
	}
	if err := b.explore(); err != nil {
		return nil, err
	}
	return b.finish()
}

// where says which empty-width assertions hold during a closure.
type where struct{ start, end bool }

// closure returns the sorted leaves reachable from pcs by empty moves at a
// position described by at. The result is valid until the next call.
func (b *builder) closure(pcs []uint32, at where) []uint32 {
	b.gen++
	b.leaves = b.leaves[:0]
	for _, pc := range pcs {
		b.walk(pc, at)
	}
	b.meter.work += sortCost(len(b.leaves))
	slices.Sort(b.leaves)
	return b.leaves
}

// walk adds the leaves reachable from pc to b.leaves, skipping instructions
// already seen in this generation.
func (b *builder) walk(pc uint32, at where) {
	b.stack = append(b.stack[:0], pc)
	pops := 0 // counted locally: b.meter is not kept in a register
	for len(b.stack) > 0 {
		pc := b.stack[len(b.stack)-1]
		b.stack = b.stack[:len(b.stack)-1]
		pops++
		if b.visit[pc] == b.gen {
			continue
		}
		b.visit[pc] = b.gen
		switch in := b.p.inst[pc]; in.op {
		case opAlt:
			b.stack = append(b.stack, in.arg, in.out)
		case opNop:
			b.stack = append(b.stack, in.out)
		case opBegin:
			if at.start {
				b.stack = append(b.stack, in.out)
			}
		case opEnd:
			if at.end {
				b.stack = append(b.stack, in.out)
			} else {
				b.leaves = append(b.leaves, pc)
			}
		case opByte, opMatch:
			b.leaves = append(b.leaves, pc)
		}
	}
	b.meter.work += int64(pops)
}

// epsOf returns the leaves reachable from pc, memoized: the successor sets
// of every state are unions of these.
func (b *builder) epsOf(pc uint32) []uint32 {
	if !b.epsDone[pc] {
		b.eps[pc] = slices.Clone(b.closure([]uint32{pc}, where{}))
		b.epsDone[pc] = true
		b.meter.alloc(4*len(b.eps[pc]) + sliceHeader)
	}
	return b.eps[pc]
}

// add returns the id of the state whose leaves are the unanchored ones and
// the sorted leaves, with none of those, whose leafHash is h, creating it.
// Every state holds the unanchored leaves, so they are left out of its key
// and of what it keeps.
func (b *builder) add(leaves []uint32, h uint32) (uint32, error) {
	if id, ok := b.ids.find(leaves, h, b.states); ok {
		return id, nil
	}
	if len(b.states) >= b.budget {
		return 0, errTooBig
	}
	// A state's leaves (its key shares their memory) are what the row
	// budget does not see: a state of many leaves costs far more than its
	// row. The unanchored ones are charged too, as when each state kept
	// them, which keeps the budget's calibration and bounds it from above.
	b.meter.alloc(4*(len(b.unanchored)+len(leaves)) + stateOverhead)
	if !b.meter.ok() {
		return 0, b.meter.err
	}
	id := uint32(len(b.states))
	own := b.arena.take(len(leaves))
	copy(own, leaves)
	b.states = append(b.states, own)
	b.ids.insert(id, h)
	b.rows.add(&b.arena)
	return id, nil
}

// leavesOf returns the leaves of state i in two parts, the unanchored ones
// and the state's own.
func (b *builder) leavesOf(i int) [2][]uint32 { return [2][]uint32{b.unanchored, b.states[i]} }

// explore computes the successors of every state, breadth first, creating
// states as they are discovered.
//
// The successor on class c is reached through the bucket of the state's
// leaves whose byte set holds c. Most leaves stand for large sets (., [^x],
// printable runs) that hold most classes, so buckets are kept in
// complement form: the leaves of large sets go to all, and to except[c]
// for the few classes their set lacks, the others to small[c] for the few
// it holds; bucket c is all minus except[c] plus small[c]. On the l7
// protocols this files 20 times fewer entries than a list per class. The
// meter still charges the steps of one list per class (the unit
// Options.MaxWork is calibrated in), an upper bound on this work.
func (b *builder) explore() error {
	n := b.cls.n
	var all []uint32              // leaves of large sets, in order
	except := make([][]uint32, n) // leaves of all whose set lacks class c
	small := make([][]uint32, n)  // leaves of small sets holding class c
	hashes := make([]uint32, n)   // of each class's bucket, built with it
	var touched []uint8           // classes whose lists are not empty
	for c := range hashes {
		hashes[c] = hashSeed
	}
	reps := newClassIndex(n)
	var extra []uint32
	for i := 0; i < len(b.states); i++ {
		// Steps are summed locally and handed to the meter before it
		// looks: once per state, and in add for each new state.
		spent := int64(len(b.unanchored) + len(b.states[i]))
		all = all[:0]
		for _, c := range touched {
			except[c], small[c] = except[c][:0], small[c][:0]
			hashes[c] = hashSeed
		}
		touched = touched[:0]
		for _, part := range b.leavesOf(i) {
			for _, pc := range part {
				in := b.p.inst[pc]
				if in.op != opByte {
					continue
				}
				spent += int64(len(b.setCls[in.arg]))
				lists, classes := small, b.setCls[in.arg]
				if out := b.setOut[in.arg]; len(out) < len(classes) {
					all = append(all, pc)
					lists, classes = except, out
				}
				for _, c := range classes {
					if len(except[c])+len(small[c]) == 0 {
						touched = append(touched, c)
					}
					lists[c] = append(lists[c], pc)
					hashes[c] = (hashes[c] ^ pc) * hashPrime
				}
			}
		}
		b.meter.work += spent
		if !b.meter.ok() {
			return b.meter.err
		}
		spent = 0
		reps.reset()
		row := b.rows.row(i)
		row[nulClass] = uint32(i)
		plain := 0 // the first class whose bucket is all, once computed
		for c := 1; c < n; c++ {
			spent += int64(len(all) - len(except[c]) + len(small[c]))
			// Classes with the same bucket share a successor. Most
			// have neither exceptions nor additions, and need no index.
			switch {
			case len(except[c])+len(small[c]) > 0:
				if rep, ok := reps.find(c, hashes[c], except, small); ok {
					row[c] = row[rep]
					continue
				}
			case plain != 0:
				row[c] = row[plain]
				continue
			default:
				plain = c
			}
			// The successor is the unanchored leaves and the few others
			// the bucket leads to: only those are sorted and kept.
			b.markGen++
			for _, l := range b.unanchored {
				b.mark[l] = b.markGen
			}
			extra = extra[:0]
			ex := except[c]
			for _, pc := range all {
				if len(ex) > 0 && ex[0] == pc {
					ex = ex[1:]
					continue
				}
				extra, spent = b.follow(extra, pc, spent)
			}
			for _, pc := range small[c] {
				extra, spent = b.follow(extra, pc, spent)
			}
			slices.Sort(extra)
			// Charged as merging the unanchored leaves in, as when each
			// state kept them: the unit MaxWork is calibrated in.
			b.meter.work += spent + 2*int64(len(b.unanchored)) + sortCost(len(extra))
			spent = 0
			id, err := b.add(extra, leafHash(extra))
			if err != nil {
				return err
			}
			row[c] = id
		}
		b.meter.work += spent
	}
	return nil
}

// follow appends to extra the leaves after byte leaf pc that are not
// marked yet, marking them, and adds the steps to spent.
func (b *builder) follow(extra []uint32, pc uint32, spent int64) ([]uint32, int64) {
	eps := b.epsOf(b.p.inst[pc].out)
	for _, l := range eps {
		if b.mark[l] != b.markGen {
			b.mark[l] = b.markGen
			extra = append(extra, l)
		}
	}
	return extra, spent + int64(len(eps))
}

// sortCost is the work of sorting n leaves, in meter steps.
func sortCost(n int) int64 { return int64(n) * int64(bits.Len(uint(n))) }
