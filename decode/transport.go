package decode

// IP protocol numbers the decoder follows.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	protoIPIP   = 4
	protoIPv6   = 41
)

// decodeTransport decodes the transport header at start; end is where the
// IP header says the datagram ends (it may lie past the capture).
func (p *Packet) decodeTransport(proto uint8, start, end int) {
	switch proto {
	case protoTCP:
		p.decodeTCP(start, end)
	case protoUDP:
		p.decodeUDP(start, end)
	case protoICMP:
		p.decodeICMP(start, end, false)
	case protoICMPv6:
		p.decodeICMP(start, end, true)
	case protoIPIP, protoIPv6:
		p.decodeTunnel(start)
	default:
		p.setPayload(start, end)
	}
}

// decodeTunnel decodes an IP packet carried inside IP (4in4, 6in4, 6in6,
// SRv6 encapsulation). The outer header keeps its place (tshark's first
// occurrence); the inner one goes to Inner and keys the flow, because the
// conversation is the inner one.
func (p *Packet) decodeTunnel(off int) {
	if p.Tunneled || p.Quoted || off >= len(p.Data) {
		p.setPayload(off, p.wireEnd())
		return
	}
	p.Tunneled = true
	start, end, proto, ok := p.parseInner(off)
	in := &p.Inner
	if !(in.Version == 4 && in.V4.Decoded >= ipv4MinLen || in.Version == 6 && in.V6.Decoded >= ipv6HeaderLen) {
		// Without the inner addresses there is no inner conversation to
		// key or show: stay with the outer header.
		p.Tunneled, in.Version = false, 0
		p.setPayload(off, p.wireEnd())
		return
	}
	if ok {
		p.decodeTransport(proto, start, end)
	}
}
