package engine

import "l7sniff/decode"

// tcpOrder puts a TCP flow's payload in sequence order for the
// classifier: per direction, the next sequence number it expects. A
// segment entirely before it (a retransmission, a duplicate from a
// mirror port or a capture on two interfaces) is not fed again and does
// not count against the packet limit; one that overlaps is trimmed to
// its new bytes; a repeated SYN and a bare segment that acknowledges
// nothing new are duplicates too. A segment beyond it (a gap) may wait
// in the shard's reorder pool (see reorderPool) for the missing bytes.
// Twenty bytes per flow, the index of its held segment included.
type tcpOrder struct {
	next [2]uint32
	ack  [2]uint32 // the last acknowledgement number sent
	// held is 1 + the reorder pool slot of the flow's waiting segment,
	// 0 for none (so a zero flow holds nothing).
	held  uint16
	known [2]bool
}

// segKind is how a segment relates to what the classifier has seen.
type segKind uint8

const (
	segNew   segKind = iota // in order (or trimmed to its new bytes): feed it
	segDup                  // nothing new: skip it
	segAhead                // beyond the next expected byte: a gap before it
)

// admit classifies a segment from direction d with sequence and
// acknowledgement numbers seq and ack, its flags and payload, and
// returns its new bytes. Only a segNew advances the expected number; a
// segAhead is returned whole, for the caller to hold or to accept.
func (o *tcpOrder) admit(d int, seq, ack uint32, flags uint16, payload []byte) ([]byte, segKind) {
	if flags&decode.TCPSyn != 0 {
		if o.known[d] && o.next[d] == seq+1 && len(payload) == 0 {
			return nil, segDup
		}
		seq++
		o.next[d], o.known[d] = seq, true
	}
	if len(payload) == 0 {
		repeat := flags&(decode.TCPSyn|decode.TCPFin|decode.TCPRst) == 0 && o.known[d] &&
			seq == o.next[d] && ack == o.ack[d]
		o.ack[d] = ack
		if repeat {
			return nil, segDup
		}
		return payload, segNew
	}
	if !o.known[d] {
		// The capture started mid-connection: take this as the start.
		o.next[d], o.known[d] = seq, true
	}
	end := seq + uint32(len(payload))
	switch ahead := int32(seq - o.next[d]); {
	case int32(end-o.next[d]) <= 0:
		return nil, segDup
	case ahead < 0:
		payload = payload[-ahead:]
	case ahead > 0:
		return payload, segAhead
	}
	o.ack[d] = ack
	o.next[d] = end
	return payload, segNew
}

// accept gives up on the bytes before seq in direction d: a gap that did
// not fill. The segment at seq, n bytes, is fed next.
func (o *tcpOrder) accept(d int, seq uint32, n int) {
	o.next[d] = seq + uint32(n)
}

// Bounds of the reorder pool: per shard, reorderSlots segments of at
// most reorderBytes each (one full-size Ethernet segment), and at most
// one per flow. A segment that finds no room, or is larger, is fed at
// once and its gap counted, as is a held one when another gap follows.
const (
	reorderSlots = 256
	reorderBytes = 1500
)

// A slot's number fits tcpOrder.held.
const _ uint16 = reorderSlots

// heldSegment is one out-of-order segment waiting for the bytes before
// it.
type heldSegment struct {
	seq, ack uint32
	dir      uint8
	n        uint16
	data     [reorderBytes]byte
}

// reorderPool is a shard's out-of-order buffer for flows still
// classifying: a fixed set of slots (384 KiB), allocated when first
// needed, so a flow costs an index rather than a buffer and a flood of
// gaps cannot grow memory.
type reorderPool struct {
	slots []heldSegment
	free  []int32
}

// hold copies a segment into a free slot for flow order o, reporting
// false when it cannot (no room, too large, the flow already holds one).
func (p *reorderPool) hold(o *tcpOrder, d int, seq, ack uint32, payload []byte) bool {
	if o.held != 0 || len(payload) > reorderBytes {
		return false
	}
	if p.slots == nil {
		p.slots = make([]heldSegment, reorderSlots)
		p.free = make([]int32, reorderSlots)
		for i := range p.free {
			p.free[i] = int32(reorderSlots - 1 - i)
		}
	}
	if len(p.free) == 0 {
		return false
	}
	i := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	h := &p.slots[i]
	h.seq, h.ack, h.dir, h.n = seq, ack, uint8(d), uint16(copy(h.data[:], payload))
	o.held = uint16(i + 1)
	return true
}

// held returns flow order o's waiting segment, or nil.
func (p *reorderPool) held(o *tcpOrder) *heldSegment {
	if o.held == 0 {
		return nil
	}
	return &p.slots[o.held-1]
}

// release frees o's slot, if it holds one.
func (p *reorderPool) release(o *tcpOrder) {
	if o.held != 0 {
		p.free = append(p.free, int32(o.held)-1)
		o.held = 0
	}
}

// b2u is 1 for true, for counters.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
