package decodetest

import "encoding/binary"

// PcapngFile returns the bytes of a little-endian pcapng file: one section,
// one interface of the given link type, frames one second apart in
// enhanced packet blocks.
func PcapngFile(link uint16, frames ...[]byte) []byte {
	le := binary.LittleEndian
	b := append(PcapngSection(le), PcapngInterface(le, link, 262144)...)
	for i, f := range frames {
		b = append(b, PcapngPacket(le, 0, uint64(1700000000+i)*1e6, f)...)
	}
	return b
}

// PcapngBlock returns a pcapng block of type typ: its length, the body
// parts padded to 4 bytes, the length again.
func PcapngBlock(order binary.ByteOrder, typ uint32, body ...[]byte) []byte {
	b := make([]byte, 8, 64)
	for _, p := range body {
		b = append(b, p...)
	}
	b = append(b, make([]byte, (4-len(b)%4)%4+4)...)
	order.PutUint32(b, typ)
	order.PutUint32(b[4:], uint32(len(b)))
	order.PutUint32(b[len(b)-4:], uint32(len(b)))
	return b
}

// PcapngSection returns a section header block, version 1.0.
func PcapngSection(order binary.ByteOrder) []byte {
	body := make([]byte, 16)
	order.PutUint32(body, 0x1a2b3c4d)
	order.PutUint16(body[4:], 1)
	order.PutUint64(body[8:], ^uint64(0))
	return PcapngBlock(order, 0x0a0d0d0a, body)
}

// PcapngInterface returns an interface description block with options
// (see PcapngOption; the end-of-options option is added).
func PcapngInterface(order binary.ByteOrder, link uint16, snaplen uint32, opts ...[]byte) []byte {
	body := make([]byte, 8)
	order.PutUint16(body, link)
	order.PutUint32(body[4:], snaplen)
	if len(opts) > 0 {
		opts = append(opts, make([]byte, 4))
	}
	return PcapngBlock(order, 1, append([][]byte{body}, opts...)...)
}

// PcapngOption returns an option: code, length, value padded to 4 bytes.
func PcapngOption(order binary.ByteOrder, code uint16, value []byte) []byte {
	b := make([]byte, 4, 8+len(value))
	order.PutUint16(b, code)
	order.PutUint16(b[2:], uint16(len(value)))
	return append(append(b, value...), make([]byte, (4-len(value)%4)%4)...)
}

// PcapngPacket returns an enhanced packet block holding data whole, on
// interface iface, at ts in the interface's units.
func PcapngPacket(order binary.ByteOrder, iface uint32, ts uint64, data []byte) []byte {
	h := make([]byte, 20)
	order.PutUint32(h, iface)
	order.PutUint32(h[4:], uint32(ts>>32))
	order.PutUint32(h[8:], uint32(ts))
	order.PutUint32(h[12:], uint32(len(data)))
	order.PutUint32(h[16:], uint32(len(data)))
	return PcapngBlock(order, 6, h, data)
}
