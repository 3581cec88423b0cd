package decodetest

// Builders for tunnelled frames: each wraps an Ethernet frame (such as
// EthIPv4TCP's, or one read from a capture) in a tunnel between the outer
// addresses TunA and TunB, so a test can check that the inner packet is
// decoded, keyed and classified as its plain twin is.

// Outer addresses of the tunnels the builders make.
var (
	TunA = [4]byte{192, 0, 2, 1}
	TunB = [4]byte{192, 0, 2, 2}
)

// OuterIPv4 returns an IPv4 header from TunA to TunB carrying payloadLen
// bytes of proto.
func OuterIPv4(proto uint8, payloadLen int) []byte {
	b := IPv4(proto, payloadLen)
	copy(b[12:16], TunA[:])
	copy(b[16:20], TunB[:])
	be.PutUint16(b[10:], 0)
	be.PutUint16(b[10:], Checksum(b))
	return b
}

// overUDP returns Ethernet/IPv4 (TunA → TunB)/UDP to dport carrying payload.
func overUDP(dport uint16, payload []byte) []byte {
	return concat(Ethernet(0x0800), OuterIPv4(17, 8+len(payload)), UDP(49152, dport, len(payload)), payload)
}

// InVXLAN wraps an Ethernet frame in VXLAN (UDP 4789) with the given VNI.
func InVXLAN(vni uint32, frame []byte) []byte {
	h := make([]byte, 8)
	h[0] = 0x08
	be.PutUint32(h[4:], vni<<8)
	return overUDP(4789, concat(h, frame))
}

// InGeneve wraps an Ethernet frame in Geneve (UDP 6081) with the given VNI
// and one 4-byte option (class 0x0102, type 0x80).
func InGeneve(vni uint32, frame []byte) []byte {
	h := make([]byte, 16)
	h[0] = 2 // two 4-byte words of options
	be.PutUint16(h[2:], 0x6558)
	be.PutUint32(h[4:], vni<<8)
	be.PutUint16(h[8:], 0x0102)
	h[10], h[11] = 0x80, 1
	copy(h[12:], "opt!")
	return overUDP(6081, concat(h, frame))
}

// InGTPU wraps the IP packet of an Ethernet frame in a GTP-U G-PDU (UDP
// 2152) with the given TEID and a sequence number.
func InGTPU(teid uint32, frame []byte) []byte {
	ip := frame[14:]
	h := make([]byte, 12)
	h[0], h[1] = 0x32, 0xff // version 1, PT, S
	be.PutUint16(h[2:], uint16(len(ip)+4))
	be.PutUint32(h[4:], teid)
	be.PutUint16(h[8:], 7)
	return overUDP(2152, concat(h, ip))
}

// InGRE wraps the IP packet of an Ethernet frame in GRE (IP protocol 47)
// with the given key; the GRE protocol is the frame's Ethertype.
func InGRE(key uint32, frame []byte) []byte {
	h := make([]byte, 8)
	be.PutUint16(h[0:], 0x2000)
	copy(h[2:4], frame[12:14])
	be.PutUint32(h[4:], key)
	return concat(Ethernet(0x0800), OuterIPv4(47, len(h)+len(frame)-14), h, frame[14:])
}

// InIP wraps the IP packet of an Ethernet frame in an outer IPv4 (TunA →
// TunB) or, with v6, IPv6 header: 4in4, 6in4, 4in6 or 6in6.
func InIP(v6 bool, frame []byte) []byte {
	ip := frame[14:]
	proto := uint8(4)
	if ip[0]>>4 == 6 {
		proto = 41
	}
	if v6 {
		return concat(Ethernet(0x86dd), IPv6(proto, len(ip)), ip)
	}
	return concat(Ethernet(0x0800), OuterIPv4(proto, len(ip)), ip)
}
