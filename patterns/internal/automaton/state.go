package automaton

import "math/bits"

// stateBits is how many bits of a State hold the component states; the
// last bit of its 128 says the stream is decided. A Machine whose
// components' widths add up to more keeps its streams' tuples in a Spill.
const stateBits = 127

// decidedBit, in State.w[1], marks a decided stream: w[0] then holds the
// winning tag plus one, or 0 when the stream gave up.
const decidedBit = 1 << 63

// State is one stream's position in a Machine: 16 bytes, no pointers, so a
// flow table can hold it inline. It names the stream's state by the tuple of
// component DFA states, bit-packed at widths fixed when the Machine was
// compiled, which never changes meaning for a given Machine, so it survives
// any cache flush. The count of bytes examined, which the budget needs, is
// kept by the caller (see Machine.Feed). When the widths exceed stateBits
// (Machine.Spills: the 113 l7 protocols take 127 bits, the whole
// l7-protocols collection more) the tuple is kept in the caller's Spill
// instead, and the State holds only the verdict. A State is only
// meaningful with the Machine that made it.
type State struct {
	w [2]uint64
}

// Outcome returns the stream's verdict without feeding it: the winning tag
// and Matched, or -1 and GaveUp or Running.
func (st State) Outcome() (tag int, s Status) {
	switch {
	case st.w[1]&decidedBit == 0:
		return -1, Running
	case st.w[0] == 0:
		return -1, GaveUp
	}
	return int(st.w[0] - 1), Matched
}

// GiveUp ends an undecided stream with GaveUp; a decided one keeps its
// verdict.
func (st *State) GiveUp() {
	if st.w[1]&decidedBit == 0 {
		st.decide(noTag)
	}
}

// decide makes the stream final: matched tag, or gave up for noTag.
func (st *State) decide(tag uint32) {
	st.w = [2]uint64{uint64(tag + 1), decidedBit} // noTag+1 wraps to 0
}

// Spill holds a stream's tuple of component states for a Machine whose
// tuples do not fit in a State.
type Spill struct {
	q [maxGroups]uint16
}

// Spills reports whether m's streams need a Spill beside their State.
func (m *Machine) Spills() bool { return m.fields == nil }

// field is where one component's state lies in a State: width bits from
// bit off of the 128.
type field struct {
	off, width uint8
}

// widthOf is the bits a state index of d takes.
func widthOf(d *dfa) int { return bits.Len(uint(d.states() - 1)) }

// headMask returns the bits of fs[:heads], the head components' states.
func headMask(fs []field, heads int) (mask [2]uint64) {
	for _, f := range fs[:heads] {
		for b := f.off; b < f.off+f.width; b++ {
			mask[b>>6] |= 1 << (b & 63)
		}
	}
	return mask
}

// layout places the components' states one after the other from bit 0,
// or returns nil when they take more than bits bits: the tuples spill.
func layout(comps []*dfa, bits int) []field {
	fs := make([]field, len(comps))
	off := 0
	for c, d := range comps {
		fs[c] = field{off: uint8(off), width: uint8(widthOf(d))}
		if off += widthOf(d); off > bits {
			return nil
		}
	}
	return fs
}

// headAlive reports whether a head component of the stream is alive.
func (m *Machine) headAlive(st *State, sp *Spill) bool {
	if m.fields == nil {
		return !zero(sp.q[:m.heads])
	}
	return st.w[0]&m.headBits[0]|st.w[1]&m.headBits[1] != 0
}

// load returns the tuple of component states of a stream: the one packed
// in st, or sp's when m spills; without head, the head components are
// taken as dead. It runs once per Feed, not per byte.
func (m *Machine) load(st *State, sp *Spill, head bool) (q [maxGroups]uint16) {
	if m.fields == nil {
		return sp.q
	}
	from := m.heads
	if head {
		from = 0
	}
	// The 128 bits shifted right by off, without branches: Go's shifts
	// by 64 or more give 0, and the counts that wrap below 0 are huge.
	w0, w1 := st.w[0], st.w[1]
	for c, f := range m.fields[from:] {
		off := uint(f.off)
		x := w0>>off | w1<<(64-off) | w1>>(off-64)
		q[from+c] = uint16(x & (1<<f.width - 1))
	}
	return q
}

// store records tuple q as the stream's, undecided: in st, or in sp when
// m spills; without head, q's head components must be dead.
func (m *Machine) store(st *State, sp *Spill, q *[maxGroups]uint16, head bool) {
	if m.fields == nil {
		sp.q, st.w = *q, [2]uint64{}
		return
	}
	from := m.heads
	if head {
		from = 0
	}
	var w0, w1 uint64
	for c, f := range m.fields[from:] {
		v, off := uint64(q[from+c]), uint(f.off)
		w0 |= v << off
		w1 |= v>>(64-off) | v<<(off-64)
	}
	st.w = [2]uint64{w0, w1}
}
