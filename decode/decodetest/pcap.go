package decodetest

import "encoding/binary"

// PcapFile returns the bytes of a pcap file (microsecond timestamps,
// little-endian) holding frames of the given link type, one second apart.
func PcapFile(link uint32, frames ...[]byte) []byte {
	le := binary.LittleEndian
	b := make([]byte, 24, 24+len(frames)*(16+1514))
	le.PutUint32(b[0:], 0xa1b2c3d4)
	le.PutUint16(b[4:], 2)
	le.PutUint16(b[6:], 4)
	le.PutUint32(b[16:], 262144)
	le.PutUint32(b[20:], link)
	for i, f := range frames {
		var r [16]byte
		le.PutUint32(r[0:], uint32(1700000000+i))
		le.PutUint32(r[8:], uint32(len(f)))
		le.PutUint32(r[12:], uint32(len(f)))
		b = append(append(b, r[:]...), f...)
	}
	return b
}

// WithPayload returns frame (Ethernet/IPv4/TCP from EthIPv4TCP or
// Ethernet/IPv4/UDP) with payload appended and the IPv4 total length fixed.
func WithPayload(frame, payload []byte) []byte {
	out := append(append([]byte(nil), frame...), payload...)
	be.PutUint16(out[16:], uint16(len(out)-14))
	return out
}
