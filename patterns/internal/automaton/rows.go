package automaton

import "sync"

// slabWords is the size in words of the slabs a construction keeps its
// rows and its states' leaves in.
const slabWords = 1 << 16

// slabs recycles slabs between constructions: the grouping of the l7
// protocols runs 67 of them, most to thousands of states, and allocating
// their rows and leaves afresh each time was a quarter of a GiB per compile
// for the garbage collector to clear and sweep.
var slabs = sync.Pool{New: func() any { return new([slabWords]uint32) }}

// arena hands out runs of words from pooled slabs. A slab is never moved or
// freed while the arena lives, so the runs stay valid; release returns the
// slabs to the pool, after which no run may be used. Runs are not zeroed.
type arena struct {
	slabs []*[slabWords]uint32
	free  []uint32 // the unused end of the last slab
}

// take returns n words.
func (a *arena) take(n int) []uint32 {
	if n > slabWords/8 { // rare, and would waste most of a slab
		return make([]uint32, n)
	}
	if len(a.free) < n {
		s := slabs.Get().(*[slabWords]uint32)
		a.slabs = append(a.slabs, s)
		a.free = s[:]
	}
	run := a.free[:n:n]
	a.free = a.free[n:]
	return run
}

// release gives the arena's slabs back to the pool.
func (a *arena) release() {
	for _, s := range a.slabs {
		slabs.Put(s)
	}
	*a = arena{}
}

// rowTable holds the transition rows of the states a construction has
// found, in slabs that never move: a growing single slice would be copied
// over and over (append grows large slices by a quarter), which cost a
// sixth of the compile time of the l7 protocols. A row is written whole by
// explore before anything reads it, so slabs need no clearing.
type rowTable struct {
	n    int        // transitions per row
	rows [][]uint32 // one per state, each in the arena
}

// add appends a row.
func (t *rowTable) add(a *arena) { t.rows = append(t.rows, a.take(t.n)) }

// row returns the transitions of state i.
func (t *rowTable) row(i int) []uint32 { return t.rows[i] }
