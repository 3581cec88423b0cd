package decode

// CHDLC is a Cisco HDLC header (link type 104): address, control and an
// Ethertype-like protocol.
type CHDLC struct {
	Off      int
	Address  uint8 // 0x0f unicast, 0x8f broadcast
	Control  uint8
	Protocol uint16
}

// SLARP is Cisco's Serial Line ARP (Cisco HDLC protocol 0x8035): address
// requests and replies, and the keepalives that tell a link is up.
type SLARP struct {
	Off  int
	Type uint32 // 0 request, 1 reply, 2 keepalive
	// Address and Mask (request/reply) or MySeq and YourSeq (keepalive).
	A, B        uint32
	Reliability uint16
}

const (
	chdlcUnicast   = 0x0f
	chdlcBroadcast = 0x8f
	chdlcLen       = 4
	chdlcSLARP     = 0x8035
	slarpMinLen    = 14
	slarpRequest   = 0
	slarpReply     = 1
	slarpKeep      = 2
)

func (p *Packet) decodeCHDLC(off int) {
	if !p.need(LayerCHDLC, off, chdlcLen) {
		return
	}
	d := p.Data[off:]
	p.CHDLC = CHDLC{Off: off, Address: d[0], Control: d[1], Protocol: be.Uint16(d[2:4])}
	p.Layers.add(LayerCHDLC)
	off += chdlcLen
	if p.CHDLC.Protocol == chdlcSLARP {
		p.decodeSLARP(off)
		return
	}
	p.decodeEthertype(off, p.CHDLC.Protocol)
	if p.Layers&^(1<<LayerCHDLC) == 0 {
		// CDP and other protocols the decoder does not open.
		p.setPayload(off, p.wireEnd())
	}
}

func (p *Packet) decodeSLARP(off int) {
	if !p.need(LayerSLARP, off, slarpMinLen) {
		return
	}
	d := p.Data[off:]
	s := &p.SLARP
	*s = SLARP{Off: off, Type: be.Uint32(d[0:4]), A: be.Uint32(d[4:8]), B: be.Uint32(d[8:12]),
		Reliability: be.Uint16(d[12:14])}
	p.Layers.add(LayerSLARP)
}
