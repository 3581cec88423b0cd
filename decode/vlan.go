package decode

// MaxVLAN is how many stacked VLAN tags a Packet records; deeper stacks are
// still walked, only not stored.
const MaxVLAN = 2

// VLAN is one 802.1Q (C-tag) or 802.1ad (S-tag) header.
type VLAN struct {
	Off int
	// TPID is the Ethertype that introduced the tag: 0x8100 for 802.1Q,
	// 0x88a8 (or the pre-standard 0x9100) for 802.1ad.
	TPID     uint16
	Priority uint8 // PCP, 0..7
	DEI      bool
	ID       uint16 // VLAN identifier, 0..4095
	Type     uint16 // Ethertype (or 802.3 length) that follows the tag
}

// IsQinQ reports whether this is a service (802.1ad) tag.
func (v *VLAN) IsQinQ() bool { return v.TPID != etherVLAN }

func (p *Packet) decodeVLAN(off int, tpid uint16) {
	if !p.need(LayerVLAN, off, 4) {
		return
	}
	d := p.Data[off:]
	tci := be.Uint16(d[0:2])
	v := VLAN{
		Off:      off,
		TPID:     tpid,
		Priority: uint8(tci >> 13),
		DEI:      tci&0x1000 != 0,
		ID:       tci & 0x0fff,
		Type:     be.Uint16(d[2:4]),
	}
	if p.NumVLAN < MaxVLAN {
		p.VLAN[p.NumVLAN] = v
		p.NumVLAN++
	}
	p.Layers.add(LayerVLAN)
	p.decodeEthertype(off+4, v.Type)
}

// MaxMPLS is how many label stack entries an MPLS header records; deeper
// stacks are still walked to the bottom.
const MaxMPLS = 4

// MPLS is an MPLS label stack.
type MPLS struct {
	Off    int
	Labels int    // number of label stack entries
	Label  uint32 // bottom-of-stack label
	TTL    uint8
	// Stack holds the first MaxMPLS entries as sent (label, TC, S, TTL).
	Stack [MaxMPLS]uint32
}

func (p *Packet) decodeMPLS(off int) {
	p.MPLS.Off = off
	for {
		if !p.need(LayerMPLS, off, 4) {
			return
		}
		e := be.Uint32(p.Data[off:])
		if p.MPLS.Labels < MaxMPLS {
			p.MPLS.Stack[p.MPLS.Labels] = e
		}
		p.MPLS.Labels++
		p.MPLS.Label = e >> 12
		p.MPLS.TTL = uint8(e)
		off += 4
		p.Layers.add(LayerMPLS)
		if e&0x100 != 0 { // bottom of stack
			break
		}
	}
	p.decodeIPByVersion(off)
}
