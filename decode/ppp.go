package decode

// PPPoE is a PPP over Ethernet header (RFC 2516): Discovery (Ethertype
// 0x8863: PADI, PADO, PADR, PADS, PADT) or Session (0x8864, a PPP frame
// follows).
type PPPoE struct {
	Off       int
	Session   bool // Ethertype 0x8864
	VerType   uint8
	Code      uint8
	SessionID uint16
	Length    uint16
}

// PPP is the protocol field of a PPP frame (RFC 1661), after the
// address and control bytes of HDLC-like framing when there are any.
type PPP struct {
	Off      int // where the protocol field is
	Protocol uint16
	Len      int // 1 with protocol field compression, else 2
}

const pppoeLen = 6

// PPP protocol numbers the decoder follows.
const (
	pppIPv4 = 0x0021
	pppIPv6 = 0x0057
	pppMPLS = 0x0281
)

func (p *Packet) decodePPPoE(off int, typ uint16) {
	if !p.need(LayerPPPoE, off, pppoeLen) {
		return
	}
	d := p.Data[off:]
	e := &p.PPPoE
	*e = PPPoE{Off: off, Session: typ == etherPPPoES, VerType: d[0], Code: d[1],
		SessionID: be.Uint16(d[2:4]), Length: be.Uint16(d[4:6])}
	p.Layers.add(LayerPPPoE)
	end := off + pppoeLen + int(e.Length)
	if !e.Session {
		// Discovery carries tags, not a packet.
		p.setPayload(off+pppoeLen, end)
		return
	}
	p.decodePPP(off+pppoeLen, end)
}

// decodePPPLink decodes PPP in HDLC-like framing: link types 9 and 50,
// PPTP's GRE payload. As tshark does, a first byte of 0xff is the HDLC
// address, followed by a control byte (0x03, but not checked) and the
// protocol field; a first byte that is a Cisco HDLC address means the
// serial line runs Cisco HDLC instead.
func (p *Packet) decodePPPLink(off int) {
	if !p.need(LayerPPP, off, 1) {
		return
	}
	switch p.Data[off] {
	case chdlcUnicast, chdlcBroadcast:
		p.decodeCHDLC(off)
		return
	case 0xff:
		off += 2
	}
	p.decodePPP(off, p.wireEnd())
}

// decodePPP decodes the protocol field at off and what it names; end is
// where the PPP frame ends.
func (p *Packet) decodePPP(off, end int) {
	if !p.need(LayerPPP, off, 1) {
		return
	}
	pp := &p.PPP
	*pp = PPP{Off: off, Protocol: uint16(p.Data[off]), Len: 1}
	if p.Data[off]&1 == 0 {
		// An even first byte is the high half of a two-byte protocol
		// (RFC 1661 §6.5: compressed protocols are odd).
		if !p.need(LayerPPP, off, 2) {
			return
		}
		pp.Protocol, pp.Len = be.Uint16(p.Data[off:]), 2
	}
	p.Layers.add(LayerPPP)
	off += pp.Len
	switch pp.Protocol {
	case pppIPv4:
		p.decodeIPv4(off)
	case pppIPv6:
		p.decodeIPv6(off)
	case pppMPLS:
		p.decodeMPLS(off)
	default:
		// LCP, IPCP, PAP, CHAP ...: control messages, shown as payload.
		p.setPayload(off, end)
	}
}
