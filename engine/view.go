package engine

import (
	"net/netip"
	"strconv"
	"time"

	"l7sniff/decode"
)

// FlowView is a flow as the UI and the reports show it: a copy, safe to
// keep.
type FlowView struct {
	ID    uint64
	Key   decode.FlowKey
	Proto string // "TCP", "UDP", "ICMP", "USB BULK", ...
	// A and B are the endpoints ("10.0.0.1:443", "[2001:db8::1]:80",
	// "bus 2 dev 5 ep 1"); A is the side that sent the first packet.
	A, B string
	// Packets and bytes from A to B ([0]) and from B to A ([1]).
	Packets     [2]uint64
	Bytes       [2]uint64
	First, Last time.Time
	// State is the TCP state ("SYN", "established", "closed", "reset")
	// or "" for other protocols.
	State string
	// App is the verdict: protocol name, "classifying" or "unknown";
	// Pattern where the matching pattern came from (file:line).
	App     string
	Pattern string
	// PortGuess is the protocol the ports suggest; Mismatch is set when
	// a decided verdict contradicts it.
	PortGuess string
	Mismatch  bool
	// TCPFlags is the OR of all TCP flags seen; Ended that the flow left
	// the table (idle, closed or evicted).
	TCPFlags uint16
	Ended    bool
	// VLAN is the outermost VLAN id of the flow's first packet (0: none).
	VLAN uint16
}

// Duration is the time between the first and last packet.
func (v *FlowView) Duration() time.Duration { return v.Last.Sub(v.First) }

// TotalPackets and TotalBytes add both directions.
func (v *FlowView) TotalPackets() uint64 { return v.Packets[0] + v.Packets[1] }

// TotalBytes adds both directions' bytes.
func (v *FlowView) TotalBytes() uint64 { return v.Bytes[0] + v.Bytes[1] }

// AppStat is what one verdict accounts for.
type AppStat struct {
	Name           string
	Flows          uint64
	Packets, Bytes uint64
}

func (f *flow) view(ended bool) FlowView {
	v := FlowView{
		ID: f.id, Key: f.key, Proto: protoName(&f.key),
		First: time.Unix(0, f.first), Last: time.Unix(0, f.last),
		App: f.class.app(), PortGuess: portNames[f.class.guess], Mismatch: f.class.mismatch(),
		TCPFlags: f.tcpFlags[0] | f.tcpFlags[1], Ended: ended, VLAN: f.vlan,
	}
	a, b := endpoint(&f.key, true), endpoint(&f.key, false)
	// The key orders endpoints canonically; show the initiator first.
	v.A, v.B, v.Packets, v.Bytes = a, b, f.pkts, f.bytes
	if !f.initiatorA {
		v.A, v.B = b, a
		v.Packets = [2]uint64{f.pkts[1], f.pkts[0]}
		v.Bytes = [2]uint64{f.bytes[1], f.bytes[0]}
	}
	if p := f.class.pattern(); p != nil {
		// The shard interned the location when the flow was decided;
		// sharing it saves a string per flow in the ended list.
		if w := f.cell.interned(); w != "" {
			v.Pattern = w
		} else {
			v.Pattern = patternWhere(p)
		}
	}
	if f.key.Proto == 6 && f.key.Kind != decode.FlowUSB {
		v.State = tcpState(f.tcp)
	}
	return v
}

func tcpState(s uint8) string {
	switch {
	case s&tcpRst != 0:
		return "reset"
	case s&(tcpFinA|tcpFinB) == tcpFinA|tcpFinB:
		return "closed"
	case s&(tcpFinA|tcpFinB) != 0:
		return "closing"
	case s&tcpSynAckSeen != 0:
		return "established"
	case s&tcpSynSeen != 0:
		return "SYN"
	}
	return "midstream"
}

func protoName(k *decode.FlowKey) string {
	if k.Kind == decode.FlowUSB {
		return "USB " + [...]string{"ISO", "INT", "CTRL", "BULK"}[k.Proto&3]
	}
	switch k.Proto {
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 1:
		return "ICMP"
	case 58:
		return "ICMPv6"
	}
	return "IP/" + itoa(int(k.Proto))
}

// endpoint formats side A (a) or B of a key.
func endpoint(k *decode.FlowKey, a bool) string {
	addr, port := k.B, k.PortB
	if a {
		addr, port = k.A, k.PortA
	}
	switch k.Kind {
	case decode.FlowUSB:
		if !a {
			return "host"
		}
		bus, dev := int(addr[0])<<8|int(addr[1]), int(addr[2])<<8|int(addr[3])
		return "usb " + itoa(bus) + "." + itoa(dev) + "." + itoa(int(port))
	case decode.FlowIPv4:
		ip := netip.AddrFrom4([4]byte(addr[:4]))
		if k.Proto != 6 && k.Proto != 17 {
			return ip.String()
		}
		return netip.AddrPortFrom(ip, port).String()
	}
	ip := netip.AddrFrom16(addr)
	if k.Proto != 6 && k.Proto != 17 {
		return ip.String()
	}
	return netip.AddrPortFrom(ip, port).String()
}

func itoa(i int) string { return strconv.Itoa(i) }
