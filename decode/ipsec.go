package decode

// AH is an IPsec Authentication Header (RFC 4302). It authenticates but
// does not encrypt, so the header it names next is decoded as usual.
type AH struct {
	Off  int
	Next uint8
	Len  int // header length in bytes ((payload length field + 2) × 4)
	SPI  uint32
	Seq  uint32
}

// ESP is an IPsec Encapsulating Security Payload header (RFC 4303). What
// follows SPI and sequence number is encrypted: it is payload, not an
// error.
type ESP struct {
	Off int
	SPI uint32
	Seq uint32
}

const (
	ahMinLen  = 12
	espHdrLen = 8
)

// parseAH fills p.AH from the header at off and returns its length; ok is
// false when the header is truncated or claims fewer bytes than it holds.
func (p *Packet) parseAH(off int) (n int, ok bool) {
	if !p.need(LayerAH, off, ahMinLen) {
		return 0, false
	}
	d := p.Data[off:]
	a := &p.AH
	*a = AH{Off: off, Next: d[0], Len: (int(d[1]) + 2) * 4, SPI: be.Uint32(d[4:8]), Seq: be.Uint32(d[8:12])}
	p.Layers.add(LayerAH)
	if a.Len < ahMinLen {
		p.fail(LayerAH, BadHeaderLen, a.Len, ahMinLen)
		return 0, false
	}
	return a.Len, p.need(LayerAH, off, a.Len)
}

// decodeAH decodes an AH in an IPv4 datagram and continues with the
// protocol it protects. (In IPv6, AH is an extension header: walkExt
// records it.) One AH per level is followed; another is payload.
func (p *Packet) decodeAH(off, end int) {
	if p.Has(LayerAH) {
		p.setPayload(off, end)
		return
	}
	n, ok := p.parseAH(off)
	if !ok {
		return
	}
	p.decodeTransport(p.AH.Next, off+n, end)
}

// decodeESP decodes an ESP header; the encrypted rest is payload.
func (p *Packet) decodeESP(off, end int) {
	if !p.need(LayerESP, off, espHdrLen) {
		return
	}
	d := p.Data[off:]
	p.ESP = ESP{Off: off, SPI: be.Uint32(d[0:4]), Seq: be.Uint32(d[4:8])}
	p.Layers.add(LayerESP)
	p.setPayload(off+espHdrLen, end)
}

// decodeUDPEncap decodes UDP port 4500 (RFC 3948): ESP unless the first
// four bytes are zero (the non-ESP marker of IKE) or the datagram is a
// one-byte NAT keepalive.
func (p *Packet) decodeUDPEncap(off, end int) {
	end = min(end, len(p.Data))
	if end-off < espHdrLen || be.Uint32(p.Data[off:]) == 0 {
		return
	}
	p.decodeESP(off, end)
}
