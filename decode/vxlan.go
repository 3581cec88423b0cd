package decode

// VXLAN is a Virtual eXtensible LAN header (RFC 7348, UDP port 4789): an
// Ethernet frame follows. VXLAN-GPE (UDP 4790) names what follows in
// NextProto instead.
type VXLAN struct {
	Off       int
	Flags     uint8 // 0x08: the VNI is valid; GPE: 0x04, next protocol present
	GPE       bool
	NextProto uint8 // GPE: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS
	VNI       uint32
}

const vxlanLen = 8

// VXLAN-GPE next protocols.
const (
	gpeIPv4     = 1
	gpeIPv6     = 2
	gpeEthernet = 3
	gpeMPLS     = 5
)

// decodeVXLANGPE decodes a VXLAN Generic Protocol Extension header
// (draft-ietf-nvo3-vxlan-gpe, UDP 4790) and the packet it names.
func (p *Packet) decodeVXLANGPE(off, end int) {
	if !p.need(LayerVXLAN, off, vxlanLen) {
		return
	}
	d := p.Data[off:]
	p.VXLAN = VXLAN{Off: off, Flags: d[0], GPE: true, NextProto: d[3], VNI: be.Uint32(d[4:8]) >> 8}
	p.Layers.add(LayerVXLAN)
	inner := off + vxlanLen
	np := p.VXLAN.NextProto
	known := np == gpeIPv4 || np == gpeIPv6 || np == gpeEthernet || np == gpeMPLS
	if !known || !p.push(LayerVXLAN) {
		// NSH (4) and unknown protocols stay payload.
		p.setPayload(inner, end)
		return
	}
	switch np {
	case gpeIPv4:
		p.decodeIPv4(inner)
	case gpeIPv6:
		p.decodeIPv6(inner)
	case gpeEthernet:
		p.decodeEthernet(inner)
	case gpeMPLS:
		p.decodeMPLS(inner)
	}
}

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
