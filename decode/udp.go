package decode

// UDP is a UDP header.
type UDP struct {
	Off              int
	SrcPort, DstPort uint16
	Length           uint16 // header + payload, as the header claims
	Checksum         uint16
}

const udpLen = 8

func (p *Packet) decodeUDP(off, end int) {
	if !p.need(LayerUDP, off, udpLen) {
		return
	}
	d := p.Data[off:]
	u := &p.UDP
	*u = UDP{
		Off:      off,
		SrcPort:  be.Uint16(d[0:2]),
		DstPort:  be.Uint16(d[2:4]),
		Length:   be.Uint16(d[4:6]),
		Checksum: be.Uint16(d[6:8]),
	}
	p.Layers.add(LayerUDP)
	if l := int(u.Length); l >= udpLen && off+l < end {
		end = off + l
	}
	p.setPayload(off+udpLen, end)
	p.decodeUDPTunnel(u, off+udpLen, end)
}
