package decode

// Ethernet is an Ethernet II / 802.3 header.
type Ethernet struct {
	Off      int
	Dst, Src [6]byte
	// Type is the Ethertype field as sent (0x8100 when a VLAN tag
	// follows); values below 0x0600 are an 802.3 length.
	Type uint16
}

// EthernetLen is the size of an Ethernet header.
const EthernetLen = 14

func (p *Packet) decodeEthernet(off int) {
	if !p.need(LayerEthernet, off, EthernetLen) {
		return
	}
	d := p.Data[off:]
	e := &p.Eth
	e.Off = off
	copy(e.Dst[:], d[0:6])
	copy(e.Src[:], d[6:12])
	e.Type = be.Uint16(d[12:14])
	p.Layers.add(LayerEthernet)
	p.decodeEthertype(off+EthernetLen, e.Type)
}

// IsBroadcast reports whether the destination is ff:ff:ff:ff:ff:ff.
func (e *Ethernet) IsBroadcast() bool {
	return e.Dst == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
}

// IsMulticast reports whether the destination is a group address.
func (e *Ethernet) IsMulticast() bool { return e.Dst[0]&1 != 0 }
