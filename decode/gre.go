package decode

// GRE is a Generic Routing Encapsulation header (RFC 2784, 2890; version
// 1 is PPTP's enhanced GRE, RFC 2637).
type GRE struct {
	Off int
	// Flags is the first 16 bits: C R K S s Recur A Flags Ver.
	Flags    uint16
	Protocol uint16 // Ethertype of the payload
	Checksum uint16
	Key      uint32 // version 1: payload length (high 16) and call id
	Seq      uint32
	Ack      uint32
	Len      int
}

// GRE flag bits in GRE.Flags.
const (
	GREChecksum = 0x8000
	GRERouting  = 0x4000
	GREKey      = 0x2000
	GRESeq      = 0x1000
	GREAck      = 0x0080 // version 1
)

// Version returns the GRE version (0, or 1 for PPTP).
func (g *GRE) Version() uint8 { return uint8(g.Flags & 7) }

// HasKey reports whether a version 0 header carries a key.
func (g *GRE) HasKey() bool { return g.Flags&GREKey != 0 && g.Version() == 0 }

// ERSPAN is the header Cisco's Encapsulated Remote SPAN puts between GRE
// and the mirrored Ethernet frame: type II (version 1) or type III
// (version 2). Type I has no header of its own (Version 0).
type ERSPAN struct {
	Off     int
	Version uint8
	VLAN    uint16
	COS     uint8
	Session uint16 // span id, 10 bits
	Index   uint32 // type II
	// Type III fields: timestamp, security group tag, frame type (0 is
	// Ethernet) and whether the optional platform sub-header follows.
	Timestamp uint32
	SGT       uint16
	FrameType uint8
	Optional  bool
	Len       int
}

// GRE payload protocols besides Ethertypes the decoder already follows.
const (
	greERSPAN2 = 0x88be // ERSPAN type I and II
	greERSPAN3 = 0x22eb
	greWCCP    = 0x883e // Cisco WCCP redirect
	greCMD     = 0x8909 // Cisco MetaData
	grePPP     = 0x880b // PPTP
	greMinLen  = 4
	cmdLen     = 8
	wccpLen    = 4
	erspan2Len = 8
	erspan3Len = 12
)

func (p *Packet) decodeGRE(off, end int) {
	if !p.need(LayerGRE, off, greMinLen) {
		return
	}
	d := p.Data[off:]
	g := &p.GRE
	*g = GRE{Off: off, Flags: be.Uint16(d[0:2]), Protocol: be.Uint16(d[2:4]), Len: greMinLen}
	p.Layers.add(LayerGRE)
	opt := func() (uint32, bool) {
		if !p.need(LayerGRE, off+g.Len, 4) {
			return 0, false
		}
		v := be.Uint32(p.Data[off+g.Len:])
		g.Len += 4
		return v, true
	}
	var ok bool
	var v uint32
	if g.Flags&(GREChecksum|GRERouting) != 0 {
		if v, ok = opt(); !ok {
			return
		}
		g.Checksum = uint16(v >> 16)
	}
	if g.Flags&GREKey != 0 {
		if g.Key, ok = opt(); !ok {
			return
		}
	}
	if g.Flags&GRESeq != 0 {
		if g.Seq, ok = opt(); !ok {
			return
		}
	}
	if g.Version() == 1 && g.Flags&GREAck != 0 {
		if g.Ack, ok = opt(); !ok {
			return
		}
	}
	if g.Flags&GRERouting != 0 && g.Version() == 0 {
		// Source route entries (RFC 1701), ended by a null entry: shown
		// as payload rather than walked.
		p.setPayload(off+g.Len, end)
		return
	}
	p.greInner(off+g.Len, end)
}

// greInner continues with what the GRE header at p.GRE carries, at off.
func (p *Packet) greInner(off, end int) {
	g := &p.GRE
	switch g.Protocol {
	case greERSPAN2, greERSPAN3:
		if n, ok := p.decodeERSPAN(off); ok && p.push(LayerERSPAN) {
			p.decodeEthernet(off + n)
			return
		}
	case greWCCP:
		// A redirect header precedes the IP packet unless the next byte
		// already looks like IPv4 (as tshark decides).
		if off < len(p.Data) && p.Data[off]>>4 != 4 {
			off += wccpLen
		}
		if p.push(LayerGRE) {
			p.decodeIPv4(off)
			return
		}
	case greCMD:
		// Cisco MetaData over GRE: the payload's Ethertype, then the
		// metadata (version, length, option, security group tag).
		if p.need(LayerGRE, off, cmdLen) && p.push(LayerGRE) {
			p.decodeEthertype(off+cmdLen, be.Uint16(p.Data[off:]))
			return
		}
	case grePPP:
		// PPTP: PPP in HDLC-like framing, address and control optional.
		if p.push(LayerGRE) {
			p.decodePPPLink(off)
			return
		}
	case etherTEB:
		if p.push(LayerGRE) {
			p.decodeEthernet(off)
			return
		}
	case etherIPv4, etherIPv6, etherMPLS, etherMPLSMC:
		if p.push(LayerGRE) {
			p.decodeEthertype(off, g.Protocol)
			return
		}
	}
	p.setPayload(off, end)
}

// decodeERSPAN decodes the ERSPAN header at off and returns its length;
// ok is false when no Ethernet frame follows that the decoder can open.
func (p *Packet) decodeERSPAN(off int) (n int, ok bool) {
	g := &p.GRE
	e := &p.ERSPAN
	*e = ERSPAN{Off: off}
	if g.Protocol == greERSPAN2 && g.Flags&GRESeq == 0 {
		// Type I: no ERSPAN header, the mirrored frame follows.
		p.Layers.add(LayerERSPAN)
		return 0, true
	}
	if !p.need(LayerERSPAN, off, erspan2Len) {
		return 0, false
	}
	d := p.Data[off:]
	e.Version = d[0] >> 4
	e.VLAN = be.Uint16(d[0:2]) & 0x0fff
	e.COS = d[2] >> 5
	e.Session = be.Uint16(d[2:4]) & 0x03ff
	e.Len = erspan2Len
	p.Layers.add(LayerERSPAN)
	if g.Protocol == greERSPAN2 {
		e.Index = be.Uint32(d[4:8]) & 0x000fffff
		return e.Len, true
	}
	if !p.need(LayerERSPAN, off, erspan3Len) {
		return 0, false
	}
	e.Timestamp = be.Uint32(d[4:8])
	e.SGT = be.Uint16(d[8:10])
	e.FrameType = (d[10] >> 2) & 0x1f
	e.Optional = d[11]&1 != 0
	e.Len = erspan3Len
	if e.Optional {
		e.Len += 8
	}
	// Only frame type 0 is Ethernet; tshark leaves the others as data.
	return e.Len, e.FrameType == 0 && p.need(LayerERSPAN, off, e.Len)
}
