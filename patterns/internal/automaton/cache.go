package automaton

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// A product state is the tuple of some components' DFA states. A product is
// a lazily built DFA over these tuples, kept in a cache of bounded size.
// A Machine has two: the head product over the components of anchored
// patterns, whose rows have 256 transitions indexed by the byte itself (the
// 85 anchored protocols tell most bytes apart, so classes would save little
// space and cost a load per byte), and the tail product over the others. Its rows are
// indexed by the byte classes of those components alone (89 for the l7
// protocols), so the states random data visits fit in about a MiB. A
// stream walks both until the head dies, within a few bytes on most
// payloads, and the tail alone from then on.
//
// Transition values: 0 means "not computed yet"; otherwise the target's row
// offset (row × stride), with tagBit set when the target matches; deadTag
// is the state where every component is dead. Row 0 is never a state, so
// the zero value of fresh memory reads as "not computed".
const (
	tagBit  = 1 << 31
	deadTag = tagBit
)

// product is one lazily built product DFA. Any number of goroutines read it
// without locks; misses are computed under mu.
type product struct {
	comps   []*dfa
	cls     [256]uint8 // byte classes of the rows
	stride  uint32     // transitions per row
	maxRows int        // rows allowed per generation
	cache   atomic.Pointer[generation]
	mu      sync.Mutex // serializes cache writers (misses), never readers
	flushes atomic.Int64
}

// newProduct makes the product of comps; size gives it its cache. With
// byByte each byte is its own class.
func newProduct(comps []*dfa, byByte bool) *product {
	p := &product{comps: comps}
	if byByte {
		for b := range 256 {
			p.cls[b] = uint8(b)
		}
		p.stride = 256
	} else {
		p.stride = refineClasses(&p.cls, comps)
	}
	return p
}

// size gives p a cache of at most maxRows rows per generation, starting
// small.
func (p *product) size(maxRows int) error {
	if maxRows < 3 {
		return fmt.Errorf("room for %d states per generation, want 3", maxRows)
	}
	p.maxRows = maxRows
	p.cache.Store(newGeneration(len(p.comps), p.stride, min(firstRows, maxRows)))
	return nil
}

// memory is the most the product's cache may hold: two generations, while
// readers leave the old one.
func (p *product) memory() int64 { return 2 * int64(p.maxRows) * p.rowBytes() }

// refineClasses sets cls to the coarsest partition of the bytes that every
// component's classes refine and returns the row stride for it. NUL keeps
// class 0 (it is the first byte numbered, and alone in its class in every
// component); the others are numbered by how many bytes
// they hold, largest first, and the stride is rounded up to a cache line of
// transitions, so that the transitions random data takes most often share
// a row's first line.
func refineClasses(cls *[256]uint8, comps []*dfa) uint32 {
	n := 1
	for _, d := range comps {
		ids := make(map[[2]uint8]uint8, 256)
		for b := range 256 {
			k := [2]uint8{cls[b], d.cls[b]}
			id, ok := ids[k]
			if !ok {
				id = uint8(len(ids)) // at most 256 keys: one per byte
				ids[k] = id
			}
			cls[b] = id
		}
		n = len(ids)
	}
	size := make([]int, n)
	for b := 1; b < 256; b++ {
		size[cls[b]]++
	}
	order := make([]uint8, 0, n)
	for c := 1; c < n; c++ {
		order = append(order, uint8(c))
	}
	slices.SortStableFunc(order, func(a, b uint8) int { return size[b] - size[a] })
	var id [256]uint8 // id[nulClass] stays nulClass
	for i, c := range order {
		id[c] = uint8(i + 1)
	}
	for b := range 256 {
		cls[b] = id[cls[b]]
	}
	const line = 64 / 4 // transitions per cache line
	return uint32(max(n, 2)+line-1) / line * line
}

// rowBytes is the memory of one cached state.
func (p *product) rowBytes() int64 { return 4*int64(p.stride) + int64(2*len(p.comps)) + 8 + 2*4 }

// rows is the number of states in the product's current generation.
func (p *product) rows() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cache.Load().rows - 1
}

// rowOf returns the row of tuple t in gen, adding it (under the lock, and
// in a new generation if gen is stale or full) when it is missing.
func (p *product) rowOf(gen *generation, t []uint16) (*generation, uint32) {
	if row := gen.lookup(t); row != 0 {
		return gen, row
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	gen = p.writable(1)
	return gen, gen.intern(t, p.comps)
}

// writable returns the current generation with room for n more rows,
// replacing it with a larger or fresh one if needed. Caller holds p.mu.
func (p *product) writable(n int) *generation {
	gen := p.cache.Load()
	if !gen.full(n) {
		return gen
	}
	gen = newGeneration(gen.width, gen.stride, min(2*gen.maxRows, p.maxRows))
	p.cache.Store(gen)
	p.flushes.Add(1)
	return gen
}

// next sets dst to the components' successors of tuple src on byte b.
func (p *product) next(dst, src []uint16, b byte) {
	for c, d := range p.comps {
		if q := src[c]; q != 0 {
			dst[c] = uint16(d.trans[uint32(q)*d.stride+uint32(d.cls[b])] / d.stride)
		}
	}
}

// step computes, caches and returns the transition of the row at offset s
// of gen on byte b, and the generation it ends up in.
func (p *product) step(gen *generation, s uint32, b byte) (*generation, uint32) {
	var src, dst [maxGroups]uint16
	w := len(p.comps)
	copy(src[:w], gen.tuple(s/p.stride))
	p.next(dst[:w], src[:w], b)
	p.mu.Lock()
	defer p.mu.Unlock()
	gen = p.writable(2)
	row := gen.intern(src[:w], p.comps)
	v := uint32(deadTag)
	switch {
	case dst == [maxGroups]uint16{}:
	default:
		next := gen.intern(dst[:w], p.comps)
		v = next * p.stride
		if gen.match[next] != noTag {
			v |= tagBit
		}
	}
	gen.trans[row*p.stride+uint32(p.cls[b])].Store(v)
	return gen, v
}

// zero reports whether every component of t is dead.
func zero(t []uint16) bool {
	for _, q := range t {
		if q != 0 {
			return false
		}
	}
	return true
}

// generation is one lifetime of a product's cache. Readers use it without
// locks: every field a reader can reach is written before the atomic store
// that makes it reachable (a slot or a transition), and never changed
// after. When it is full the writer replaces it with a new, empty one;
// readers still holding the old one finish their chunk on it, and streams
// find their state again from the tuple they keep, so nothing is
// invalidated.
type generation struct {
	width   int             // components per tuple
	stride  uint32          // transitions per row
	trans   []atomic.Uint32 // trans[row*stride+class]
	tuples  []uint16        // tuples[row*width:][:width]
	match   []uint32        // per row: lowest tag matching on entering the row
	eof     []uint32        // per row: lowest tag matching if the data ends here
	slots   []atomic.Uint32 // open-addressing index from tuple to row; 0 is empty
	rows    int             // rows in use, row 0 included (writer only)
	maxRows int
}

func newGeneration(width int, stride uint32, maxRows int) *generation {
	nslots := 1
	for nslots < 2*maxRows {
		nslots *= 2
	}
	return &generation{
		width:   width,
		stride:  stride,
		trans:   make([]atomic.Uint32, maxRows*int(stride)),
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
	h := uint32(hashSeed)
	for _, q := range t {
		h = (h ^ uint32(q)) * hashPrime
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
// product's lock and has checked that a row is free.
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
	// NUL is stripped: it leaves every state where it is (NUL is class 0
	// in both kinds of rows). The match, if any, was reported on entering
	// the row.
	g.trans[row*g.stride+nulClass].Store(row * g.stride)
	g.slots[h].Store(row)
	return row
}
