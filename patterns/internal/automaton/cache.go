package automaton

import "sync/atomic"

// A product state is the tuple of the components' DFA states. The cache is a
// lazily built DFA over these tuples: rows of 256 transitions indexed by the
// byte itself (the real pattern set needs ~230 byte classes, so a class
// lookup would save little space and cost a load per byte).
//
// Transition values: 0 means "not computed yet"; otherwise row<<8, with
// tagBit set when the target matches; deadTag is the state where every
// component is dead. Row 0 is never a state, so the zero value of fresh
// memory reads as "not computed".
const (
	tagBit  = 1 << 31
	deadTag = tagBit
)

// generation is one lifetime of the cache. Readers use it without locks:
// every field a reader can reach is written before the atomic store that
// makes it reachable (a slot or a transition), and never changed after.
// When it is full the writer replaces it with a new, empty one; readers
// still holding the old one finish their chunk on it, and streams find
// their state again from the tuple they keep, so nothing is invalidated.
type generation struct {
	width   int             // components per tuple
	trans   []atomic.Uint32 // trans[row<<8|b]
	tuples  []uint16        // tuples[row*width:][:width]
	match   []uint32        // per row: lowest tag matching on entering the row
	eof     []uint32        // per row: lowest tag matching if the data ends here
	slots   []atomic.Uint32 // open-addressing index from tuple to row; 0 is empty
	rows    int             // rows in use, row 0 included (writer only)
	maxRows int
}

// rowBytes is the memory of one cached state.
func rowBytes(width int) int64 { return 256*4 + int64(2*width) + 8 + 2*4 }

func newGeneration(width, maxRows int) *generation {
	nslots := 1
	for nslots < 2*maxRows {
		nslots *= 2
	}
	return &generation{
		width:   width,
		trans:   make([]atomic.Uint32, maxRows<<8),
		tuples:  make([]uint16, maxRows*width),
		match:   make([]uint32, maxRows),
		eof:     make([]uint32, maxRows),
		slots:   make([]atomic.Uint32, nslots),
		rows:    1,
		maxRows: maxRows,
	}
}

func (g *generation) tuple(row uint32) []uint16 {
	return g.tuples[int(row)*g.width:][:g.width]
}

func hashTuple(t []uint16) uint32 {
	h := uint32(2166136261)
	for _, q := range t {
		h = (h ^ uint32(q)) * 16777619
	}
	return h ^ h>>15
}

// lookup returns the row of t, or 0 if t has none yet. It takes no lock.
func (g *generation) lookup(t []uint16) uint32 {
	mask := uint32(len(g.slots) - 1)
	for h := hashTuple(t) & mask; ; h = (h + 1) & mask {
		row := g.slots[h].Load()
		if row == 0 || equal(g.tuple(row), t) {
			return row
		}
	}
}

func equal(a, b []uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// full reports whether fewer than n rows are left. Writer only.
func (g *generation) full(n int) bool { return g.rows+n > g.maxRows }

// intern returns the row of t, adding it if needed; the caller holds the
// Machine's lock and has checked that a row is free.
func (g *generation) intern(t []uint16, comps []*dfa) uint32 {
	mask := uint32(len(g.slots) - 1)
	h := hashTuple(t) & mask
	for ; ; h = (h + 1) & mask {
		row := g.slots[h].Load()
		if row == 0 {
			break
		}
		if equal(g.tuple(row), t) {
			return row
		}
	}
	row := uint32(g.rows)
	g.rows++
	copy(g.tuple(row), t)
	g.match[row], g.eof[row] = noTag, noTag
	for c, d := range comps {
		g.match[row] = min(g.match[row], d.match[t[c]])
		g.eof[row] = min(g.eof[row], d.eof[t[c]])
	}
	// NUL is stripped: it leaves every state where it is. The match, if
	// any, was reported on entering the row.
	g.trans[row<<8].Store(row << 8)
	g.slots[h].Store(row)
	return row
}
