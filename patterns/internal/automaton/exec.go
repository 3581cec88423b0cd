package automaton

import (
	"bytes"
	"sync/atomic"
)

// Status is the outcome of a stream so far.
type Status uint8

// Stream outcomes. Matched and GaveUp are final.
const (
	Running Status = iota // no verdict yet: keep feeding
	Matched               // a pattern matched; the tag says which
	GaveUp                // the byte budget is spent, or no pattern can match any more
)

func (s Status) String() string {
	switch s {
	case Running:
		return "running"
	case Matched:
		return "matched"
	case GaveUp:
		return "gave up"
	}
	return "invalid"
}

// Start returns the state of a new stream, and sets sp to its tuple when
// m spills (sp may be nil otherwise).
func (m *Machine) Start(sp *Spill) State {
	var q [maxGroups]uint16
	for c, d := range m.comps {
		q[c] = d.start
	}
	var st State
	m.store(&st, sp, &q, true)
	return st
}

// Feed advances st over the next chunk of the stream (both directions'
// payload in arrival order) and reports the outcome. *n counts the
// stream's non-NUL bytes examined so far, 0 at its start: the caller keeps
// it beside the State, and Feed adds the chunk's. sp is the stream's
// Spill when m spills, and may be nil otherwise. The tag is the winning
// pattern when the status is Matched, and -1 otherwise. Once Matched or
// GaveUp, further Feeds return the same. Feed allocates nothing and takes
// no lock unless it reaches a state the cache has not seen.
func (m *Machine) Feed(st *State, sp *Spill, n *uint32, chunk []byte) (tag int, s Status) {
	if t, o := st.Outcome(); o != Running {
		return t, o
	}
	if *n >= m.maxBytes { // a count the caller kept wrong: nothing is left
		st.decide(noTag)
		return -1, GaveUp
	}
	// NULs are skipped by a self-loop in every state; they only need
	// counting so that the budget counts the bytes that remain.
	room := int(m.maxBytes - *n)
	data := chunk
	k := len(chunk) - bytes.Count(chunk, []byte{0})
	if k > room {
		data, k = chunk[:cut(chunk, room)], room
	}
	if k == 0 {
		return -1, Running
	}
	best := noTag
	entry := *n == 0 // a pattern may match the empty string
	*n += uint32(k)
	// Once the head is dead, as it is a few bytes into most streams, only
	// the tail's part of the tuple needs unpacking and packing again.
	head := m.heads > 0 && m.headAlive(st, sp)
	q := m.load(st, sp, head)
	if head {
		var end headEnd
		switch best, data, end = m.feedHead(&q, data, entry); end {
		case headDead:
			return m.verdict(st, sp, *n, nil, true, best)
		case headStay:
			return m.verdict(st, sp, *n, &q, true, best)
		}
		entry = false // feedHead counted the tail row it left the stream in
	}
	if m.tail == nil { // a dead head and no tail: a start that can never match
		return m.verdict(st, sp, *n, nil, false, best)
	}
	tb, alive := m.feedTail(&q, data, entry)
	if !alive {
		return m.verdict(st, sp, *n, nil, false, min(best, tb))
	}
	return m.verdict(st, sp, *n, &q, false, min(best, tb))
}

// headEnd says where feedHead left a stream.
type headEnd uint8

const (
	headStay headEnd = iota // at the end of the data, still in the head product
	headDead                // every component died
	headTail                // the head died, the tail lives: the rest is for it
)

// feedHead runs the head product over data from the head part of tuple q,
// beside the tail product while the tail is alive, and updates q. It
// returns the lowest tag matched (noTag if none), with entry counting the
// start rows' own matches, and when the head dies with the tail alive, the
// data after the byte that killed it, for feedTail.
func (m *Machine) feedHead(q *[maxGroups]uint16, data []byte, entry bool) (best uint32, rest []byte, end headEnd) {
	h := m.head
	hgen, hrow := h.rowOf(h.cache.Load(), q[:m.heads])
	best = noTag
	if entry {
		best = hgen.match[hrow]
	}
	hs := hrow << 8 // the head's stride is 256
	i := 0
	if t, tq := m.tail, q[m.heads:len(m.comps)]; t != nil && !zero(tq) {
		// Both walks in one loop: their loads overlap.
		tgen, trow := t.rowOf(t.cache.Load(), tq)
		if entry {
			best = min(best, tgen.match[trow])
		}
		stride, cls := t.stride, &t.cls
		ts := trow * stride
		ht, tt := hgen.trans, tgen.trans
		for ; i < len(data); i++ {
			n, hv, tv := walkBoth(ht, tt, cls, data[i:], hs, ts)
			if i, hs, ts = i+n, hv, tv; i == len(data) {
				break
			}
			b := data[i]
			hv = ht[hs|uint32(b)].Load()
			tv = tt[ts+uint32(cls[b])].Load()
			if int32(tv) <= 0 {
				if tv == 0 {
					tgen, tv = t.step(tgen, ts, b)
					tt = tgen.trans
				}
				if tv == deadTag {
					break // the head goes on alone from byte i
				}
				tv &^= tagBit
				best = min(best, tgen.match[tv/stride])
			}
			ts = tv
			if int32(hv) <= 0 {
				if hv == 0 {
					hgen, hv = h.step(hgen, hs, b)
					ht = hgen.trans
				}
				if hv == deadTag {
					copy(tq, tgen.tuple(ts/stride))
					clear(q[:m.heads])
					return best, data[i+1:], headTail
				}
				hv &^= tagBit
				best = min(best, hgen.match[hv>>8])
			}
			hs = hv
		}
		if i == len(data) {
			best = min(best, hgen.eof[hs>>8], tgen.eof[ts/stride])
			copy(q[:m.heads], hgen.tuple(hs>>8))
			copy(tq, tgen.tuple(ts/stride))
			return best, nil, headStay
		}
		clear(tq)
	}
	t := hgen.trans
	for ; i < len(data); i++ {
		v := t[hs|uint32(data[i])].Load()
		if int32(v) <= 0 {
			if v == 0 {
				hgen, v = h.step(hgen, hs, data[i])
				t = hgen.trans
			}
			if v == deadTag {
				return best, nil, headDead // and the tail is dead too
			}
			v &^= tagBit
			best = min(best, hgen.match[v>>8])
		}
		hs = v
	}
	best = min(best, hgen.eof[hs>>8])
	copy(q[:m.heads], hgen.tuple(hs>>8))
	return best, nil, headStay
}

// feedTail runs the tail product over data from the tail part of tuple q,
// and updates q. It returns the lowest tag matched (noTag if none), with
// entry counting the start row's own match, and whether any component is
// still alive.
func (m *Machine) feedTail(q *[maxGroups]uint16, data []byte, entry bool) (best uint32, alive bool) {
	p := m.tail
	tq := q[m.heads:len(m.comps)]
	gen, row := p.rowOf(p.cache.Load(), tq)
	best = noTag
	if entry {
		best = gen.match[row]
	}
	stride, cls := p.stride, &p.cls
	s := row * stride
	if len(data) >= raceMin {
		s, data = race(gen, cls, s, data)
	}
	t := gen.trans
	for i := 0; i < len(data); i++ {
		n, v := walkTail(t, cls, data[i:], s)
		if i, s = i+n, v; i == len(data) {
			break
		}
		b := data[i]
		if v = t[s+uint32(cls[b])].Load(); v == 0 {
			gen, v = p.step(gen, s, b)
			t = gen.trans
		}
		if v == deadTag {
			return best, false
		}
		v &^= tagBit
		best = min(best, gen.match[v/stride])
		s = v
	}
	best = min(best, gen.eof[s/stride])
	copy(tq, gen.tuple(s/stride))
	return best, true
}

// raceWays is how many parts race runs at once, and raceMin the shortest
// data it splits: below it, the parts are too short for the runs to meet.
const (
	raceWays = 4
	raceMin  = 64
)

// race runs the tail product over raceWays parts of data at once, to
// overlap the memory latency of as many chains of dependent loads: the
// first part from s, and the others speculatively from s as well, the
// likeliest state at their start since random data brings the tail back to
// where it was within a few bytes. The true run then crosses each further
// part beside a fresh speculative one until both are in the same state:
// from there on its path is the speculative one, already known.
//
// It follows ordinary transitions only: at a missing, matching or dead one
// in any run it stops and returns the true state and the
// data not yet consumed, for the caller's plain loop. Transitions of a
// generation never change once set, so the second speculative run of a
// part sees what the first saw. Otherwise it returns the state after the
// parts and the len(data) % raceWays bytes left after them.
func race(gen *generation, cls *[256]uint8, s uint32, data []byte) (uint32, []byte) {
	h := len(data) / raceWays
	t := gen.trans
	j, s0, s1, s2, s3 := walkParts(t, cls, data[:h], data[h:], data[2*h:], data[3*h:], s)
	if j < h {
		return s0, data[j:]
	}
	sa := s0 // the true state, at the start of part w below
	for w, end := range [raceWays - 1]uint32{s1, s2, s3} {
		part := data[(w+1)*h : (w+2)*h]
		sb := s
		for j := 0; sa != sb && j < h; j++ {
			va := t[sa+uint32(cls[part[j]])].Load()
			if int32(va) <= 0 {
				return sa, data[(w+1)*h+j:]
			}
			sa, sb = va, t[sb+uint32(cls[part[j]])].Load()
		}
		if sa == sb { // met: the rest of the part is the speculative run's
			sa = end
		}
	}
	return sa, data[raceWays*h:]
}

// walkParts runs race's four parts from s, each over len(p0) bytes, until
// their end or the first transition that is not ordinary in any of them,
// and returns how far they went and their states there. It is a function
// of its own so that the loop's values all stay in registers: inside race,
// beside the values race keeps for later, the compiler kept two of the
// states on the stack, and their steps waited on a store and a load
// (random/1 and /1k: +8-16%, best of 4 rounds side by side).
//
//go:noinline
func walkParts(t []atomic.Uint32, cls *[256]uint8, p0, p1, p2, p3 []byte, s uint32) (j int, s0, s1, s2, s3 uint32) {
	// Resliced to len(p0) so that the compiler drops their bounds checks.
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	s0, s1, s2, s3 = s, s, s, s
	for ; j < len(p0); j++ {
		v0 := t[s0+uint32(cls[p0[j]])].Load()
		v1 := t[s1+uint32(cls[p1[j]])].Load()
		v2 := t[s2+uint32(cls[p2[j]])].Load()
		v3 := t[s3+uint32(cls[p3[j]])].Load()
		if int32(v0) <= 0 || int32(v1) <= 0 || int32(v2) <= 0 || int32(v3) <= 0 {
			break
		}
		s0, s1, s2, s3 = v0, v1, v2, v3
	}
	return j, s0, s1, s2, s3
}

// walkTail runs the tail product over data from s until the end or the
// first transition that is not ordinary, and returns how far it went and
// the state there; walkBoth does the same for the head and the tail
// products side by side. Like walkParts they are functions of their own so
// that their states stay in registers (inside the feed loops they were
// kept on the stack).
//
//go:noinline
func walkTail(t []atomic.Uint32, cls *[256]uint8, data []byte, s uint32) (int, uint32) {
	for i, b := range data {
		v := t[s+uint32(cls[b])].Load()
		if int32(v) <= 0 {
			return i, s
		}
		s = v
	}
	return len(data), s
}

//go:noinline
func walkBoth(ht, tt []atomic.Uint32, cls *[256]uint8, data []byte, hs, ts uint32) (int, uint32, uint32) {
	for i, b := range data {
		hv := ht[hs|uint32(b)].Load()
		tv := tt[ts+uint32(cls[b])].Load()
		if int32(hv) <= 0 || int32(tv) <= 0 {
			return i, hs, ts
		}
		hs, ts = hv, tv
	}
	return len(data), hs, ts
}

// verdict records in st (and sp) and returns the outcome of a Feed that
// found best (noTag if nothing matched), examined n bytes of the stream in
// all, and left it in tuple q, or dead for a nil q; without head, the head
// components of q are dead.
func (m *Machine) verdict(st *State, sp *Spill, n uint32, q *[maxGroups]uint16, head bool, best uint32) (int, Status) {
	switch {
	case best != noTag:
		st.decide(best)
		return int(best), Matched
	case q == nil || n >= m.maxBytes:
		st.decide(noTag)
		return -1, GaveUp
	}
	m.store(st, sp, q, head)
	return -1, Running
}

// cut returns the length of the prefix of chunk that holds its first room
// non-NUL bytes.
func cut(chunk []byte, room int) int {
	for i, b := range chunk {
		if b != 0 {
			if room == 0 {
				return i
			}
			room--
		}
	}
	return len(chunk)
}
