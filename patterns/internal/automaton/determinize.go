package automaton

import (
	"math/bits"
	"slices"
	"unsafe"
)

// builder runs the subset construction for one group of patterns. A DFA
// state is the sorted set of NFA "leaves" live at a position: byte-consuming
// instructions, $ assertions waiting for the end of a chunk, and matches.
type builder struct {
	p       *prog
	cls     *byteClasses
	setCls  [][]uint8  // classes contained in each byte set of p
	eps     [][]uint32 // leaves reachable from an instruction away from the start
	epsDone []bool

	// unanchored holds the leaves of every pattern's start after position
	// 0, where ^ fails; they are added to every successor state, which is
	// how the union becomes unanchored without a .* prefix.
	unanchored []uint32

	ids    map[string]uint32
	states [][]uint32 // leaves of each state
	rows   rowTable   // rows.row(i)[c]: successor of state i on class c
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
		ids:     make(map[string]uint32),
		visit:   make([]uint32, len(p.inst)),
		mark:    make([]uint32, len(p.inst)),
		meter:   lim,
	}
	b.rows.n = b.cls.n
	defer func() {
		st.Work += b.meter.work
		st.PeakWork = max(st.PeakWork, b.meter.work)
		st.PeakSets = max(st.PeakSets, b.meter.mem)
	}()
	b.budget = int(min(maxMem/int64(4*b.cls.n), int64(maxStates)))
	b.setCls = make([][]uint8, len(p.sets))
	for i, s := range p.sets {
		if !used[i] {
			continue
		}
		for c, rep := range b.cls.reps {
			if c != nulClass && s.has(rep) {
				b.setCls[i] = append(b.setCls[i], uint8(c))
			}
		}
	}
	starts := make([]uint32, len(group))
	for i, t := range group {
		starts[i] = p.starts[t]
	}
	b.unanchored = slices.Clone(b.closure(starts, where{}))
	if _, err := b.add(b.closure(starts, where{start: true})); err != nil {
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

// add returns the id of the state with the given sorted leaves, creating it.
func (b *builder) add(leaves []uint32) (uint32, error) {
	key := unsafe.String((*byte)(unsafe.Pointer(unsafe.SliceData(leaves))), 4*len(leaves))
	if id, ok := b.ids[key]; ok {
		return id, nil
	}
	if len(b.states) >= b.budget {
		return 0, errTooBig
	}
	// A state's leaves (its key shares their memory) are what the row
	// budget does not see: a state of many leaves costs far more than its row.
	b.meter.alloc(4*len(leaves) + stateOverhead)
	if !b.meter.ok() {
		return 0, b.meter.err
	}
	id := uint32(len(b.states))
	own := slices.Clone(leaves)
	b.ids[unsafe.String((*byte)(unsafe.Pointer(unsafe.SliceData(own))), 4*len(own))] = id
	b.states = append(b.states, own)
	b.rows.add()
	return id, nil
}

// explore computes the successors of every state, breadth first, creating
// states as they are discovered.
func (b *builder) explore() error {
	n := b.cls.n
	buckets := make([][]uint32, n)
	hashes := make([]uint32, n) // of each bucket, built with it
	reps := newClassIndex(n)
	var next, extra []uint32
	for i := 0; i < len(b.states); i++ {
		// Steps are summed locally and handed to the meter before it
		// looks: once per state, and in add for each new state.
		spent := int64(len(b.states[i]))
		for c := range buckets {
			buckets[c] = buckets[c][:0]
			hashes[c] = hashSeed
		}
		for _, pc := range b.states[i] {
			if in := b.p.inst[pc]; in.op == opByte {
				for _, c := range b.setCls[in.arg] {
					buckets[c] = append(buckets[c], pc)
					hashes[c] = (hashes[c] ^ pc) * hashPrime
				}
				spent += int64(len(b.setCls[in.arg]))
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
		for c := 1; c < n; c++ {
			bk := buckets[c]
			spent += int64(len(bk))
			// Classes with the same bucket share a successor.
			if rep, ok := reps.find(c, hashes[c], buckets); ok {
				row[c] = row[rep]
				continue
			}
			// The successor is the unanchored leaves, already sorted,
			// merged with the few others the bucket leads to: sorting
			// only those keeps a state of many patterns' starts cheap.
			b.markGen++
			for _, l := range b.unanchored {
				b.mark[l] = b.markGen
			}
			extra = extra[:0]
			for _, pc := range bk {
				eps := b.epsOf(b.p.inst[pc].out)
				for _, l := range eps {
					if b.mark[l] != b.markGen {
						b.mark[l] = b.markGen
						extra = append(extra, l)
					}
				}
				spent += int64(len(eps))
			}
			slices.Sort(extra)
			next = mergeSorted(next[:0], b.unanchored, extra)
			b.meter.work += spent + 2*int64(len(b.unanchored)) + sortCost(len(extra))
			spent = 0
			id, err := b.add(next)
			if err != nil {
				return err
			}
			row[c] = id
		}
		b.meter.work += spent
	}
	return nil
}

// mergeSorted appends to dst the union of a and b, two sorted lists with
// no element in common, in order.
func mergeSorted(dst, a, b []uint32) []uint32 {
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			dst, a = append(dst, a[0]), a[1:]
		} else {
			dst, b = append(dst, b[0]), b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

// sortCost is the work of sorting n leaves, in meter steps.
func sortCost(n int) int64 { return int64(n) * int64(bits.Len(uint(n))) }

// FNV-1a constants, for hashing lists of instructions.
const (
	hashSeed  = 2166136261
	hashPrime = 16777619
)

// classIndex finds, among the classes seen so far while one state's
// successors are computed, one whose bucket of instructions equals a
// class's: a small open-addressing table of class numbers keyed by the
// buckets' hashes, emptied in O(1) by a generation stamp.
type classIndex struct {
	class []uint16 // class in each slot
	stamp []uint32 // slot is in use when stamp == gen
	hash  []uint32 // hash of the slot's bucket
	gen   uint32
}

func newClassIndex(n int) *classIndex {
	size := 1
	for size < 2*n {
		size *= 2
	}
	return &classIndex{class: make([]uint16, size), stamp: make([]uint32, size), hash: make([]uint32, size)}
}

// reset empties the index.
func (x *classIndex) reset() { x.gen++ }

// find returns an earlier class whose bucket equals buckets[c] and true,
// or records c under hash h and returns false.
func (x *classIndex) find(c int, h uint32, buckets [][]uint32) (int, bool) {
	mask := uint32(len(x.class) - 1)
	for i := (h ^ h>>15) & mask; ; i = (i + 1) & mask {
		if x.stamp[i] != x.gen {
			x.stamp[i], x.hash[i], x.class[i] = x.gen, h, uint16(c)
			return 0, false
		}
		if rep := int(x.class[i]); x.hash[i] == h && slices.Equal(buckets[rep], buckets[c]) {
			return rep, true
		}
	}
}
