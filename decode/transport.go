package decode

// IP protocol numbers the decoder follows.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	protoIPIP   = 4
	protoIPv6   = 41
	protoGRE    = 47
	protoESP    = 50
	protoAH     = 51
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
		p.decodeTunnel(start, end)
	case protoGRE:
		p.decodeGRE(start, end)
	case protoESP:
		p.decodeESP(start, end)
	case protoAH:
		p.decodeAH(start, end)
	default:
		p.setPayload(start, end)
	}
}

// decodeTunnel decodes an IP packet carried inside IP (4in4, 6in4, 4in6,
// 6in6, SRv6 encapsulation) as a new level: the outer header keeps its
// place (tshark's first occurrence), the inner one keys the flow, because
// the conversation is the inner one.
func (p *Packet) decodeTunnel(off, end int) {
	if off >= len(p.Data) || !p.push(LayerIPv4) {
		p.setPayload(off, end)
		return
	}
	p.decodeIPByVersion(off)
}
