package engine

import (
	"strconv"

	"l7sniff/decode"
)

// Questions the UI asks about one flow: which filter selects its packets
// (so enter on a flow can show them through the view filter), and what
// its packets still in the ring carry (Follow Stream). The engine answers
// them from the flow's key and the ring, so the UI computes neither.

// Filter is the view filter that selects the flow's packets: "flow ID",
// as Wireshark's Follow Stream selects with "tcp.stream eq N". It is
// exact where a BPF conversation filter ("tcp and host A and host B and
// port P and port Q") is not: BPF cannot see the ports of a non-first
// IPv4 fragment nor past an IPv6 fragment header, which headers follow a
// tunnel's, or how many 802.1Q tags a frame has, and names no USB flow.
func (f *FlowView) Filter() string { return "flow " + strconv.FormatUint(f.ID, 10) }

// Stream is a flow's payload in capture order, both directions, as
// Wireshark's Follow Stream shows it.
type Stream struct {
	Segments []StreamSegment
	// Packets is how many of the flow's packets were read, Bytes the
	// payload bytes the segments hold.
	Packets, Bytes int
}

// StreamSegment is one direction's run of payload.
type StreamSegment struct {
	// Client is set for bytes sent by the side that sent the first
	// packet read.
	Client bool
	Data   []byte
}

// FlowStream collects the payload of flow id's packets still in the ring,
// oldest first, until it holds limit bytes (limit bounds what a bulk
// transfer costs; the segment that reaches it is kept whole). TCP bytes
// already seen in a direction (retransmissions, overlaps) are left out.
// It reads the ring in FlowPackets' short holds of the lock.
func (r *Ring) FlowStream(id uint64, limit int) Stream {
	var st Stream
	var p decode.Packet
	var clientFromA bool
	var next [2]uint32 // next TCP sequence number per direction
	var seen [2]bool
	var buf []PacketView
	_, from, last := r.Len()
	for from <= last && st.Bytes < limit {
		buf, from = r.FlowPackets(id, from, last+1, buf[:0])
		for i := range buf {
			if st.Bytes >= limit {
				break
			}
			v := &buf[i]
			decode.Decode(v.Link, v.Data, v.WireLen, &p)
			if st.Packets == 0 {
				clientFromA = p.FromA
			}
			st.Packets++
			pay := p.PayloadBytes()
			dir := 0
			if p.FromA != clientFromA {
				dir = 1
			}
			if p.Has(decode.LayerTCP) && !p.Quoted {
				end := p.TCP.Seq + uint32(len(pay))
				if p.TCP.Flags&(decode.TCPSyn|decode.TCPFin) != 0 {
					end++
				}
				if seen[dir] && int32(end-next[dir]) <= 0 {
					continue // nothing new: a retransmission
				}
				if seen[dir] && int32(next[dir]-p.TCP.Seq) > 0 {
					pay = pay[min(int(next[dir]-p.TCP.Seq), len(pay)):] // overlap
				}
				next[dir], seen[dir] = end, true
			}
			if len(pay) == 0 {
				continue
			}
			client := dir == 0
			if n := len(st.Segments); n > 0 && st.Segments[n-1].Client == client {
				st.Segments[n-1].Data = append(st.Segments[n-1].Data, pay...)
			} else {
				st.Segments = append(st.Segments, StreamSegment{client, append([]byte(nil), pay...)})
			}
			st.Bytes += len(pay)
		}
	}
	return st
}
