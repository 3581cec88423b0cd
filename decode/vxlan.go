package decode

// VXLAN is a Virtual eXtensible LAN header (RFC 7348, UDP port 4789): an
// Ethernet frame follows.
type VXLAN struct {
	Off   int
	Flags uint8 // 0x08: the VNI is valid
	VNI   uint32
}

const vxlanLen = 8

func (p *Packet) decodeVXLAN(off, end int) {
	if !p.need(LayerVXLAN, off, vxlanLen) {
		return
	}
	d := p.Data[off:]
	p.VXLAN = VXLAN{Off: off, Flags: d[0], VNI: be.Uint32(d[4:8]) >> 8}
	p.Layers.add(LayerVXLAN)
	if !p.push(LayerVXLAN) {
		p.setPayload(off+vxlanLen, end)
		return
	}
	p.decodeEthernet(off + vxlanLen)
}
