package decodetest

import "encoding/binary"

// PcapFile returns the bytes of a pcap file (microsecond timestamps,
// little-endian) holding frames of the given link type, one second apart.
func PcapFile(link uint32, frames ...[]byte) []byte {
	le := binary.LittleEndian
	b := PcapHeader(le, 0xa1b2c3d4, 2, 4, link)
	for i, f := range frames {
		b = append(b, PcapRecord(le, uint32(1700000000+i), 0, uint32(len(f)), uint32(len(f)), f)...)
	}
	return b
}

// PcapHeader returns a pcap file header in byte order order: magic says
// the timestamp unit (0xa1b2c3d4 µs, 0xa1b23c4d ns), major.minor the
// version; the snap length is 262144.
func PcapHeader(order binary.ByteOrder, magic uint32, major, minor uint16, link uint32) []byte {
	b := make([]byte, 24)
	order.PutUint32(b[0:], magic)
	order.PutUint16(b[4:], major)
	order.PutUint16(b[6:], minor)
	order.PutUint32(b[16:], 262144)
	order.PutUint32(b[20:], link)
	return b
}

// PcapRecord returns a pcap record: its 16-byte header holds first and
// second as written (the captured then the original length from version
// 2.3 on, the other way round before), then data.
func PcapRecord(order binary.ByteOrder, sec, frac, first, second uint32, data []byte) []byte {
	b := make([]byte, 16, 16+len(data))
	order.PutUint32(b[0:], sec)
	order.PutUint32(b[4:], frac)
	order.PutUint32(b[8:], first)
	order.PutUint32(b[12:], second)
	return append(b, data...)
}

// WithPayload returns frame (Ethernet/IPv4/TCP from EthIPv4TCP or
// Ethernet/IPv4/UDP) with payload appended and the IPv4 total length fixed.
func WithPayload(frame, payload []byte) []byte {
	out := append(append([]byte(nil), frame...), payload...)
	be.PutUint16(out[16:], uint16(len(out)-14))
	return out
}
