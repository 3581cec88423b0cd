package engine

import (
	"sync"
	"time"

	"l7sniff/decode"
	"l7sniff/engine/capture"
)

// Ring is the history of recent packets the UI shows: up to a number of
// packets, with their bytes in one preallocated arena, oldest evicted
// first. The collector writes; readers copy what they show under a read
// lock held for a bounded amount of work, so a reader never holds up the
// capture for long.
type Ring struct {
	mu      sync.RWMutex
	slots   []slot
	arena   []byte
	pos     int    // next write offset in arena
	oldest  uint64 // seq of the oldest packet kept
	next    uint64 // seq of the next packet (first is 1)
	evicted uint64
	view    viewState
}

type slot struct {
	seq     uint64
	ts      int64
	off, n  int
	wireLen int
	link    decode.LinkType
	flowID  uint64
	cell    *verdictCell
	app     string
	// asm is what TCP reassembly decided for the packet; a message it
	// completed is stored after the packet's bytes, asm.n of them.
	asm asmRef
}

// Ring defaults: 100k packets; the arena holds about 320 bytes per packet
// on average (a typical mix of small and full-size packets).
const (
	DefaultRingPackets = 100_000
	DefaultRingBytes   = 32 << 20
)

func newRing(packets, bytes int) *Ring {
	if bytes <= 0 {
		bytes = DefaultRingBytes
	}
	bytes = max(bytes, capture.DefaultSnaplen)
	return &Ring{slots: make([]slot, packets), arena: make([]byte, bytes), oldest: 1, next: 1}
}

func (r *Ring) slotOf(seq uint64) *slot { return &r.slots[seq%uint64(len(r.slots))] }

// add appends a packet, evicting the oldest ones whose slot or bytes it
// needs.
func (r *Ring) add(it *item, data, asm []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ref := it.asm
	if ref.has && len(data)+ref.n <= len(r.arena) {
		asm = asm[ref.off : ref.off+ref.n]
		ref.off = len(data)
	} else {
		// No message, or (with a tiny arena) no room for it: the
		// detail view then shows the segment alone.
		asm, ref = nil, asmRef{pending: ref.pending}
	}
	n := len(data) + len(asm)
	if r.pos+n > len(r.arena) {
		// Wrap; everything still stored after pos is overwritten soon,
		// and the packets there are the oldest.
		r.evictBytes(r.pos, len(r.arena))
		r.pos = 0
	}
	r.evictBytes(r.pos, r.pos+n)
	if r.next-r.oldest == uint64(len(r.slots)) {
		r.evictOldest()
	}
	copy(r.arena[r.pos:], data)
	copy(r.arena[r.pos+len(data):], asm)
	s := r.slotOf(r.next)
	*s = slot{seq: r.next, ts: it.ts, off: r.pos, n: len(data), wireLen: it.wireLen, link: it.link,
		flowID: it.flowID, cell: it.cell, app: it.app, asm: ref}
	r.pos += n
	r.view.added(r, s)
	r.next++
}

// evictBytes evicts the oldest packets while their bytes overlap [lo, hi).
func (r *Ring) evictBytes(lo, hi int) {
	for r.oldest < r.next {
		s := r.slotOf(r.oldest)
		if s.off+s.n+s.asm.n <= lo || s.off >= hi {
			return
		}
		r.evictOldest()
	}
}

func (r *Ring) evictOldest() {
	r.oldest++
	r.evicted++
	r.view.evicted(r.oldest)
}

// PacketView is one packet of the history, copied out for display.
type PacketView struct {
	Seq     uint64 // 1-based number in the capture
	Time    time.Time
	Link    decode.LinkType
	WireLen int
	Data    []byte
	// Stream is what TCP reassembly gave the packet's dissector (see
	// decode.DecodeStream).
	Stream decode.Stream
	FlowID uint64
	// App is the flow's verdict now; AppThen what it was when the packet
	// was captured.
	App, AppThen string
	// Pattern is where the flow's matching pattern came from; PortGuess
	// the ports' suggestion and Mismatch whether they disagree.
	Pattern   string
	PortGuess string
	Mismatch  bool
	// Host and Service are the flow's identity as known now (see
	// FlowView), "" until known.
	Host, Service string
}

// Len returns how many packets the history holds, and the first and last
// sequence numbers.
func (r *Ring) Len() (n int, first, last uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return int(r.next - r.oldest), r.oldest, r.next - 1
}

// Evicted is how many packets have left the history.
func (r *Ring) Evicted() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.evicted
}

// Get returns packet seq, if still kept.
func (r *Ring) Get(seq uint64) (PacketView, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if seq < r.oldest || seq >= r.next {
		return PacketView{}, false
	}
	return r.viewOf(r.slotOf(seq)), true
}

func (r *Ring) viewOf(s *slot) PacketView {
	b := append([]byte(nil), r.arena[s.off:s.off+s.n+s.asm.n]...)
	v := PacketView{Seq: s.seq, Time: time.Unix(0, s.ts), Link: s.link, WireLen: s.wireLen,
		Data: b[:s.n:s.n], Stream: s.asm.stream(b), FlowID: s.flowID, App: s.app, AppThen: s.app}
	if c := s.cell; c != nil {
		v.App = c.App()
		if p := c.pattern.Load(); p != nil {
			v.Pattern = *p
		}
		v.PortGuess, v.Mismatch = portNames[c.guess], c.mismatch.Load()
		if id := c.identity(); id != nil {
			v.Host, v.Service = id.host, id.service
		}
	}
	return v
}

// ringScan bounds the slots FlowPackets looks at under one read lock.
const ringScan = 4096

// FlowPackets appends to dst the kept packets of flow id numbered from
// from up to (not including) to, oldest first, and returns where to go on
// from: to once the range is done. It looks at no more than ringScan
// slots per call, so reading a long range takes several short holds of
// the lock rather than one that stalls the capture. The UI uses it to
// decode a flow's packets in order through the stateful dissectors
// (decode.AppConn), as the collector does for --lines.
func (r *Ring) FlowPackets(id, from, to uint64, dst []PacketView) ([]PacketView, uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	// Packets before the oldest kept one were evicted and newer ones
	// than the newest do not exist yet: neither is waited for.
	lo, hi := max(from, r.oldest), min(to, r.next)
	end := min(hi, lo+ringScan)
	for seq := lo; seq < end; seq++ {
		if s := r.slotOf(seq); s.flowID == id {
			dst = append(dst, r.viewOf(s))
		}
	}
	if end >= hi {
		return dst, to
	}
	return dst, end
}
