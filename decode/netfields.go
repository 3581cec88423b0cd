package decode

// Constructors for the common shapes of field: a number printed in decimal
// or in fixed-width hex, present when ok.

func decField(name, desc string, v func(p *Packet) (uint64, bool)) Field {
	return Field{Name: name, Desc: desc, get: func(p *Packet, dst []byte) ([]byte, bool) {
		n, ok := v(p)
		if !ok {
			return dst, false
		}
		return appendUint(dst, n), true
	}}
}

func hexField(name, desc string, digits int, v func(p *Packet) (uint64, bool)) Field {
	return Field{Name: name, Desc: desc, get: func(p *Packet, dst []byte) ([]byte, bool) {
		n, ok := v(p)
		if !ok {
			return dst, false
		}
		return appendHex(dst, n, digits), true
	}}
}

func bytesField(name, desc string, format func([]byte, []byte) []byte, v func(p *Packet) ([]byte, bool)) Field {
	return Field{Name: name, Desc: desc, get: func(p *Packet, dst []byte) ([]byte, bool) {
		b, ok := v(p)
		if !ok {
			return dst, false
		}
		return format(dst, b), true
	}}
}

// vlanTag returns the first tag that is (qinq) or is not an 802.1ad S-tag:
// tshark reports S-tags as ieee8021ad.* and C-tags as vlan.*.
func (p *Headers) vlanTag(qinq bool) (*VLAN, bool) {
	for i := 0; i < p.NumVLAN; i++ {
		if (p.VLAN[i].TPID == etherQinQ) == qinq {
			return &p.VLAN[i], true
		}
	}
	return nil, false
}

// ip4 returns the frame's IPv4 header when at least n header bytes of it
// were decoded (fields past a bad length are not reported).
func (p *Headers) ip4(n int) (*IPv4, bool) {
	return &p.IPv4, p.Has(LayerIPv4) && p.IPv4.Version == 4 && p.IPv4.Decoded >= n
}

func (p *Headers) ip6(n int) (*IPv6, bool) {
	return &p.IPv6, p.Has(LayerIPv6) && p.IPv6.Version == 6 && p.IPv6.Decoded >= n
}

// ext returns the first extension header of type t.
func (p *Headers) ext(t uint8) (*IPv6Ext, bool) {
	for i := 0; i < p.NumExt; i++ {
		if p.Ext[i].Type == t {
			return &p.Ext[i], true
		}
	}
	return nil, false
}

func (p *Headers) tcp(n int) (*TCP, bool) { return &p.TCP, p.Has(LayerTCP) && p.TCP.Decoded >= n }

func (p *Headers) icmp(v6 bool) (*ICMP, bool) {
	l := LayerICMPv4
	if v6 {
		l = LayerICMPv6
	}
	return &p.ICMP, p.Has(l)
}

// tcpFlagField is one TCP flag as tshark's boolean: 1 set, 0 clear (the
// reserved bits print as their 3-bit value).
func tcpFlagField(name, desc string, mask uint16) Field {
	return decAt(name, desc, func(p *Headers) (uint64, bool) {
		t, ok := p.tcp(14)
		v := uint64(t.Flags & mask)
		for m := mask; m&1 == 0 && m != 0; m >>= 1 {
			v >>= 1
		}
		return v, ok
	})
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// netFields are the frame, link, network and transport fields.
var netFields = []Field{
	decField("frame.number", "Frame number in the capture", func(p *Packet) (uint64, bool) { return uint64(p.Number), p.Number > 0 }),
	decField("frame.len", "Frame length on the wire", func(p *Packet) (uint64, bool) { return uint64(p.WireLen), true }),
	decField("frame.cap_len", "Frame length captured", func(p *Packet) (uint64, bool) { return uint64(len(p.Data)), true }),
	{Name: "frame.time_epoch", Desc: "Capture time, seconds since 1970", get: func(p *Packet, dst []byte) ([]byte, bool) {
		return AppendSeconds(dst, p.Time.UnixNano()), !p.Time.IsZero()
	}},

	bytesAt("eth.src", "Ethernet source", appendMAC, func(p *Headers) ([]byte, bool) { return p.Eth.Src[:], p.Has(LayerEthernet) }),
	bytesAt("eth.dst", "Ethernet destination", appendMAC, func(p *Headers) ([]byte, bool) { return p.Eth.Dst[:], p.Has(LayerEthernet) }),
	hexAt("eth.type", "Ethertype", 4, func(p *Headers) (uint64, bool) {
		return uint64(p.Eth.Type), p.Has(LayerEthernet) && p.Eth.Type >= 0x0600
	}),

	decAt("ieee8021ad.id", "802.1ad service VLAN id", func(p *Headers) (uint64, bool) { v, ok := p.vlanTag(true); return uint64(v.id()), ok }),
	decAt("ieee8021ad.priority", "802.1ad priority", func(p *Headers) (uint64, bool) { v, ok := p.vlanTag(true); return uint64(v.pcp()), ok }),
	decAt("vlan.id", "802.1Q VLAN id", func(p *Headers) (uint64, bool) { v, ok := p.vlanTag(false); return uint64(v.id()), ok }),
	decAt("vlan.priority", "802.1Q priority", func(p *Headers) (uint64, bool) { v, ok := p.vlanTag(false); return uint64(v.pcp()), ok }),
	hexAt("vlan.etype", "802.1Q inner Ethertype", 4, func(p *Headers) (uint64, bool) {
		v, ok := p.vlanTag(false)
		return uint64(v.etype()), ok && v.Type >= 0x0600
	}),

	decField("sll.pkttype", "Linux cooked packet type", func(p *Packet) (uint64, bool) { return uint64(p.SLL.PktType), p.hasSLL() }),
	decField("sll.hatype", "Linux cooked link-layer address type", func(p *Packet) (uint64, bool) { return uint64(p.SLL.HAType), p.hasSLL() }),
	decField("sll.halen", "Linux cooked link-layer address length", func(p *Packet) (uint64, bool) { return uint64(p.SLL.HALen), p.hasSLL() }),
	bytesField("sll.src.eth", "Linux cooked source MAC", appendMAC, func(p *Packet) ([]byte, bool) { return p.SLL.Addr[:6], p.hasSLL() && p.SLL.HasMAC() }),
	bytesField("sll.src.ipv4", "Linux cooked source IPv4 (GRE tunnel peer)", appendIPv4, func(p *Packet) ([]byte, bool) { return p.SLL.Addr[:4], p.hasSLL() && p.SLL.HasIPv4() }),
	bytesField("sll.src.other", "Linux cooked source address of another type", appendMAC, func(p *Packet) ([]byte, bool) {
		s := &p.SLL
		return s.Addr[:s.HALen], p.hasSLL() && s.HALen > 0 && !s.HasMAC() && !s.HasIPv4()
	}),
	hexField("sll.etype", "Linux cooked protocol (Ethertype)", 4, func(p *Packet) (uint64, bool) {
		return uint64(p.SLL.Protocol), p.hasSLL() && p.SLL.Protocol >= 0x0600
	}),
	hexField("sll.ltype", "Linux cooked protocol (Linux type)", 4, func(p *Packet) (uint64, bool) {
		return uint64(p.SLL.Protocol), p.hasSLL() && p.SLL.Protocol < 0x0600
	}),
	decField("sll.ifindex", "Linux cooked v2 interface index", func(p *Packet) (uint64, bool) { return uint64(p.SLL.IfIndex), p.Has(LayerSLL2) }),

	decField("arp.hw.type", "ARP hardware type", func(p *Packet) (uint64, bool) { return uint64(p.ARP.HWType), p.Has(LayerARP) }),
	hexField("arp.proto.type", "ARP protocol type", 4, func(p *Packet) (uint64, bool) { return uint64(p.ARP.ProtoType), p.Has(LayerARP) }),
	decField("arp.opcode", "ARP opcode", func(p *Packet) (uint64, bool) { return uint64(p.ARP.Op), p.Has(LayerARP) }),
	bytesField("arp.src.hw_mac", "ARP sender MAC", appendMAC, func(p *Packet) ([]byte, bool) { return p.arpAddr((*ARP).SenderMAC) }),
	bytesField("arp.src.proto_ipv4", "ARP sender IPv4", appendIPv4, func(p *Packet) ([]byte, bool) { return p.arpAddr((*ARP).SenderIP) }),
	bytesField("arp.dst.hw_mac", "ARP target MAC", appendMAC, func(p *Packet) ([]byte, bool) { return p.arpAddr((*ARP).TargetMAC) }),
	bytesField("arp.dst.proto_ipv4", "ARP target IPv4", appendIPv4, func(p *Packet) ([]byte, bool) { return p.arpAddr((*ARP).TargetIP) }),

	decAt("ip.version", "IP version", func(p *Headers) (uint64, bool) {
		if p.Has(LayerIPv4) {
			return uint64(p.IPv4.Version), true
		}
		return uint64(p.IPv6.Version), p.Has(LayerIPv6) && p.IPv6.Decoded >= 1
	}),
	decAt("ip.hdr_len", "IPv4 header length (bytes)", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(1); return uint64(ip.IHL), ok }),
	decAt("ip.dsfield.dscp", "IPv4 DSCP", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(2); return uint64(ip.DSCP()), ok }),
	decAt("ip.dsfield.ecn", "IPv4 ECN", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(2); return uint64(ip.ECN()), ok }),
	decAt("ip.len", "IPv4 total length", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(4); return uint64(ip.TotalLen), ok }),
	hexAt("ip.id", "IPv4 identification", 4, func(p *Headers) (uint64, bool) { ip, ok := p.ip4(6); return uint64(ip.ID), ok }),
	decAt("ip.flags.rb", "IPv4 reserved flag", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(7); return b2u(ip.Flags&IPv4Reserved != 0), ok }),
	decAt("ip.flags.df", "IPv4 don't fragment", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(7); return b2u(ip.Flags&IPv4DF != 0), ok }),
	decAt("ip.flags.mf", "IPv4 more fragments", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(7); return b2u(ip.Flags&IPv4MF != 0), ok }),
	decAt("ip.frag_offset", "IPv4 fragment offset (8-byte units)", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(8); return uint64(ip.FragOff), ok }),
	decAt("ip.ttl", "IPv4 time to live", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(9); return uint64(ip.TTL), ok }),
	decAt("ip.proto", "IPv4 protocol", func(p *Headers) (uint64, bool) { ip, ok := p.ip4(10); return uint64(ip.Protocol), ok }),
	hexAt("ip.checksum", "IPv4 header checksum", 4, func(p *Headers) (uint64, bool) { ip, ok := p.ip4(12); return uint64(ip.Checksum), ok }),
	bytesAt("ip.src", "IPv4 source", appendIPv4, func(p *Headers) ([]byte, bool) { ip, ok := p.ip4(16); return ip.Src[:], ok }),
	bytesAt("ip.dst", "IPv4 destination (a source route's final hop, as Wireshark)", appendIPv4, func(p *Headers) ([]byte, bool) {
		ip, ok := p.ip4(20)
		if ip.HasRoute {
			return ip.RouteDst[:], ok
		}
		return ip.Dst[:], ok
	}),
	decAt("ip.opt.type", "IPv4 first option type", func(p *Headers) (uint64, bool) {
		ip, ok := p.ip4(21)
		return uint64(ip.FirstOption), ok && ip.FirstOption >= 0
	}),

	decAt("ipv6.version", "IPv6 version", func(p *Headers) (uint64, bool) { ip, ok := p.ip6(1); return uint64(ip.Version), ok }),
	hexAt("ipv6.tclass", "IPv6 traffic class", 8, func(p *Headers) (uint64, bool) { ip, ok := p.ip6(2); return uint64(ip.TrafficClass), ok }),
	hexAt("ipv6.flow", "IPv6 flow label", 6, func(p *Headers) (uint64, bool) { ip, ok := p.ip6(4); return uint64(ip.FlowLabel), ok }),
	decAt("ipv6.plen", "IPv6 payload length", func(p *Headers) (uint64, bool) { ip, ok := p.ip6(6); return uint64(ip.PayloadLen), ok }),
	decAt("ipv6.nxt", "IPv6 next header", func(p *Headers) (uint64, bool) { ip, ok := p.ip6(7); return uint64(ip.NextHeader), ok }),
	decAt("ipv6.hlim", "IPv6 hop limit", func(p *Headers) (uint64, bool) { ip, ok := p.ip6(8); return uint64(ip.HopLimit), ok }),
	ipv6At("ipv6.src", "IPv6 source", func(p *Headers) ([16]byte, bool) { ip, ok := p.ip6(24); return ip.Src, ok }),
	ipv6At("ipv6.dst", "IPv6 destination", func(p *Headers) ([16]byte, bool) { ip, ok := p.ip6(40); return ip.Dst, ok }),
	decAt("ipv6.hopopts.nxt", "IPv6 hop-by-hop next header", func(p *Headers) (uint64, bool) { e, ok := p.ext(ipv6HopByHop); return e.next(), ok }),
	decAt("ipv6.routing.nxt", "IPv6 routing next header", func(p *Headers) (uint64, bool) { e, ok := p.ext(ipv6Routing); return e.next(), ok }),
	decAt("ipv6.routing.type", "IPv6 routing type", func(p *Headers) (uint64, bool) {
		e, ok := p.ext(ipv6Routing)
		if !ok {
			return 0, false
		}
		return uint64(e.RoutingType), true
	}),
	decAt("ipv6.fraghdr.nxt", "IPv6 fragment next header", func(p *Headers) (uint64, bool) { e, ok := p.ext(ipv6Fragment); return e.next(), ok }),
	decAt("ipv6.fraghdr.offset", "IPv6 fragment offset (8-byte units)", func(p *Headers) (uint64, bool) {
		e, ok := p.ext(ipv6Fragment)
		if !ok {
			return 0, false
		}
		return uint64(e.FragOff), true
	}),
	decAt("ipv6.fraghdr.more", "IPv6 more fragments", func(p *Headers) (uint64, bool) {
		e, ok := p.ext(ipv6Fragment)
		return b2u(ok && e.FragMore), ok
	}),
	hexAt("ipv6.fraghdr.ident", "IPv6 fragment identification", 8, func(p *Headers) (uint64, bool) {
		e, ok := p.ext(ipv6Fragment)
		if !ok {
			return 0, false
		}
		return uint64(e.FragID), true
	}),
	decAt("ipv6.dstopts.nxt", "IPv6 destination options next header", func(p *Headers) (uint64, bool) { e, ok := p.ext(ipv6DestOpts); return e.next(), ok }),

	decAt("tcp.srcport", "TCP source port", func(p *Headers) (uint64, bool) { t, ok := p.tcp(2); return uint64(t.SrcPort), ok }),
	decAt("tcp.dstport", "TCP destination port", func(p *Headers) (uint64, bool) { t, ok := p.tcp(4); return uint64(t.DstPort), ok }),
	decAt("tcp.seq_raw", "TCP sequence number (absolute)", func(p *Headers) (uint64, bool) { t, ok := p.tcp(8); return uint64(t.Seq), ok }),
	decAt("tcp.ack_raw", "TCP acknowledgment number (absolute)", func(p *Headers) (uint64, bool) { t, ok := p.tcp(12); return uint64(t.Ack), ok }),
	decAt("tcp.hdr_len", "TCP header length (bytes)", func(p *Headers) (uint64, bool) { t, ok := p.tcp(13); return uint64(t.HdrLen), ok }),
	hexAt("tcp.flags", "TCP flags (12 bits)", 4, func(p *Headers) (uint64, bool) { t, ok := p.tcp(14); return uint64(t.Flags), ok }),
	tcpFlagField("tcp.flags.res", "TCP reserved bits", 0xe00),
	tcpFlagField("tcp.flags.ns", "TCP accurate ECN (AE, formerly nonce) flag", TCPAE),
	tcpFlagField("tcp.flags.cwr", "TCP congestion window reduced flag", TCPCwr),
	tcpFlagField("tcp.flags.ece", "TCP ECN-echo flag", TCPEce),
	tcpFlagField("tcp.flags.urg", "TCP urgent flag", TCPUrg),
	tcpFlagField("tcp.flags.ack", "TCP acknowledgment flag", TCPAck),
	tcpFlagField("tcp.flags.push", "TCP push flag", TCPPsh),
	tcpFlagField("tcp.flags.reset", "TCP reset flag", TCPRst),
	tcpFlagField("tcp.flags.syn", "TCP SYN flag", TCPSyn),
	tcpFlagField("tcp.flags.fin", "TCP FIN flag", TCPFin),
	decAt("tcp.window_size_value", "TCP window (unscaled)", func(p *Headers) (uint64, bool) { t, ok := p.tcp(16); return uint64(t.Window), ok }),
	hexAt("tcp.checksum", "TCP checksum", 4, func(p *Headers) (uint64, bool) { t, ok := p.tcp(18); return uint64(t.Checksum), ok }),
	decAt("tcp.urgent_pointer", "TCP urgent pointer", func(p *Headers) (uint64, bool) { t, ok := p.tcp(20); return uint64(t.Urgent), ok }),
	decAt("tcp.len", "TCP payload length (from IP lengths)", func(p *Headers) (uint64, bool) { t, ok := p.tcp(20); return uint64(t.SegLen), ok && t.SegLen >= 0 }),
	decAt("tcp.option_kind", "TCP first option kind", func(p *Headers) (uint64, bool) {
		t, ok := p.tcp(21)
		return uint64(t.FirstOption), ok && t.FirstOption >= 0
	}),

	decAt("udp.srcport", "UDP source port", func(p *Headers) (uint64, bool) { return uint64(p.UDP.SrcPort), p.Has(LayerUDP) }),
	decAt("udp.dstport", "UDP destination port", func(p *Headers) (uint64, bool) { return uint64(p.UDP.DstPort), p.Has(LayerUDP) }),
	decAt("udp.length", "UDP length", func(p *Headers) (uint64, bool) { return uint64(p.UDP.Length), p.Has(LayerUDP) }),
	hexAt("udp.checksum", "UDP checksum", 4, func(p *Headers) (uint64, bool) { return uint64(p.UDP.Checksum), p.Has(LayerUDP) }),

	decAt("icmp.type", "ICMP type", func(p *Headers) (uint64, bool) { c, ok := p.icmp(false); return uint64(c.Type), ok }),
	decAt("icmp.code", "ICMP code", func(p *Headers) (uint64, bool) { c, ok := p.icmp(false); return uint64(c.Code), ok }),
	hexAt("icmp.checksum", "ICMP checksum", 4, func(p *Headers) (uint64, bool) { c, ok := p.icmp(false); return uint64(c.Checksum), ok }),
	decAt("icmpv6.type", "ICMPv6 type", func(p *Headers) (uint64, bool) { c, ok := p.icmp(true); return uint64(c.Type), ok }),
	decAt("icmpv6.code", "ICMPv6 code", func(p *Headers) (uint64, bool) { c, ok := p.icmp(true); return uint64(c.Code), ok }),
	hexAt("icmpv6.checksum", "ICMPv6 checksum", 4, func(p *Headers) (uint64, bool) { c, ok := p.icmp(true); return uint64(c.Checksum), ok }),
}

func (v *VLAN) id() uint16 {
	if v == nil {
		return 0
	}
	return v.ID
}

func (v *VLAN) pcp() uint8 {
	if v == nil {
		return 0
	}
	return v.Priority
}

func (v *VLAN) etype() uint16 {
	if v == nil {
		return 0
	}
	return v.Type
}

func (e *IPv6Ext) next() uint64 {
	if e == nil {
		return 0
	}
	return uint64(e.Next)
}

func (p *Packet) hasSLL() bool { return p.Has(LayerSLL) || p.Has(LayerSLL2) }

func (p *Packet) arpAddr(get func(*ARP, []byte) ([]byte, bool)) ([]byte, bool) {
	if !p.Has(LayerARP) {
		return nil, false
	}
	return get(&p.ARP, p.Data)
}
