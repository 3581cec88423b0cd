package decodetest

import (
	"encoding/binary"
	"math/rand/v2"
)

// Kind is a kind of random frame, named after Wireshark randpkt's types.
type Kind string

// The kinds Random makes.
const (
	KindARP      Kind = "arp"
	KindEth      Kind = "eth"
	KindIP       Kind = "ip"
	KindTCP      Kind = "tcp"
	KindUDP      Kind = "udp"
	KindICMP     Kind = "icmp"
	KindUSB      Kind = "usb"       // USBPcap, link type 249
	KindUSBLinux Kind = "usb-linux" // usbmon, link types 189 and 220
)

// Kinds lists every Kind.
var Kinds = []Kind{KindARP, KindEth, KindIP, KindTCP, KindUDP, KindICMP, KindUSB, KindUSBLinux}

// Frame is a generated frame and the link type to decode it as.
type Frame struct {
	LinkType uint16
	Data     []byte
	WireLen  int
}

// Random makes a frame of the given kind: a plausible header stack whose
// field values are random, lengths sometimes consistent and sometimes not,
// and the result sometimes truncated, so decoders meet both the common
// case and the hostile one.
func Random(r *rand.Rand, k Kind) Frame {
	var b []byte
	link := uint16(1)
	switch k {
	case KindARP:
		b = concat(randEth(r, 0x0806), randARP(r))
	case KindEth:
		b = concat(randEth(r, randEtype(r)), randBytes(r, r.IntN(64)))
	case KindIP:
		b = concat(randEth(r, 0x0800), randIPv4(r, uint8(r.IntN(256)), randBytes(r, r.IntN(64))))
	case KindTCP, KindUDP, KindICMP:
		proto, t := uint8(6), randTCP(r)
		switch k {
		case KindUDP:
			proto, t = 17, randUDP(r)
		case KindICMP:
			proto, t = 1, randICMP(r)
		}
		if r.IntN(4) == 0 {
			if proto == 1 {
				proto = 58
			}
			b = concat(randEth(r, 0x86dd), randIPv6(r, proto, t))
		} else {
			b = concat(randEth(r, 0x0800), randIPv4(r, proto, t))
		}
	case KindUSB:
		link, b = 249, randUSBPcap(r)
	case KindUSBLinux:
		link, b = 189, randUSBMon(r, 48)
		if r.IntN(2) == 0 {
			link, b = 220, randUSBMon(r, 64)
		}
	}
	wire := len(b)
	if r.IntN(5) == 0 && len(b) > 0 {
		b = b[:r.IntN(len(b))]
	}
	return Frame{LinkType: link, Data: b, WireLen: wire}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// pick returns good most of the time and a random value otherwise.
func pick(r *rand.Rand, good, bits int) int {
	if r.IntN(4) == 0 {
		return r.IntN(1 << bits)
	}
	return good
}

func randEtype(r *rand.Rand) uint16 {
	types := []uint16{0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x8847, 0x0100, 0x88cc}
	return types[r.IntN(len(types))]
}

func randEth(r *rand.Rand, etype uint16) []byte {
	b := randBytes(r, 14)
	be.PutUint16(b[12:], etype)
	if r.IntN(5) == 0 { // a VLAN tag in front
		tag := randBytes(r, 4)
		be.PutUint16(tag[2:], etype)
		be.PutUint16(b[12:], 0x8100)
		b = append(b, tag...)
	}
	return b
}

func randARP(r *rand.Rand) []byte {
	b := randBytes(r, 28+r.IntN(8))
	be.PutUint16(b[0:], uint16(pick(r, 1, 16)))
	be.PutUint16(b[2:], uint16(pick(r, 0x0800, 16)))
	b[4], b[5] = byte(pick(r, 6, 8)), byte(pick(r, 4, 8))
	be.PutUint16(b[6:], uint16(1+r.IntN(4)))
	return b
}

func randIPv4(r *rand.Rand, proto uint8, payload []byte) []byte {
	ihl := pick(r, 5, 4)
	h := randBytes(r, max(ihl*4, 20))
	h[0] = byte(pick(r, 4, 4)<<4 | ihl)
	be.PutUint16(h[2:], uint16(pick(r, len(h)+len(payload), 16)))
	h[6] &= byte(pick(r, 0x40, 8)) // mostly DF only, unfragmented
	h[7] = byte(pick(r, 0, 8))
	h[9] = proto
	return concat(h, payload)
}

func randIPv6(r *rand.Rand, proto uint8, payload []byte) []byte {
	h := randBytes(r, 40)
	h[0] = byte(pick(r, 6, 4)<<4) | h[0]&0x0f
	be.PutUint16(h[4:], uint16(pick(r, len(payload), 16)))
	h[6] = proto
	if r.IntN(4) == 0 { // an extension header in between
		ext := randBytes(r, 8)
		ext[0], ext[1] = proto, byte(pick(r, 0, 8))
		h[6] = []byte{0, 43, 44, 60}[r.IntN(4)]
		return concat(h, ext, payload)
	}
	return concat(h, payload)
}

func randTCP(r *rand.Rand) []byte {
	off := pick(r, 5+r.IntN(4), 4)
	h := randBytes(r, max(off*4, 20))
	h[12] = byte(off<<4) | h[12]&0x0f
	return concat(h, randBytes(r, r.IntN(1400)))
}

func randUDP(r *rand.Rand) []byte {
	h := randBytes(r, 8)
	n := r.IntN(600)
	be.PutUint16(h[4:], uint16(pick(r, 8+n, 16)))
	return concat(h, randBytes(r, n))
}

func randICMP(r *rand.Rand) []byte {
	h := randBytes(r, 8)
	h[0] = []byte{0, 3, 8, 11, 1, 128, 129, 135}[r.IntN(8)]
	if r.IntN(2) == 0 { // an error quoting a packet
		return concat(h, randIPv4(r, 17, randBytes(r, 8)))
	}
	return concat(h, randBytes(r, r.IntN(64)))
}

func randUSBMon(r *rand.Rand, hdrLen int) []byte {
	h := randBytes(r, hdrLen)
	h[8] = "SCE"[r.IntN(3)]
	h[9] = byte(pick(r, r.IntN(4), 8))
	n := r.IntN(64)
	binary.LittleEndian.PutUint32(h[32:], uint32(pick(r, n, 31)))
	binary.LittleEndian.PutUint32(h[36:], uint32(pick(r, n, 31)))
	return concat(h, randBytes(r, n))
}

func randUSBPcap(r *rand.Rand) []byte {
	hl := pick(r, 27+r.IntN(2), 16)
	h := randBytes(r, 28)
	binary.LittleEndian.PutUint16(h[0:], uint16(hl))
	h[22] = byte(pick(r, r.IntN(4), 8))
	n := r.IntN(64)
	binary.LittleEndian.PutUint32(h[23:], uint32(pick(r, n, 31)))
	return concat(h, randBytes(r, n))
}
