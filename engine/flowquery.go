package engine

import (
	"fmt"
	"net/netip"

	"l7sniff/decode"
)

// Questions the UI asks about one flow: which filter selects its packets
// (so enter on a flow can show them through the view filter), and what
// its packets still in the ring carry (Follow Stream). The engine answers
// them from the flow's key and the ring, so the UI computes neither.

// Filter is the BPF expression that selects the flow's packets, e.g.
// "tcp and host 10.0.0.1 and host 10.0.0.2 and tcp port 40000 and tcp
// port 80". A flow that is not over IP (USB) has none.
func (f *FlowView) Filter() (string, error) {
	k := &f.Key
	var a, b netip.Addr
	switch k.Kind {
	case decode.FlowIPv4:
		a, b = netip.AddrFrom4([4]byte(k.A[:4])), netip.AddrFrom4([4]byte(k.B[:4]))
	case decode.FlowIPv6:
		a, b = netip.AddrFrom16(k.A), netip.AddrFrom16(k.B)
	default:
		return "", fmt.Errorf("a %s flow has no BPF filter", f.Proto)
	}
	hosts := fmt.Sprintf("host %s and host %s", a, b)
	ipProto, _ := k.IPProto()
	switch ipProto {
	case decode.IPProtoTCP, decode.IPProtoUDP:
		proto := map[uint8]string{decode.IPProtoTCP: "tcp", decode.IPProtoUDP: "udp"}[ipProto]
		return fmt.Sprintf("%s and %s and %s port %d and %s port %d", proto, hosts, proto, k.PortA, proto, k.PortB), nil
	}
	if k.Kind == decode.FlowIPv6 {
		return fmt.Sprintf("ip6 proto %d and %s", ipProto, hosts), nil
	}
	return fmt.Sprintf("ip proto %d and %s", ipProto, hosts), nil
}

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
