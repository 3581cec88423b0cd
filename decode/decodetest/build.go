// Package decodetest makes frames for testing and benchmarking decoders:
// well-formed frames of common shapes, and random ones in the spirit of
// Wireshark's randpkt (random header values, random lengths, truncation).
package decodetest

import "encoding/binary"

var be = binary.BigEndian

// Well-known values the builders use.
var (
	MACA = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}
	MACB = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}
	IPA  = [4]byte{10, 0, 0, 1}
	IPB  = [4]byte{10, 0, 0, 2}
	IP6A = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	IP6B = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 2}
)

// Ethernet returns an Ethernet header from A to B with the given type.
func Ethernet(etype uint16) []byte {
	b := make([]byte, 14)
	copy(b[0:6], MACB[:])
	copy(b[6:12], MACA[:])
	be.PutUint16(b[12:], etype)
	return b
}

// IPv4 returns an IPv4 header from A to B carrying payloadLen bytes of
// proto, with a correct checksum.
func IPv4(proto uint8, payloadLen int) []byte {
	b := make([]byte, 20)
	b[0] = 0x45
	be.PutUint16(b[2:], uint16(20+payloadLen))
	be.PutUint16(b[4:], 0x1234)
	b[6] = 0x40 // DF
	b[8], b[9] = 64, proto
	copy(b[12:16], IPA[:])
	copy(b[16:20], IPB[:])
	be.PutUint16(b[10:], Checksum(b))
	return b
}

// IPv6 returns an IPv6 header from A to B.
func IPv6(next uint8, payloadLen int) []byte {
	b := make([]byte, 40)
	b[0] = 0x60
	be.PutUint16(b[4:], uint16(payloadLen))
	b[6], b[7] = next, 64
	copy(b[8:24], IP6A[:])
	copy(b[24:40], IP6B[:])
	return b
}

// TCP returns a 20-byte TCP header with the given flags (low 8 bits).
func TCP(sport, dport uint16, flags uint8) []byte {
	b := make([]byte, 20)
	be.PutUint16(b[0:], sport)
	be.PutUint16(b[2:], dport)
	be.PutUint32(b[4:], 1000)
	be.PutUint32(b[8:], 2000)
	b[12], b[13] = 5<<4, flags
	be.PutUint16(b[14:], 65535)
	return b
}

// UDP returns a UDP header for payloadLen bytes.
func UDP(sport, dport uint16, payloadLen int) []byte {
	b := make([]byte, 8)
	be.PutUint16(b[0:], sport)
	be.PutUint16(b[2:], dport)
	be.PutUint16(b[4:], uint16(8+payloadLen))
	return b
}

// Payload returns n bytes of printable text.
func Payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

// EthIPv4TCP returns a whole Ethernet/IPv4/TCP frame of frameLen bytes
// (at least 54), ACK+PSH from 10.0.0.1:40000 to 10.0.0.2:80.
func EthIPv4TCP(frameLen int) []byte {
	n := max(frameLen-54, 0)
	return concat(Ethernet(0x0800), IPv4(6, 20+n), TCP(40000, 80, 0x18), Payload(n))
}

// EthIPv6UDP returns an Ethernet/IPv6/UDP frame with n payload bytes.
func EthIPv6UDP(n int) []byte {
	return concat(Ethernet(0x86dd), IPv6(17, 8+n), UDP(5353, 53, n), Payload(n))
}

// USBMon returns a usbmon record (48-byte header for link type 189, 64 for
// 220): a bulk transfer completion on bus 2, device 5, endpoint 0x81 with
// the given data.
func USBMon(hdrLen int, data []byte) []byte {
	b := make([]byte, hdrLen)
	le := binary.LittleEndian
	le.PutUint64(b[0:], 0xffff8800aa000100)
	b[8], b[9], b[10], b[11] = 'C', 3, 0x81, 5
	le.PutUint16(b[12:], 2)
	b[14], b[15] = '-', 0
	le.PutUint32(b[32:], uint32(len(data)))
	le.PutUint32(b[36:], uint32(len(data)))
	return concat(b, data)
}

// Checksum is the RFC 1071 Internet checksum of b.
func Checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(be.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TCPFrame returns an Ethernet/IPv4/TCP frame (ACK+PSH, sequence number
// 1000) from 10.0.0.1:sport to 10.0.0.2:dport carrying payload.
func TCPFrame(sport, dport uint16, payload []byte) []byte {
	return concat(Ethernet(0x0800), IPv4(6, 20+len(payload)), TCP(sport, dport, 0x18), payload)
}

// UDPFrame returns an Ethernet/IPv4/UDP frame from 10.0.0.1:sport to
// 10.0.0.2:dport carrying payload.
func UDPFrame(sport, dport uint16, payload []byte) []byte {
	return concat(Ethernet(0x0800), IPv4(17, 8+len(payload)), UDP(sport, dport, len(payload)), payload)
}

// WithSeq returns a copy of an Ethernet/IPv4/TCP frame (TCPFrame) with
// the TCP sequence number set to seq.
func WithSeq(frame []byte, seq uint32) []byte {
	out := append([]byte(nil), frame...)
	be.PutUint32(out[14+20+4:], seq)
	return out
}
