package decode

import "encoding/binary"

// Loopback is the 4-byte address-family header of BSD loopback captures:
// host byte order for link type 0 (NULL), network order for 108 (LOOP).
type Loopback struct {
	Off    int
	Family uint32
}

// Address families that mean IPv6 on the BSDs and Linux.
func isInet6(f uint32) bool { return f == 10 || f == 24 || f == 28 || f == 30 }

func (p *Packet) decodeNull(off int) {
	if !p.need(LayerNull, off, 4) {
		return
	}
	f := be.Uint32(p.Data[off:])
	if p.LinkType == LinkNull {
		// Written in the capturing host's order; families are small, so
		// a value with high bits set was written little-endian.
		if f&0xffff0000 != 0 {
			f = binary.LittleEndian.Uint32(p.Data[off:])
		}
	}
	p.Null = Loopback{Off: off, Family: f}
	p.Layers.add(LayerNull)
	switch {
	case f == 2:
		p.decodeIPv4(off + 4)
	case isInet6(f):
		p.decodeIPv6(off + 4)
	}
}
