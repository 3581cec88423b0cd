package decode

import (
	"fmt"
	"strings"
)

// The field tree of the frame, link, network and transport layers. Offsets
// are the ones the decoders read, so a selected field can highlight its
// bytes in the hex dump.

func (t *treeBuilder) frame() {
	p := t.p
	v := fmt.Sprintf("%d bytes on wire, %d captured, %s", p.WireLen, len(p.Data), p.LinkType)
	t.layer("Frame", v, 0, len(p.Data))
	if p.FileLen < len(p.Data) {
		t.field("Recorded length", fmt.Sprintf("%d bytes: the file records fewer on the wire than it captured", p.FileLen), 0, 0)
	}
	if !p.Problem.OK() {
		t.field("Problem", p.Problem.String(), 0, 0)
	}
}

func mac(b []byte) string { return string(appendMAC(nil, b)) }

func ip4(b []byte) string { return string(appendIPv4(nil, b)) }

func ip6(a [16]byte) string { return string(appendIPv6(nil, a)) }

func hex16(v uint16) string { return string(appendHex(nil, uint64(v), 4)) }

func (t *treeBuilder) link() {
	p := t.p
	if p.Has(LayerNull) {
		t.layer("Null/Loopback", fmt.Sprintf("family %d", p.Null.Family), p.Null.Off, 4)
		t.field("Address family", fmt.Sprint(p.Null.Family), p.Null.Off, 4)
	}
	if p.Has(LayerEthernet) {
		e, o := &p.Eth, p.Eth.Off
		t.layer("Ethernet II", mac(e.Src[:])+" → "+mac(e.Dst[:]), o, EthernetLen)
		t.field("Destination", mac(e.Dst[:]), o, 6)
		t.field("Source", mac(e.Src[:]), o+6, 6)
		if e.Type >= 0x0600 {
			t.field("Type", hex16(e.Type), o+12, 2)
		} else {
			t.field("Length", fmt.Sprint(e.Type), o+12, 2)
		}
	}
	if p.Has(LayerSLL) || p.Has(LayerSLL2) {
		t.sll()
	}
	for i := 0; i < p.NumVLAN; i++ {
		v := &p.VLAN[i]
		name := "802.1Q VLAN"
		if v.IsQinQ() {
			name = "802.1ad service VLAN"
		}
		t.layer(name, fmt.Sprintf("id %d, priority %d", v.ID, v.Priority), v.Off, 4)
		t.field("Priority", fmt.Sprint(v.Priority), v.Off, 1)
		t.field("DEI", fmt.Sprint(v.DEI), v.Off, 1)
		t.field("ID", fmt.Sprint(v.ID), v.Off, 2)
		t.field("Type", hex16(v.Type), v.Off+2, 2)
	}
	if p.Has(LayerMPLS) {
		m := &p.MPLS
		t.layer("MPLS", fmt.Sprintf("%d labels, bottom %d", m.Labels, m.Label), m.Off, 4*m.Labels)
	}
	if p.Has(LayerARP) {
		t.arp()
	}
}

func (t *treeBuilder) sll() {
	s, o := &t.p.SLL, t.p.SLL.Off
	if s.Version == 1 {
		t.layer("Linux cooked capture v1", "", o, SLLLen)
		t.field("Packet type", sllPktType(s.PktType), o, 2)
		t.field("Link-layer address type", fmt.Sprint(s.HAType), o+2, 2)
		t.field("Link-layer address length", fmt.Sprint(s.HALen), o+4, 2)
		t.field("Source", t.sllAddr(), o+6, int(s.HALen))
		t.field("Protocol", hex16(s.Protocol), o+14, 2)
		return
	}
	t.layer("Linux cooked capture v2", "", o, SLL2Len)
	t.field("Protocol", hex16(s.Protocol), o, 2)
	t.field("Interface index", fmt.Sprint(s.IfIndex), o+4, 4)
	t.field("Link-layer address type", fmt.Sprint(s.HAType), o+8, 2)
	t.field("Packet type", sllPktType(s.PktType), o+10, 1)
	t.field("Link-layer address length", fmt.Sprint(s.HALen), o+11, 1)
	t.field("Source", t.sllAddr(), o+12, int(s.HALen))
}

func (t *treeBuilder) sllAddr() string {
	s := &t.p.SLL
	if s.HasIPv4() {
		return ip4(s.Addr[:4])
	}
	return mac(s.Addr[:s.HALen])
}

func sllPktType(v uint16) string {
	names := [...]string{"unicast to us", "broadcast", "multicast", "unicast to another host", "sent by us"}
	if int(v) < len(names) {
		return fmt.Sprintf("%s (%d)", names[v], v)
	}
	return fmt.Sprint(v)
}

func (t *treeBuilder) arp() {
	p := t.p
	a, o := &p.ARP, p.ARP.Off
	t.layer("ARP", string(p.appendARPMessage(nil)), o, a.Decoded)
	t.field("Hardware type", fmt.Sprint(a.HWType), o, 2)
	t.field("Protocol type", hex16(a.ProtoType), o+2, 2)
	t.field("Hardware size", fmt.Sprint(a.HWLen), o+4, 1)
	t.field("Protocol size", fmt.Sprint(a.ProtoLen), o+5, 1)
	t.field("Opcode", fmt.Sprint(a.Op), o+6, 2)
	h, pl := int(a.HWLen), int(a.ProtoLen)
	addrs := []struct {
		label string
		get   func(*ARP, []byte) ([]byte, bool)
		fmt   func([]byte) string
		off   int
		n     int
	}{
		{"Sender MAC", (*ARP).SenderMAC, mac, 8, h},
		{"Sender IP", (*ARP).SenderIP, ip4, 8 + h, pl},
		{"Target MAC", (*ARP).TargetMAC, mac, 8 + h + pl, h},
		{"Target IP", (*ARP).TargetIP, ip4, 8 + 2*h + pl, pl},
	}
	for _, ad := range addrs {
		if b, ok := ad.get(a, p.Data); ok {
			t.field(ad.label, ad.fmt(b), o+ad.off, ad.n)
		}
	}
}

func (t *treeBuilder) network() {
	p := t.p
	if p.Has(LayerIPv4) {
		t.ipv4("Internet Protocol version 4", &p.IPv4)
	}
	if p.Has(LayerIPv6) {
		t.ipv6("Internet Protocol version 6", &p.IPv6)
		for i := 0; i < p.NumExt; i++ {
			t.ext(&p.Ext[i])
		}
	}
	if p.Has(LayerAH) {
		t.ah()
	}
}

// quotedIP adds the IP header an ICMP error quotes, after the ICMP header
// that carries it (as Wireshark nests it).
func (t *treeBuilder) quotedIP() {
	p := t.p
	switch p.Inner.Version {
	case 4:
		t.ipv4("Quoted IPv4", &p.Inner.V4)
	case 6:
		t.ipv6("Quoted IPv6", &p.Inner.V6)
	}
}

func (t *treeBuilder) ipv4(label string, ip *IPv4) {
	o := ip.Off
	t.layer(label, ip4(ip.Src[:])+" → "+ip4(ip.Dst[:]), o, ip.Decoded)
	t.field("Version", fmt.Sprint(ip.Version), o, 1)
	if ip.Decoded < 2 {
		return
	}
	t.field("Header length", fmt.Sprintf("%d bytes (%d)", ip.IHL, ip.IHL/4), o, 1)
	t.field("DSCP", fmt.Sprint(ip.DSCP()), o+1, 1)
	t.field("ECN", fmt.Sprint(ip.ECN()), o+1, 1)
	t.field("Total length", fmt.Sprint(ip.TotalLen), o+2, 2)
	if ip.Decoded < ipv4MinLen {
		return
	}
	t.field("Identification", fmt.Sprintf("%s (%d)", hex16(ip.ID), ip.ID), o+4, 2)
	t.field("Flags", ipv4Flags(ip.Flags), o+6, 1)
	t.field("Fragment offset", fmt.Sprintf("%d (%d bytes)", ip.FragOff, int(ip.FragOff)*8), o+6, 2)
	t.field("Time to live", fmt.Sprint(ip.TTL), o+8, 1)
	t.field("Protocol", ipProtoName(ip.Protocol), o+9, 1)
	ck := "unverified"
	if ip.Decoded >= ip.IHL {
		ck = "incorrect"
		if ip.ChecksumOK {
			ck = "correct"
		}
	}
	t.field("Header checksum", hex16(ip.Checksum)+" ["+ck+"]", o+10, 2)
	t.field("Source", ip4(ip.Src[:]), o+12, 4)
	t.field("Destination", ip4(ip.Dst[:]), o+16, 4)
	if ip.IHL > ipv4MinLen {
		t.field("Options", fmt.Sprintf("%d bytes, first type %d", ip.IHL-ipv4MinLen, ip.FirstOption), o+ipv4MinLen, ip.IHL-ipv4MinLen)
	}
}

func ipv4Flags(f uint8) string {
	var s []string
	if f&IPv4Reserved != 0 {
		s = append(s, "reserved")
	}
	if f&IPv4DF != 0 {
		s = append(s, "DF")
	}
	if f&IPv4MF != 0 {
		s = append(s, "MF")
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func ipProtoName(p uint8) string {
	names := map[uint8]string{1: "ICMP", 2: "IGMP", 4: "IPv4", 6: "TCP", 17: "UDP", 41: "IPv6",
		47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6", 89: "OSPF", 132: "SCTP"}
	if n, ok := names[p]; ok {
		return fmt.Sprintf("%s (%d)", n, p)
	}
	return fmt.Sprint(p)
}

func (t *treeBuilder) ipv6(label string, ip *IPv6) {
	o := ip.Off
	t.layer(label, ip6(ip.Src)+" → "+ip6(ip.Dst), o, ip.Decoded)
	t.field("Version", fmt.Sprint(ip.Version), o, 1)
	if ip.Decoded < ipv6HeaderLen {
		return
	}
	t.field("Traffic class", fmt.Sprintf("0x%02x (DSCP %d, ECN %d)", ip.TrafficClass, ip.DSCP(), ip.TrafficClass&3), o, 2)
	t.field("Flow label", fmt.Sprintf("0x%05x", ip.FlowLabel), o+1, 3)
	t.field("Payload length", fmt.Sprint(ip.PayloadLen), o+4, 2)
	t.field("Next header", ipProtoName(ip.NextHeader), o+6, 1)
	t.field("Hop limit", fmt.Sprint(ip.HopLimit), o+7, 1)
	t.field("Source", ip6(ip.Src), o+8, 16)
	t.field("Destination", ip6(ip.Dst), o+24, 16)
	if ip.Jumbo != 0 {
		t.field("Jumbo payload length", fmt.Sprint(ip.Jumbo), o+ipv6HeaderLen, 8)
	}
}

func (t *treeBuilder) ext(e *IPv6Ext) {
	names := map[uint8]string{ipv6HopByHop: "Hop-by-hop options", ipv6Routing: "Routing header",
		ipv6Fragment: "Fragment header", ipv6AH: "Authentication header", ipv6DestOpts: "Destination options",
		ipv6Mobility: "Mobility header"}
	t.layer("IPv6 "+names[e.Type], fmt.Sprintf("%d bytes", e.Len), e.Off, e.Len)
	t.field("Next header", ipProtoName(e.Next), e.Off, 1)
	switch e.Type {
	case ipv6Routing:
		t.field("Type", fmt.Sprint(e.RoutingType), e.Off+2, 1)
		t.field("Segments left", fmt.Sprint(e.SegmentsLeft), e.Off+3, 1)
	case ipv6Fragment:
		t.field("Offset", fmt.Sprintf("%d (%d bytes)", e.FragOff, int(e.FragOff)*8), e.Off+2, 2)
		t.field("More fragments", fmt.Sprint(e.FragMore), e.Off+3, 1)
		t.field("Identification", fmt.Sprintf("0x%08x", e.FragID), e.Off+4, 4)
	}
}

func (t *treeBuilder) transport() {
	p := t.p
	switch {
	case p.Has(LayerICMPv4) || p.Has(LayerICMPv6):
		t.icmp()
	}
	t.quotedIP()
	if p.Has(LayerTCP) {
		t.tcp()
	}
	if p.Has(LayerUDP) {
		u, o := &p.UDP, p.UDP.Off
		t.layer(t.quotedPrefix()+"User Datagram Protocol", fmt.Sprintf("%d → %d", u.SrcPort, u.DstPort), o, udpLen)
		t.field("Source port", fmt.Sprint(u.SrcPort), o, 2)
		t.field("Destination port", fmt.Sprint(u.DstPort), o+2, 2)
		t.field("Length", fmt.Sprint(u.Length), o+4, 2)
		t.field("Checksum", hex16(u.Checksum), o+6, 2)
	}
}

func (t *treeBuilder) quotedPrefix() string {
	if t.p.Quoted {
		return "Quoted "
	}
	return ""
}

func (t *treeBuilder) icmp() {
	c, o := &t.p.ICMP, t.p.ICMP.Off
	name := "Internet Control Message Protocol"
	if c.V6 {
		name += " v6"
	}
	t.layer(name, strings.TrimSpace(string(t.p.appendICMPSummary(nil))), o, icmpLen)
	typ := fmt.Sprint(c.Type)
	if n := c.TypeName(); n != "" {
		typ += " (" + n + ")"
	}
	t.field("Type", typ, o, 1)
	code := fmt.Sprint(c.Code)
	if n := c.CodeName(); n != "" {
		code += " (" + n + ")"
	}
	t.field("Code", code, o+1, 1)
	t.field("Checksum", hex16(c.Checksum), o+2, 2)
	if c.IsEcho() {
		t.field("Identifier", fmt.Sprint(c.ID), o+4, 2)
		t.field("Sequence", fmt.Sprint(c.Seq), o+6, 2)
	}
}

func (t *treeBuilder) tcp() {
	tc, o := &t.p.TCP, t.p.TCP.Off
	flags := string(AppendTCPFlags(nil, tc.Flags))
	t.layer(t.quotedPrefix()+"Transmission Control Protocol",
		fmt.Sprintf("%d → %d [%s] len %d", tc.SrcPort, tc.DstPort, flags, max(tc.SegLen, 0)), o, tc.Decoded)
	t.field("Source port", fmt.Sprint(tc.SrcPort), o, 2)
	t.field("Destination port", fmt.Sprint(tc.DstPort), o+2, 2)
	if tc.Decoded < tcpMinLen {
		return
	}
	t.field("Sequence number", fmt.Sprint(tc.Seq), o+4, 4)
	t.field("Acknowledgment number", fmt.Sprint(tc.Ack), o+8, 4)
	t.field("Header length", fmt.Sprintf("%d bytes (%d)", tc.HdrLen, tc.HdrLen/4), o+12, 1)
	t.field("Flags", fmt.Sprintf("0x%03x [%s]", tc.Flags, flags), o+12, 2)
	for _, f := range tcpFlagNames {
		t.sub(f.name, fmt.Sprint(tc.Flags&f.bit != 0), o+12, 2)
	}
	t.field("Window", fmt.Sprint(tc.Window), o+14, 2)
	t.field("Checksum", hex16(tc.Checksum), o+16, 2)
	t.field("Urgent pointer", fmt.Sprint(tc.Urgent), o+18, 2)
	if tc.Decoded > tcpMinLen {
		t.field("Options", fmt.Sprintf("%d bytes", tc.Decoded-tcpMinLen), o+tcpMinLen, tc.Decoded-tcpMinLen)
		t.tcpOptions(tc)
	}
	if tc.SegLen >= 0 {
		t.field("Payload length", fmt.Sprint(tc.SegLen), o+tc.HdrLen, tc.SegLen)
	}
}

var tcpFlagNames = [...]struct {
	name string
	bit  uint16
}{
	{"AE", TCPAE}, {"CWR", TCPCwr}, {"ECE", TCPEce}, {"URG", TCPUrg}, {"ACK", TCPAck},
	{"PSH", TCPPsh}, {"RST", TCPRst}, {"SYN", TCPSyn}, {"FIN", TCPFin},
}

// tcpOptions lists each option with its bytes, walking them again (the
// decoder only keeps a summary).
func (t *treeBuilder) tcpOptions(tc *TCP) {
	start := tc.Off + tcpMinLen
	o := t.p.Data[start : tc.Off+tc.Decoded]
	for i := 0; i < len(o); {
		kind := o[i]
		if kind == tcpOptEnd || kind == tcpOptNop {
			name := map[byte]string{tcpOptEnd: "End of options", tcpOptNop: "No-operation"}[kind]
			t.sub(name, "", start+i, 1)
			if kind == tcpOptEnd {
				return
			}
			i++
			continue
		}
		if i+1 >= len(o) || int(o[i+1]) < 2 || i+int(o[i+1]) > len(o) {
			t.sub(fmt.Sprintf("Option %d", kind), "bad length", start+i, len(o)-i)
			return
		}
		n := int(o[i+1])
		var label, value string
		switch kind {
		case tcpOptMSS:
			label, value = "Maximum segment size", fmt.Sprint(tc.MSS)
		case tcpOptWScale:
			label, value = "Window scale", fmt.Sprintf("%d (×%d)", tc.WScale, 1<<min(tc.WScale, 14))
		case tcpOptSACKPerm:
			label = "SACK permitted"
		case tcpOptSACK:
			label, value = "SACK", fmt.Sprintf("%d blocks", (n-2)/8)
		case tcpOptTimestamp:
			label, value = "Timestamps", fmt.Sprintf("val %d ecr %d", tc.TSVal, tc.TSEcr)
		default:
			label, value = fmt.Sprintf("Option %d", kind), fmt.Sprintf("%d bytes", n)
		}
		t.sub(label, value, start+i, n)
		i += n
	}
}

func (t *treeBuilder) payload() {
	p := t.p
	if p.Payload.Len > 0 {
		t.layer("Data", fmt.Sprintf("%d bytes", p.Payload.Len), p.Payload.Off, p.Payload.Len)
	}
}
