package decode

// GTP is a GTP-U header (3GPP TS 29.281, UDP port 2152): the user-plane
// tunnel of mobile networks. A G-PDU (message type 0xff) carries an IP
// packet.
type GTP struct {
	Off     int
	Flags   uint8 // version (3 bits), PT, spare, E, S, PN
	Message uint8
	Length  uint16 // bytes after the 8-byte mandatory header
	TEID    uint32
	// Seq is valid when the S flag is set; NextExt is the type of the
	// first extension header (E flag), 0 if none.
	Seq     uint16
	NextExt uint8
	Len     int // header bytes, extension headers included
}

// GTP-U flag bits and values.
const (
	gtpE       = 0x04
	gtpS       = 0x02
	gtpPN      = 0x01
	gtpGPDU    = 0xff
	gtpMinLen  = 8
	gtpOptLen  = 4
	gtpVersion = 1
	// gtpMaxExt bounds the extension header chain.
	gtpMaxExt = 16
)

// Version returns the GTP version (1 for GTP-U).
func (g *GTP) Version() uint8 { return g.Flags >> 5 }

func (p *Packet) decodeGTP(off, end int) {
	if !p.need(LayerGTP, off, gtpMinLen) {
		return
	}
	d := p.Data[off:]
	g := &p.GTP
	*g = GTP{Off: off, Flags: d[0], Message: d[1], Length: be.Uint16(d[2:4]), TEID: be.Uint32(d[4:8]), Len: gtpMinLen}
	p.Layers.add(LayerGTP)
	if g.Version() != gtpVersion {
		p.fail(LayerGTP, BadVersion, int(g.Version()), gtpVersion)
		return
	}
	if g.Flags&(gtpE|gtpS|gtpPN) != 0 {
		if !p.need(LayerGTP, off, gtpMinLen+gtpOptLen) {
			return
		}
		g.Seq, g.NextExt = be.Uint16(d[8:10]), d[11]
		g.Len += gtpOptLen
		for next, n := g.NextExt, 0; g.Flags&gtpE != 0 && next != 0; n++ {
			if n == gtpMaxExt {
				p.fail(LayerGTP, TooManyExt, n, gtpMaxExt)
				return
			}
			if !p.need(LayerGTP, off+g.Len, 1) {
				return
			}
			l := int(p.Data[off+g.Len]) * 4
			if l == 0 {
				p.fail(LayerGTP, BadHeaderLen, 0, 4)
				return
			}
			if !p.need(LayerGTP, off+g.Len, l) {
				return
			}
			next = p.Data[off+g.Len+l-1]
			g.Len += l
		}
	}
	inner := off + g.Len
	if g.Message != gtpGPDU || inner >= len(p.Data) || !p.push(LayerGTP) {
		p.setPayload(inner, end)
		return
	}
	p.decodeIPByVersion(inner)
}
