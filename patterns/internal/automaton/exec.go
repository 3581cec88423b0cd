package automaton

import "bytes"

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

// State is one stream's position in a Machine: 40 bytes, no pointers, so a
// flow table can hold it inline. It names the stream's state by the tuple of
// component DFA states, which never changes meaning for a given Machine, so
// it survives any cache flush. It is only meaningful with the Machine that
// made it; the zero State is not a valid start.
type State struct {
	// n counts the bytes examined while Running; once Matched it holds
	// the winning tag, as the count is no longer needed.
	n      uint32
	status Status
	q      [maxGroups]uint16 // state of each component DFA; 0 is dead
}

// Start returns the state of a new stream.
func (m *Machine) Start() State {
	var st State
	for c, d := range m.comps {
		st.q[c] = d.start
	}
	return st
}

// Feed advances st over the next chunk of the stream (both directions'
// payload in arrival order) and reports the outcome. The tag is the winning
// pattern when the status is Matched, and -1 otherwise. Once Matched or
// GaveUp, further Feeds return the same. Feed allocates nothing and takes
// no lock unless it reaches a state the cache has not seen.
func (m *Machine) Feed(st *State, chunk []byte) (tag int, s Status) {
	switch st.status {
	case Matched:
		return int(st.n), Matched
	case GaveUp:
		return -1, GaveUp
	}
	// NULs are skipped by a self-loop in every state; they only need
	// counting so that the budget counts the bytes that remain.
	room := int(m.maxBytes - st.n)
	data := chunk
	k := len(chunk) - bytes.Count(chunk, []byte{0})
	if k > room {
		data, k = chunk[:cut(chunk, room)], room
	}
	if k == 0 {
		return -1, Running
	}
	best := noTag
	entry := st.n == 0 // a pattern may match the empty string
	st.n += uint32(k)
	if m.heads > 0 && !zero(st.q[:m.heads]) {
		var end headEnd
		switch best, data, end = m.feedHead(&st.q, data, entry); end {
		case headDead:
			st.q = [maxGroups]uint16{}
			return m.verdict(st, best, false)
		case headStay:
			return m.verdict(st, best, true)
		}
		entry = true // the byte that left the head entered a tail row
	}
	tb, alive := m.feedTail(&st.q, data, entry)
	if !alive {
		st.q = [maxGroups]uint16{}
	}
	return m.verdict(st, min(best, tb), alive)
}

// headEnd says where feedHead left a stream.
type headEnd uint8

const (
	headStay headEnd = iota // at the end of the data, still in the head product
	headDead                // every component died
	headTail                // every head component died: the rest is for the tail
)

// feedHead runs the head product over data from tuple q, and updates q. It
// returns the lowest tag matched (noTag if none), with entry counting the
// start row's own match, and when it hands over to the tail, the data
// after the byte that did.
func (m *Machine) feedHead(q *[maxGroups]uint16, data []byte, entry bool) (best uint32, rest []byte, end headEnd) {
	p := m.head
	gen, row := p.rowOf(p.cache.Load(), q[:len(m.comps)])
	best = noTag
	if entry {
		best = gen.match[row]
	}
	s := row << 8 // the head's stride is 256
	t := gen.trans
	for i := 0; i < len(data); i++ {
		v := t[s|uint32(data[i])].Load()
		if int32(v) <= 0 {
			from := gen // s is a row of from, even if step moves on
			if v == 0 {
				gen, v = p.step(gen, s, data[i])
				t = gen.trans
			}
			switch {
			case v == deadTag:
				return best, nil, headDead
			case v == tailTag:
				var dst [maxGroups]uint16
				p.next(dst[:], from.tuple(s>>8), data[i])
				copy(q[m.heads:], dst[m.heads:])
				clear(q[:m.heads])
				return best, data[i+1:], headTail
			}
			v &^= tagBit
			best = min(best, gen.match[v>>8])
		}
		s = v
	}
	best = min(best, gen.eof[s>>8])
	copy(q[:len(m.comps)], gen.tuple(s>>8))
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
		b := data[i]
		v := t[s+uint32(cls[b])].Load()
		if int32(v) <= 0 {
			if v == 0 {
				gen, v = p.step(gen, s, b)
				t = gen.trans
			}
			if v == deadTag {
				return best, false
			}
			v &^= tagBit
			best = min(best, gen.match[v/stride])
		}
		s = v
	}
	best = min(best, gen.eof[s/stride])
	copy(tq, gen.tuple(s/stride))
	return best, true
}

// raceMin is the shortest data race splits: below it, the second half is
// too short for the two runs to meet before its end.
const raceMin = 64

// race runs the tail product over the two halves of data at once, to
// overlap the memory latency of two chains of dependent loads: the first
// half from s, and the second speculatively from s as well, the likeliest
// state at the half way point since random data brings the tail back to
// where it was within a few bytes. The first run then goes on over the
// second half beside a fresh speculative one until both are in the same
// state: from there on the true path is the speculative one, already known.
//
// It follows ordinary transitions only: at a missing, matching, dead or
// tail-entering one in either run it stops and returns the true state and
// the data not yet consumed, for the caller's plain loop. Transitions of a
// generation never change once set, so the second speculative run sees what
// the first saw. Otherwise it returns the state after the whole of data
// but the odd last byte, and that byte.
func race(gen *generation, cls *[256]uint8, s uint32, data []byte) (uint32, []byte) {
	h := len(data) / 2
	a, b := data[:h], data[h:2*h]
	t := gen.trans
	sa, sb := s, s
	for j := range a {
		va := t[sa+uint32(cls[a[j]])].Load()
		vb := t[sb+uint32(cls[b[j]])].Load()
		if int32(va) <= 0 || int32(vb) <= 0 {
			return sa, data[j:]
		}
		sa, sb = va, vb
	}
	end := sb // the state after b if it started from s
	sb = s
	for j := 0; sa != sb; j++ {
		if j == len(b) {
			return sa, data[2*h:] // never met: sa is the true state
		}
		va := t[sa+uint32(cls[b[j]])].Load()
		if int32(va) <= 0 {
			return sa, data[h+j:]
		}
		sa, sb = va, t[sb+uint32(cls[b[j]])].Load()
	}
	return end, data[2*h:]
}

// verdict records and returns the outcome of a Feed that found best (noTag
// if nothing matched) and left the stream alive or not.
func (m *Machine) verdict(st *State, best uint32, alive bool) (int, Status) {
	switch {
	case best != noTag:
		st.status, st.n = Matched, best
		return int(best), Matched
	case !alive || st.n >= m.maxBytes:
		st.status = GaveUp
		return -1, GaveUp
	}
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
