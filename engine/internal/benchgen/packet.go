package benchgen

// routerMAC is the servers' side of every frame: the capture sits
// between the clients and their gateway.
var routerMAC = [6]byte{0x02, 0x42, 0xc0, 0xa8, 0x00, 0x01}

// frame builds an Ethernet frame from one side of f carrying prefix and
// payload, with correct lengths and checksums, and advances f's
// sequence numbers and IP ids.
func (g *Generator) frame(f *flow, fromServer bool, flags uint8, prefix, payload []byte) []byte {
	d := 0
	srcIP, dstIP := f.cliAddr, f.srvAddr
	srcPort, dstPort := f.cliPort, f.srvPort
	srcMAC, dstMAC := f.cliMAC, routerMAC
	ttl := byte(64)
	if fromServer {
		d = 1
		srcIP, dstIP, srcPort, dstPort, srcMAC, dstMAC = dstIP, srcIP, dstPort, srcPort, dstMAC, srcMAC
		ttl = 52
	}
	b := g.buf[:0]
	b = append(b, dstMAC[:]...)
	b = append(b, srcMAC[:]...)
	ipOff := len(b) + 2
	if f.v6 {
		b = append(b, 0x86, 0xdd)
	} else {
		b = append(b, 0x08, 0x00)
	}

	l4len := 8
	proto := byte(17)
	var opts []byte
	if !f.proto.udp {
		proto = 6
		if flags&flagSYN != 0 {
			// MSS, NOP, window scale 7, SACK permitted, NOP, NOP.
			mss := uint16(mss4)
			if f.v6 {
				mss = mss6
			}
			opts = []byte{2, 4, byte(mss >> 8), byte(mss), 1, 3, 3, 7, 4, 2, 1, 1}
		}
		l4len = 20 + len(opts)
	}
	plen := len(prefix) + len(payload)
	if f.v6 {
		b = append(b, 0x60, 0, 0, 0)
		b = be.AppendUint16(b, uint16(l4len+plen))
		b = append(b, proto, ttl)
		b = append(b, srcIP[:]...)
		b = append(b, dstIP[:]...)
	} else {
		b = append(b, 0x45, 0)
		b = be.AppendUint16(b, uint16(20+l4len+plen))
		b = be.AppendUint16(b, f.ipID[d])
		b = append(b, 0x40, 0, ttl, proto, 0, 0) // DF; checksum below
		b = append(b, srcIP[:4]...)
		b = append(b, dstIP[:4]...)
		be.PutUint16(b[ipOff+10:], ^fold(sum(b[ipOff:ipOff+20], 0)))
	}
	f.ipID[d]++
	l4Off := len(b)
	b = be.AppendUint16(b, srcPort)
	b = be.AppendUint16(b, dstPort)
	if proto == 6 {
		var ack uint32
		if flags&flagACK != 0 {
			ack = f.seq[1-d]
		}
		b = be.AppendUint32(b, f.seq[d])
		b = be.AppendUint32(b, ack)
		b = append(b, byte(l4len/4)<<4, flags)
		win := uint16(502)
		if flags&flagSYN != 0 {
			win = 64240
		}
		b = be.AppendUint16(b, win)
		b = append(b, 0, 0, 0, 0) // checksum below, urgent pointer
		b = append(b, opts...)
		f.seq[d] += uint32(plen)
		if flags&(flagSYN|flagFIN) != 0 {
			f.seq[d]++
		}
	} else {
		b = be.AppendUint16(b, uint16(8+plen))
		b = append(b, 0, 0)
	}
	b = append(b, prefix...)
	b = append(b, payload...)

	// Checksum over the pseudo-header and the transport segment.
	var s uint64
	if f.v6 {
		s = sum(srcIP[:], s)
		s = sum(dstIP[:], s)
	} else {
		s = sum(srcIP[:4], s)
		s = sum(dstIP[:4], s)
	}
	s += uint64(proto) + uint64(len(b)-l4Off)
	ck := ^fold(sum(b[l4Off:], s))
	if proto == 17 && ck == 0 {
		ck = 0xffff // zero means "no checksum" in UDP
	}
	if proto == 6 {
		be.PutUint16(b[l4Off+16:], ck)
	} else {
		be.PutUint16(b[l4Off+6:], ck)
	}
	g.buf = b
	g.stats.Sizes[classOf(len(b)-ipOff)]++
	return b
}

// sum adds b to a ones'-complement sum as big-endian 32-bit words (the
// fold to 16 bits gives the same result as summing 16-bit words), an odd
// last byte padded with zero.
func sum(b []byte, s uint64) uint64 {
	for len(b) >= 4 {
		s += uint64(be.Uint32(b))
		b = b[4:]
	}
	if len(b) >= 2 {
		s += uint64(be.Uint16(b)) << 16
		b = b[2:]
		if len(b) == 1 {
			s += uint64(b[0]) << 8
		}
	} else if len(b) == 1 {
		s += uint64(b[0]) << 24
	}
	return s
}

// fold reduces a sum to 16 bits with end-around carry.
func fold(s uint64) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}
