package engine

import "l7sniff/decode"

// tcpOrder puts a TCP flow's payload in sequence order for the
// classifier: per direction, the next sequence number it expects. A
// segment entirely before it (a retransmission, a duplicate from a
// mirror port or a capture on two interfaces) is not fed again and does
// not count against the packet limit; one that overlaps is trimmed to
// its new bytes. A segment beyond it (a gap: a segment lost before the
// capture, or one that arrives late) is fed at once and the gap counted:
// there is no reordering buffer yet, so a segment that arrives late
// after it is then a retransmission and skipped. A repeated SYN and a
// bare segment that acknowledges nothing new are duplicates too.
// Sixteen bytes per flow.
type tcpOrder struct {
	next  [2]uint32
	ack   [2]uint32 // the last acknowledgement number sent
	known [2]bool
}

// admit returns the part of a segment's payload that is new: from
// direction d, with sequence and acknowledgement numbers seq and ack,
// its flags and payload. dup reports a segment that brings nothing new;
// gap one that skipped sequence space.
func (o *tcpOrder) admit(d int, seq, ack uint32, flags uint16, payload []byte) (fresh []byte, dup, gap bool) {
	if flags&decode.TCPSyn != 0 {
		if o.known[d] && o.next[d] == seq+1 && len(payload) == 0 {
			return nil, true, false
		}
		seq++
		o.next[d], o.known[d] = seq, true
	}
	if len(payload) == 0 {
		repeat := flags&(decode.TCPSyn|decode.TCPFin|decode.TCPRst) == 0 && o.known[d] &&
			seq == o.next[d] && ack == o.ack[d]
		o.ack[d] = ack
		return payload, repeat, false
	}
	o.ack[d] = ack
	if !o.known[d] {
		// The capture started mid-connection: take this as the start.
		o.next[d], o.known[d] = seq, true
	}
	end := seq + uint32(len(payload))
	switch ahead := int32(seq - o.next[d]); {
	case int32(end-o.next[d]) <= 0:
		return nil, true, false
	case ahead < 0:
		payload = payload[-ahead:]
	case ahead > 0:
		gap = true
	}
	o.next[d] = end
	return payload, false, gap
}

// b2u is 1 for true, for counters.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
