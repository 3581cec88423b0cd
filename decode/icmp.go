package decode

// ICMP is an ICMP (V6 false) or ICMPv6 (V6 true) header.
type ICMP struct {
	Off      int
	V6       bool
	Type     uint8
	Code     uint8
	Checksum uint16
	// ID and Seq are set for echo request/reply.
	ID, Seq uint16
}

// InnerIP is the IP header an ICMP error quotes.
type InnerIP struct {
	Version uint8 // 4 or 6; 0 when the message quotes nothing
	V4      IPv4
	V6      IPv6
}

const icmpLen = 8

// isError reports whether the message quotes the packet that caused it.
func (c *ICMP) isError() bool {
	if c.V6 {
		return c.Type >= 1 && c.Type <= 4
	}
	switch c.Type {
	case 3, 4, 5, 11, 12:
		return true
	}
	return false
}

// IsEcho reports whether the message is an echo request or reply.
func (c *ICMP) IsEcho() bool {
	if c.V6 {
		return c.Type == 128 || c.Type == 129
	}
	return c.Type == 0 || c.Type == 8
}

func (p *Packet) decodeICMP(off, end int, v6 bool) {
	l := LayerICMPv4
	if v6 {
		l = LayerICMPv6
	}
	if !p.need(l, off, 4) {
		return
	}
	d := p.Data[off:]
	c := &p.ICMP
	*c = ICMP{Off: off, V6: v6, Type: d[0], Code: d[1], Checksum: be.Uint16(d[2:4])}
	p.Layers.add(l)
	if len(d) >= icmpLen && c.IsEcho() {
		c.ID, c.Seq = be.Uint16(d[4:6]), be.Uint16(d[6:8])
	}
	p.setPayload(off+icmpLen, end)
	if c.isError() && len(d) > icmpLen {
		p.decodeQuoted(off + icmpLen)
	}
}

// decodeQuoted decodes the IP header and transport ports an ICMP error
// quotes. The quote is cut short by design, so its shortfalls are not the
// frame's problems: they are not recorded.
func (p *Packet) decodeQuoted(off int) {
	saved, payload := p.Problem, p.Payload
	defer func() { p.Problem, p.Payload = saved, payload }()
	p.Quoted = true
	start, end, proto, ok := p.parseInner(off)
	if !ok {
		return
	}
	switch proto {
	case protoTCP:
		p.decodeTCP(start, end)
		if end-start < tcpMinLen {
			// Like Wireshark, trust only the ports of a quote whose IP
			// length leaves less than a whole TCP header.
			p.TCP.Decoded = min(p.TCP.Decoded, 4)
		}
	case protoUDP:
		p.decodeUDP(start, end)
		// Only a whole quoted datagram is dissected: a quote's usual 8
		// bytes of UDP are followed by whatever the sender appended.
		if u := int(p.UDP.Length); p.Has(LayerUDP) && u > udpLen && start+u == end && end <= len(p.Data) {
			p.quotedPayload = p.Payload
		}
	}
}

// parseInner parses the IP header at off into Inner, walks IPv6 extension
// headers, and returns where the inner transport header starts, where the
// inner datagram ends and its protocol. ok is false when there is no usable
// transport header (truncated, not version 4 or 6, or a later fragment).
func (p *Packet) parseInner(off int) (start, end int, proto uint8, ok bool) {
	in := &p.Inner
	switch p.Data[off] >> 4 {
	case 4:
		in.Version = 4
		start, end, ok = p.parseIPv4(&in.V4, off)
		return start, end, in.V4.Protocol, ok && in.V4.FragOff == 0
	case 6:
		in.Version = 6
		if start, end, ok = p.parseIPv6(&in.V6, off); ok {
			start, in.V6.Transport, ok = p.walkExt(start, in.V6.NextHeader, true)
		}
		return start, end, in.V6.Transport, ok
	}
	return 0, 0, 0, false
}
