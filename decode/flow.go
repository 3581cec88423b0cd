package decode

import "bytes"

// FlowKind says what a FlowKey's addresses are.
type FlowKind uint8

// Flow kinds.
const (
	FlowNone FlowKind = iota
	FlowIPv4
	FlowIPv6
	FlowUSB
)

// FlowKey identifies a bidirectional flow: both directions of a
// conversation produce the same key, endpoint A being the lesser of the two
// (address, port) pairs. For USB, A holds bus and device, and PortA the
// endpoint number without its direction bit, so a device's IN and OUT
// halves of one endpoint number form one flow.
type FlowKey struct {
	Kind         FlowKind
	Proto        uint8 // IP protocol number; USB transfer type
	PortA, PortB uint16
	A, B         [16]byte // IPv4 uses the first 4 bytes
}

// Valid reports whether the key names a flow.
func (k FlowKey) Valid() bool { return k.Kind != FlowNone }

// Hash is a symmetric hash of the key (the key is already canonical), cheap
// enough to pick a shard per packet.
func (k *FlowKey) Hash() uint64 {
	// FNV-1a over the fields, unrolled to avoid an allocation.
	h := uint64(14695981039346656037)
	mix := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	mix(byte(k.Kind))
	mix(k.Proto)
	mix(byte(k.PortA))
	mix(byte(k.PortA >> 8))
	mix(byte(k.PortB))
	mix(byte(k.PortB >> 8))
	for _, b := range k.A {
		mix(b)
	}
	for _, b := range k.B {
		mix(b)
	}
	return h
}

// setFlow derives the flow key from the decoded headers.
func (p *Packet) setFlow() {
	var k FlowKey
	var src, dst [16]byte
	var sport, dport uint16
	switch {
	case p.Tunneled && p.Inner.Version == 4:
		k.Kind, k.Proto = FlowIPv4, p.Inner.V4.Protocol
		copy(src[:], p.Inner.V4.Src[:])
		copy(dst[:], p.Inner.V4.Dst[:])
	case p.Tunneled:
		k.Kind, k.Proto = FlowIPv6, p.Inner.V6.Transport
		src, dst = p.Inner.V6.Src, p.Inner.V6.Dst
	case p.Has(LayerIPv4):
		k.Kind, k.Proto = FlowIPv4, p.IPv4.Protocol
		copy(src[:], p.IPv4.Src[:])
		copy(dst[:], p.IPv4.Dst[:])
	case p.Has(LayerIPv6):
		k.Kind, k.Proto = FlowIPv6, p.IPv6.Transport
		src, dst = p.IPv6.Src, p.IPv6.Dst
	case p.Has(LayerUSB) || p.Has(LayerUSBPcap):
		u := &p.USB
		k.Kind, k.Proto = FlowUSB, u.Transfer
		k.A[0], k.A[1] = byte(u.Bus>>8), byte(u.Bus)
		k.A[2], k.A[3] = byte(u.Device>>8), byte(u.Device)
		k.PortA = uint16(u.Endpoint & 0x7f)
		p.Flow, p.FromA = k, u.Endpoint&0x80 == 0
		return
	default:
		return
	}
	if !p.Quoted {
		switch {
		case p.Has(LayerTCP):
			sport, dport = p.TCP.SrcPort, p.TCP.DstPort
		case p.Has(LayerUDP):
			sport, dport = p.UDP.SrcPort, p.UDP.DstPort
		}
	}
	c := bytes.Compare(src[:], dst[:])
	if c < 0 || (c == 0 && sport <= dport) {
		k.A, k.B, k.PortA, k.PortB = src, dst, sport, dport
		p.FromA = true
	} else {
		k.A, k.B, k.PortA, k.PortB = dst, src, dport, sport
	}
	p.Flow = k
}
