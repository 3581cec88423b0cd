package decode

// IPv6 is an IPv6 header.
type IPv6 struct {
	Off          int
	Version      uint8
	TrafficClass uint8
	FlowLabel    uint32
	PayloadLen   uint16
	NextHeader   uint8
	HopLimit     uint8
	Src, Dst     [16]byte
	// Transport is the protocol after the extension headers (the last
	// Next Header), and Jumbo the payload length a Jumbo Payload option
	// gave (0 if none).
	Transport uint8
	Jumbo     uint32
	// Decoded is how many bytes of the fixed header were captured.
	Decoded int
}

// DSCP returns the differentiated services code point.
func (ip *IPv6) DSCP() uint8 { return ip.TrafficClass >> 2 }

// MaxExt is how many extension headers a Packet records; longer chains are
// still walked to reach the transport header.
const MaxExt = 8

// IPv6Ext is one IPv6 extension header.
type IPv6Ext struct {
	Off  int
	Type uint8 // the protocol number that introduced it (0, 43, 44, 51, 60, ...)
	Next uint8
	Len  int // in bytes
	// Routing header fields.
	RoutingType  uint8
	SegmentsLeft uint8
	// Fragment header fields.
	FragOff  uint16 // in 8-byte units
	FragMore bool
	FragID   uint32
}

// IPv6 extension header protocol numbers.
const (
	ipv6HopByHop  = 0
	ipv6Routing   = 43
	ipv6Fragment  = 44
	ipv6AH        = 51
	ipv6NoNext    = 59
	ipv6DestOpts  = 60
	ipv6Mobility  = 135
	ipv6HeaderLen = 40
	// maxExtWalk bounds the walk over hostile chains of tiny headers.
	maxExtWalk  = 256
	optJumbo    = 0xc2
	optPad1     = 0
	jumboOptLen = 4
)

func isIPv6Ext(nh uint8) bool {
	switch nh {
	case ipv6HopByHop, ipv6Routing, ipv6Fragment, ipv6AH, ipv6DestOpts, ipv6Mobility:
		return true
	}
	return false
}

// parseIPv6 fills ip from the fixed header at off and returns the payload
// range it claims.
func (p *Packet) parseIPv6(ip *IPv6, off int) (start, end int, ok bool) {
	d := p.Data[min(off, len(p.Data)):]
	*ip = IPv6{Off: off, Decoded: min(len(d), ipv6HeaderLen)}
	var h [ipv6HeaderLen]byte
	copy(h[:], d)
	ip.Version = h[0] >> 4
	if len(d) < 1 {
		p.fail(LayerIPv6, Truncated, 0, ipv6HeaderLen)
		return 0, 0, false
	}
	if ip.Version != 6 {
		ip.Decoded = 1
		p.fail(LayerIPv6, BadVersion, int(ip.Version), 6)
		return 0, 0, false
	}
	vtf := be.Uint32(h[0:4])
	ip.TrafficClass = uint8(vtf >> 20)
	ip.FlowLabel = vtf & 0xfffff
	ip.PayloadLen = be.Uint16(h[4:6])
	ip.NextHeader, ip.HopLimit = h[6], h[7]
	copy(ip.Src[:], h[8:24])
	copy(ip.Dst[:], h[24:40])
	ip.Transport = ip.NextHeader
	if len(d) < ipv6HeaderLen {
		p.fail(LayerIPv6, Truncated, len(d), ipv6HeaderLen)
		return 0, 0, false
	}
	return off + ipv6HeaderLen, off + ipv6HeaderLen + int(ip.PayloadLen), true
}

func (p *Packet) decodeIPv6(off int) {
	ip := &p.IPv6
	start, end, ok := p.parseIPv6(ip, off)
	p.Layers.add(LayerIPv6)
	if !ok {
		return
	}
	if ip.PayloadLen == 0 && ip.NextHeader == ipv6HopByHop {
		// RFC 2675: a zero payload length means a Jumbo Payload option
		// in the hop-by-hop header gives the real one.
		ip.Jumbo = p.jumbo(start)
		if ip.Jumbo == 0 {
			p.fail(LayerIPv6, BadPayloadLen, 0, 0)
			return
		}
		end = start + int(ip.Jumbo)
	}
	if wire := p.wireEnd(); end > wire {
		p.fail(LayerIPv6, LenOverrun, end-off-ipv6HeaderLen, wire-start)
	}
	start, proto, ok := p.walkExt(start, ip.NextHeader, false)
	ip.Transport = proto
	if ok {
		p.decodeTransport(proto, start, end)
	}
}

// walkExt follows the extension header chain from off. It returns where
// the transport header starts and its protocol; ok is false when the chain
// is truncated or ends in a later fragment (which has no transport header).
// quoted walks without recording headers on the packet.
func (p *Packet) walkExt(off int, nh uint8, quoted bool) (int, uint8, bool) {
	for n := 0; isIPv6Ext(nh); n++ {
		if n == maxExtWalk {
			p.fail(LayerIPv6Ext, TooManyExt, n, maxExtWalk)
			return off, nh, false
		}
		if !p.need(LayerIPv6Ext, off, 8) {
			return off, nh, false
		}
		d := p.Data[off:]
		e := IPv6Ext{Off: off, Type: nh, Next: d[0]}
		switch nh {
		case ipv6Fragment:
			e.Len = 8
			fo := be.Uint16(d[2:4])
			e.FragOff, e.FragMore, e.FragID = fo>>3, fo&1 != 0, be.Uint32(d[4:8])
		case ipv6AH:
			e.Len = (int(d[1]) + 2) * 4
			if !quoted && !p.Has(LayerAH) {
				p.parseAH(off)
			}
		default:
			e.Len = (int(d[1]) + 1) * 8
			if nh == ipv6Routing {
				e.RoutingType, e.SegmentsLeft = d[2], d[3]
			}
		}
		if !quoted {
			p.Layers.add(LayerIPv6Ext)
			if p.NumExt < MaxExt {
				p.Ext[p.NumExt] = e
				p.NumExt++
			}
		}
		if !p.need(LayerIPv6Ext, off, e.Len) {
			return off, nh, false
		}
		off += e.Len
		nh = e.Next
		if e.Type == ipv6Fragment && e.FragOff != 0 {
			p.setPayload(off, p.wireEnd())
			return off, nh, false
		}
	}
	return off, nh, nh != ipv6NoNext
}

// jumbo returns the Jumbo Payload length from the hop-by-hop header at off,
// or 0 when there is none.
func (p *Packet) jumbo(off int) uint32 {
	if len(p.Data)-off < 8 {
		return 0
	}
	end := min(off+(int(p.Data[off+1])+1)*8, len(p.Data))
	for i := off + 2; i < end; {
		t := p.Data[i]
		if t == optPad1 {
			i++
			continue
		}
		if i+2 > end {
			break
		}
		l := int(p.Data[i+1])
		if t == optJumbo && l == jumboOptLen && i+2+l <= end {
			return be.Uint32(p.Data[i+2:])
		}
		i += 2 + l
	}
	return 0
}
