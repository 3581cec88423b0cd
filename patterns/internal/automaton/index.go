package automaton

import "slices"

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

// find returns an earlier class whose bucket equals class c's and true, or
// records c under hash h and returns false. A bucket is told by its lists
// of exceptions and of additions (see explore).
func (x *classIndex) find(c int, h uint32, except, small [][]uint32) (int, bool) {
	mask := uint32(len(x.class) - 1)
	for i := (h ^ h>>15) & mask; ; i = (i + 1) & mask {
		if x.stamp[i] != x.gen {
			x.stamp[i], x.hash[i], x.class[i] = x.gen, h, uint16(c)
			return 0, false
		}
		if rep := int(x.class[i]); x.hash[i] == h && slices.Equal(except[rep], except[c]) && slices.Equal(small[rep], small[c]) {
			return rep, true
		}
	}
}

// leafHash hashes a set of leaves as the sum of a mix of each, so that the
// hash of a union of disjoint sets is the sum of theirs: a successor's
// leaves are the unanchored ones plus a few, and only the few are hashed.
func leafHash(leaves []uint32) uint32 {
	var h uint32
	for _, l := range leaves {
		x := l * 0x9e3779b1
		h += x ^ x>>15
	}
	return h
}

// stateIndex finds a construction's states by their leaves: an
// open-addressing table of state ids keyed by leafHash, doubled at half
// full. It replaced a Go map keyed by the leaves as a string, whose hashing
// of every leaf of every successor was a fifth of the compile time.
type stateIndex struct {
	slot []uint32 // id+1 of the state in each slot, 0 if empty
	hash []uint32 // leafHash of each state, by id
}

// find returns the id of the state of states whose leaves are leaves,
// whose hash is h.
func (x *stateIndex) find(leaves []uint32, h uint32, states [][]uint32) (uint32, bool) {
	if len(x.slot) == 0 {
		return 0, false
	}
	mask := uint32(len(x.slot) - 1)
	for i := h & mask; x.slot[i] != 0; i = (i + 1) & mask {
		if id := x.slot[i] - 1; x.hash[id] == h && slices.Equal(states[id], leaves) {
			return id, true
		}
	}
	return 0, false
}

// insert adds state id, the next one, whose hash is h.
func (x *stateIndex) insert(id, h uint32) {
	x.hash = append(x.hash, h)
	if 2*len(x.hash) > len(x.slot) {
		x.slot = make([]uint32, max(64, 2*len(x.slot)))
		for id := range x.hash[:len(x.hash)-1] {
			x.place(uint32(id))
		}
	}
	x.place(id)
}

// place puts state id in the first free slot from its hash on.
func (x *stateIndex) place(id uint32) {
	mask := uint32(len(x.slot) - 1)
	i := x.hash[id] & mask
	for x.slot[i] != 0 {
		i = (i + 1) & mask
	}
	x.slot[i] = id + 1
}
