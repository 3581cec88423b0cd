package engine

import "l7sniff/decode"

// TCP reassembly for the application dissectors. When a segment ends in
// the middle of a message (an HTTP header block, a TLS handshake, a DNS
// message over TCP), the shard that owns the flow holds the message's
// bytes so far and adds the following in-sequence segments until the
// dissector's framing (decode.TCPMessages) says the message is whole; that
// segment carries the whole message to decode (decode.Stream), the ones
// before it are Pending, as in tshark's default view.
//
// Bounds: a held message may grow to ReassemblyLimit bytes per direction, and a
// shard holds messages for at most maxHolds flows at once. Past either,
// the message is given up (the segments are then dissected on their own)
// and counted in AsmStats. A gap in the sequence (loss, reordering)
// gives the message up too: reordering is rare at the start of a
// connection, where these messages are. A direction whose first payload
// no dissector took, on ports none is registered for, is not looked at
// again (tshark's heuristics would still try each segment; what they find
// there is still dissected, only not reassembled).

const (
	// ReassemblyLimit is how many bytes of one message one direction of
	// a TCP connection may hold.
	ReassemblyLimit = 16 << 10
	maxHolds        = 256
)

// AsmStats counts what TCP reassembly did.
type AsmStats struct {
	// Reassembled messages were completed from several segments.
	Reassembled uint64
	// Overflow messages grew past the per-direction bound, NoRoom ones
	// found every hold of their shard in use, and Gap ones lost a segment
	// before they completed; all three were given up.
	Overflow, NoRoom, Gap uint64
}

func (a *AsmStats) add(b AsmStats) {
	a.Reassembled += b.Reassembled
	a.Overflow += b.Overflow
	a.NoRoom += b.NoRoom
	a.Gap += b.Gap
}

// tcpHold is one flow's held bytes, per direction.
type tcpHold struct {
	dir [2]heldMsg
}

type heldMsg struct {
	active bool
	next   uint32 // sequence number of the byte that continues buf
	buf    []byte
}

// asmRef is what reassembly decided for one item: nothing (the zero
// value: dissect the segment alone), pending, or a stream of the batch's
// asm buffer.
type asmRef struct {
	pending bool
	has     bool
	off, n  int // the whole messages in batch.asm
	here    int // where the segment's payload starts in them
}

// stream converts the reference into decode's view of it.
func (r *asmRef) stream(b []byte) decode.Stream {
	if !r.has {
		return decode.Stream{Pending: r.pending}
	}
	return decode.Stream{Data: b[r.off : r.off+r.n], Here: r.here}
}

// reassemble is the per-packet reassembly step for a TCP item. It does
// nothing (no copy) for a segment that holds whole messages and follows
// none held, the usual case.
func (s *shard) reassemble(f *flow, b *batch, it *item) {
	if it.pay.Len == 0 {
		return
	}
	d := dir(it.fromA)
	if f.appless&(1<<d) != 0 {
		// Not even a look at the payload: on a busy link that first
		// touch of its bytes is most of what this step would cost.
		return
	}
	payload := b.bytes(it)[it.pay.Off:it.pay.End()]
	if f.hold == nil || !f.hold.dir[d].active {
		if it.pay.Len < it.segLen {
			return // cut by the snap length: nothing to continue
		}
		whole, more, claimed := decode.TCPMessages(it.key.PortA, it.key.PortB, payload)
		if !claimed && !decode.TCPPortsDissected(it.key.PortA, it.key.PortB) {
			f.appless |= 1 << d
		}
		if !more {
			return
		}
		if !s.holdFor(f) {
			return
		}
		h := &f.hold.dir[d]
		h.active, h.next = true, it.tcpSeq+uint32(len(payload))
		h.buf = append(h.buf[:0], payload[whole:]...)
		if whole > 0 {
			it.asm = b.addAsm(payload[:whole], 0)
		} else {
			it.asm.pending = true
		}
		return
	}
	h := &f.hold.dir[d]
	switch {
	case it.tcpSeq != h.next && int32(it.tcpSeq+uint32(len(payload))-h.next) <= 0:
		// A retransmission of bytes already held: not new data.
		it.asm.pending = true
		return
	case it.tcpSeq != h.next || it.pay.Len < it.segLen:
		// The segment may start a message of its own: look at it afresh.
		s.asm.Gap++
		s.release(f, d)
		s.reassemble(f, b, it)
		return
	case len(h.buf)+len(payload) > ReassemblyLimit:
		s.asm.Overflow++
		s.release(f, d)
		return
	}
	here := len(h.buf)
	h.buf = append(h.buf, payload...)
	h.next += uint32(len(payload))
	whole, more, _ := decode.TCPMessages(it.key.PortA, it.key.PortB, h.buf)
	if whole > here {
		it.asm = b.addAsm(h.buf[:whole], here)
		s.asm.Reassembled++
	} else {
		it.asm.pending = true
	}
	if !more {
		s.release(f, d)
		return
	}
	if whole > 0 {
		h.buf = h.buf[:copy(h.buf, h.buf[whole:])]
	}
}

// dissects reports whether anything will dissect application messages:
// the packet sinks (lines, JSON, fields that include an application one)
// and the UI's history. Without them (a --flows report, -w alone, fields
// of the lower layers) reassembly would be wasted work.
func (e *Engine) dissects() bool {
	return e.cfg.Packet != nil && e.cfg.Omit&OmitApp == 0 || e.ring != nil
}

// holdFor gives f a hold, from the shard's free list, within maxHolds.
func (s *shard) holdFor(f *flow) bool {
	if f.hold != nil {
		return true
	}
	switch {
	case len(s.freeHolds) > 0:
		f.hold = s.freeHolds[len(s.freeHolds)-1]
		s.freeHolds = s.freeHolds[:len(s.freeHolds)-1]
	case s.holds < maxHolds:
		f.hold = &tcpHold{}
		s.holds++
	default:
		s.asm.NoRoom++
		return false
	}
	return true
}

// release ends direction d's held message; a flow holding nothing gives
// its hold back.
func (s *shard) release(f *flow, d int) {
	h := f.hold
	h.dir[d].active, h.dir[d].buf = false, h.dir[d].buf[:0]
	if !h.dir[0].active && !h.dir[1].active {
		s.freeHolds = append(s.freeHolds, h)
		f.hold = nil
	}
}

// releaseAll gives back an ending flow's hold.
func (s *shard) releaseAll(f *flow) {
	if f.hold != nil {
		f.hold.dir[0].active = false
		s.release(f, 1)
	}
}

// addAsm copies whole messages into the batch and returns the reference.
func (b *batch) addAsm(msg []byte, here int) asmRef {
	off := len(b.asm)
	b.asm = append(b.asm, msg...)
	return asmRef{has: true, off: off, n: len(msg), here: here}
}
