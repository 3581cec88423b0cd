package decode

// ARP is an ARP or RARP message. Addresses are kept as offsets because
// their lengths come from the packet; the accessors return them only for
// the common Ethernet/IPv4 sizes.
type ARP struct {
	Off       int
	HWType    uint16
	ProtoType uint16
	HWLen     uint8
	ProtoLen  uint8
	Op        uint16 // 1 request, 2 reply, 3 RARP request, 4 RARP reply
	// Decoded is how many bytes of the message were captured and used.
	Decoded int
}

// ARP opcodes.
const (
	ARPRequest     = 1
	ARPReply       = 2
	RARPRequest    = 3
	RARPReply      = 4
	arpFixedLen    = 8
	arpEtherIPv4Ln = 28
)

func (p *Packet) decodeARP(off int) {
	if !p.need(LayerARP, off, arpFixedLen) {
		return
	}
	d := p.Data[off:]
	a := &p.ARP
	*a = ARP{
		Off:       off,
		HWType:    be.Uint16(d[0:2]),
		ProtoType: be.Uint16(d[2:4]),
		HWLen:     d[4],
		ProtoLen:  d[5],
		Op:        be.Uint16(d[6:8]),
	}
	p.Layers.add(LayerARP)
	n := arpFixedLen + 2*int(a.HWLen) + 2*int(a.ProtoLen)
	a.Decoded = min(n, len(d))
	if len(d) < n {
		p.fail(LayerARP, Truncated, len(d), n)
	}
}

// addr returns the i-th address (0 sender HW, 1 sender proto, 2 target HW,
// 3 target proto) when it was captured in full.
func (a *ARP) addr(data []byte, i int) ([]byte, bool) {
	h, pl := int(a.HWLen), int(a.ProtoLen)
	off := arpFixedLen + [4]int{0, h, h + pl, 2*h + pl}[i]
	n := [4]int{h, pl, h, pl}[i]
	if off+n > a.Decoded {
		return nil, false
	}
	return data[a.Off+off : a.Off+off+n], true
}

// SenderMAC, SenderIP, TargetMAC and TargetIP return the addresses when
// they are Ethernet MACs / IPv4 addresses and were captured.
func (a *ARP) SenderMAC(data []byte) ([]byte, bool) { return a.mac(data, 0) }

// SenderIP returns the sender's IPv4 address; see SenderMAC.
func (a *ARP) SenderIP(data []byte) ([]byte, bool) { return a.ipv4(data, 1) }

// TargetMAC returns the target's MAC; see SenderMAC.
func (a *ARP) TargetMAC(data []byte) ([]byte, bool) { return a.mac(data, 2) }

// TargetIP returns the target's IPv4 address; see SenderMAC.
func (a *ARP) TargetIP(data []byte) ([]byte, bool) { return a.ipv4(data, 3) }

func (a *ARP) mac(data []byte, i int) ([]byte, bool) {
	if a.HWLen != 6 {
		return nil, false
	}
	return a.addr(data, i)
}

func (a *ARP) ipv4(data []byte, i int) ([]byte, bool) {
	if a.ProtoType != etherIPv4 || a.ProtoLen != 4 {
		return nil, false
	}
	return a.addr(data, i)
}
