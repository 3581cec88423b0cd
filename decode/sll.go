package decode

// SLL is a Linux "cooked" capture header, version 1 (16 bytes, link type
// 113) or version 2 (20 bytes, link type 276), which libpcap writes when
// capturing on "any" or on devices without a link-layer header.
type SLL struct {
	Off     int
	Version uint8
	PktType uint16 // 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us
	HAType  uint16 // ARPHRD_* type of the link-layer address
	HALen   uint8
	Addr    [8]byte // link-layer source address, HALen bytes valid
	// Protocol is an Ethertype when >= 0x0600, otherwise a Linux
	// pseudo-type (4 = 802.2 LLC, 1 = 802.3 ...).
	Protocol uint16
	IfIndex  uint32 // version 2 only
}

// Sizes of the two cooked header versions.
const (
	SLLLen  = 16
	SLL2Len = 20
)

// Linux ARPHRD types the cooked header is read by: Ethernet-addressed
// ones, and GRE tunnels, whose address is the peer's IPv4 address and
// whose protocol is a GRE protocol type.
const (
	arphrdEther    = 1
	arphrdLoopback = 772
	arphrdIPGRE    = 778
)

// Linux pseudo protocol types (below 0x0600) that name a frame tshark
// opens.
const (
	sllPEthernet = 0x0003 // an Ethernet frame follows
	sllPPPHDLC   = 0x0007 // PPP in HDLC-like framing
)

// HasMAC reports whether Addr holds an Ethernet address.
func (s *SLL) HasMAC() bool {
	return (s.HAType == arphrdEther || s.HAType == arphrdLoopback) && s.HALen == 6
}

// HasIPv4 reports whether Addr holds an IPv4 address (a GRE tunnel's
// peer).
func (s *SLL) HasIPv4() bool { return s.HAType == arphrdIPGRE && s.HALen == 4 }

// decodeSLLProtocol continues after a cooked header with what its
// protocol names, read as tshark reads it for the address type.
func (p *Packet) decodeSLLProtocol(off int) {
	s := &p.SLL
	switch {
	case s.HAType == arphrdIPGRE && s.Protocol == etherTEB:
		p.decodeEthernet(off)
	case s.Protocol == sllPEthernet:
		p.decodeEthernet(off)
	case s.Protocol == sllPPPHDLC:
		p.decodePPPLink(off)
	default:
		p.decodeEthertype(off, s.Protocol)
	}
}

func (p *Packet) decodeSLL(off int) {
	if !p.need(LayerSLL, off, SLLLen) {
		return
	}
	d := p.Data[off:]
	s := &p.SLL
	*s = SLL{
		Off:      off,
		Version:  1,
		PktType:  be.Uint16(d[0:2]),
		HAType:   be.Uint16(d[2:4]),
		HALen:    uint8(min(be.Uint16(d[4:6]), 8)),
		Protocol: be.Uint16(d[14:16]),
	}
	copy(s.Addr[:], d[6:14])
	p.Layers.add(LayerSLL)
	p.decodeSLLProtocol(off + SLLLen)
}

func (p *Packet) decodeSLL2(off int) {
	if !p.need(LayerSLL2, off, SLL2Len) {
		return
	}
	d := p.Data[off:]
	s := &p.SLL
	*s = SLL{
		Off:      off,
		Version:  2,
		Protocol: be.Uint16(d[0:2]),
		IfIndex:  be.Uint32(d[4:8]),
		HAType:   be.Uint16(d[8:10]),
		PktType:  uint16(d[10]),
		HALen:    min(d[11], 8),
	}
	copy(s.Addr[:], d[12:20])
	p.Layers.add(LayerSLL2)
	p.decodeSLLProtocol(off + SLL2Len)
}
