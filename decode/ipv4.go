package decode

// IPv4 is an IPv4 header.
type IPv4 struct {
	Off     int
	Version uint8
	IHL     int // header length in bytes (the field × 4)
	TOS     uint8
	// TotalLen is the datagram length the header claims.
	TotalLen uint16
	ID       uint16
	Flags    uint8  // bit 2 reserved, bit 1 DF, bit 0 MF
	FragOff  uint16 // in 8-byte units, as on the wire
	TTL      uint8
	Protocol uint8
	Checksum uint16
	// ChecksumOK is whether Checksum is right; only meaningful when the
	// whole header was captured (Decoded == IHL).
	ChecksumOK bool
	Src, Dst   [4]byte
	// FirstOption is the type byte of the first option, -1 if none.
	FirstOption int
	// RouteDst is the final destination a loose or strict source route
	// option names (HasRoute), which Wireshark reports as ip.dst.
	RouteDst [4]byte
	HasRoute bool
	// Decoded is how many header bytes were read: fields beyond it are
	// not in the packet (truncated) or not trusted (a length field before
	// them was impossible).
	Decoded int
}

// IPv4 flag bits.
const (
	IPv4Reserved = 4
	IPv4DF       = 2
	IPv4MF       = 1
)

// DSCP and ECN split the TOS byte.
func (ip *IPv4) DSCP() uint8 { return ip.TOS >> 2 }

// ECN returns the explicit congestion notification bits.
func (ip *IPv4) ECN() uint8 { return ip.TOS & 3 }

// IsFragment reports whether the datagram is one fragment of a larger one.
func (ip *IPv4) IsFragment() bool { return ip.Flags&IPv4MF != 0 || ip.FragOff != 0 }

const ipv4MinLen = 20

// parseIPv4 fills ip from the header at off and returns the byte range of
// the payload the header claims (end may lie past the capture), or ok=false
// when the header is unusable. Problems are recorded on p.
func (p *Packet) parseIPv4(ip *IPv4, off int) (start, end int, ok bool) {
	d := p.Data[min(off, len(p.Data)):]
	*ip = IPv4{Off: off, FirstOption: -1}
	if len(d) < 1 {
		p.fail(LayerIPv4, Truncated, 0, ipv4MinLen)
		return 0, 0, false
	}
	ip.Version, ip.IHL, ip.Decoded = d[0]>>4, int(d[0]&0x0f)*4, 1
	if ip.Version != 4 {
		p.fail(LayerIPv4, BadVersion, int(ip.Version), 4)
		return 0, 0, false
	}
	if ip.IHL < ipv4MinLen {
		p.fail(LayerIPv4, BadHeaderLen, ip.IHL, ipv4MinLen)
		return 0, 0, false
	}
	// Read the fixed part from a zero-padded copy so a truncated header
	// still yields the fields that were captured.
	var h [ipv4MinLen]byte
	copy(h[:], d)
	ip.TOS = h[1]
	ip.TotalLen = be.Uint16(h[2:4])
	ip.Decoded = min(len(d), 4)
	if len(d) >= 4 && int(ip.TotalLen) < ip.IHL {
		p.fail(LayerIPv4, BadTotalLen, int(ip.TotalLen), ip.IHL)
		return 0, 0, false
	}
	ip.ID = be.Uint16(h[4:6])
	ip.Flags = h[6] >> 5
	ip.FragOff = be.Uint16(h[6:8]) & 0x1fff
	ip.TTL, ip.Protocol = h[8], h[9]
	ip.Checksum = be.Uint16(h[10:12])
	copy(ip.Src[:], h[12:16])
	copy(ip.Dst[:], h[16:20])
	ip.Decoded = min(len(d), ip.IHL)
	if len(d) < ip.IHL {
		p.fail(LayerIPv4, Truncated, len(d), ip.IHL)
		return 0, 0, false
	}
	ip.parseOptions(d[ipv4MinLen:ip.IHL])
	ip.ChecksumOK = checksum(d[:ip.IHL], 0) == 0
	return off + ip.IHL, off + int(ip.TotalLen), true
}

func (p *Packet) decodeIPv4(off int) {
	ip := &p.IPv4
	start, end, ok := p.parseIPv4(ip, off)
	p.Layers.add(LayerIPv4)
	if !ok {
		return
	}
	if wire := p.wireEnd(); end > wire {
		p.fail(LayerIPv4, LenOverrun, int(ip.TotalLen), wire-off)
	}
	if ip.FragOff != 0 {
		// Later fragments carry no transport header of their own.
		p.setPayload(start, end)
		return
	}
	p.decodeTransport(ip.Protocol, start, end)
}

// wireEnd is where the frame ended on the wire, in Data offsets.
func (p *Packet) wireEnd() int { return p.WireLen }

// setPayload marks [start, end) as application data, clipped to what was
// captured.
func (p *Packet) setPayload(start, end int) {
	end = min(end, len(p.Data))
	if start < end {
		p.Payload = Range{start, end - start}
	}
}

// checksum folds the ones' complement sum of b (RFC 1071) into sum.
func checksum(b []byte, sum uint32) uint16 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// IPv4 option types that carry a source route.
const (
	ipOptEnd  = 0
	ipOptNop  = 1
	ipOptLSRR = 0x83
	ipOptSSRR = 0x89
)

// parseOptions notes the first option and a source route's destination.
func (ip *IPv4) parseOptions(o []byte) {
	if len(o) > 0 {
		ip.FirstOption = int(o[0])
	}
	for len(o) > 0 && o[0] != ipOptEnd {
		if o[0] == ipOptNop {
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			return
		}
		if l := int(o[1]); (o[0] == ipOptLSRR || o[0] == ipOptSSRR) && l >= 7 && (l-3)%4 == 0 {
			copy(ip.RouteDst[:], o[l-4:l])
			ip.HasRoute = true
		}
		o = o[o[1]:]
	}
}
