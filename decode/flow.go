package decode

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

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
// (address, port) pairs. A tunnelled packet's key is its innermost
// conversation plus the tunnel's identity (VNI, GRE key, TEID), so the same
// inner addresses in two tunnels are two flows; VLAN, the 802.1Q tag the
// frame was captured with, separates flows of overlapping VLANs. For USB, A holds bus and device, and PortA the
// endpoint number without its direction bit, so a device's IN and OUT
// halves of one endpoint number form one flow.
type FlowKey struct {
	Kind FlowKind
	// Proto is the IP protocol of an IP flow's transport, or a USB
	// flow's transfer type: read it through IPProto or USBTransfer,
	// which say which of the two it is.
	Proto        uint8
	PortA, PortB uint16
	A, B         [16]byte // IPv4 uses the first 4 bytes
	VLAN         uint16
	Tunnel       TunnelID
}

// Valid reports whether the key names a flow.
func (k FlowKey) Valid() bool { return k.Kind != FlowNone }

// IPProto returns the IP protocol of an IPv4 or IPv6 flow's transport
// (IPProtoTCP, IPProtoUDP, ...); ok is false when the flow is not over IP.
func (k *FlowKey) IPProto() (proto uint8, ok bool) {
	return k.Proto, k.Kind == FlowIPv4 || k.Kind == FlowIPv6
}

// IsIP reports whether the key is an IPv4 or IPv6 flow of IP protocol
// proto: a USB transfer type never passes for one.
func (k *FlowKey) IsIP(proto uint8) bool {
	p, ok := k.IPProto()
	return ok && p == proto
}

// USBTransfer returns a USB flow's transfer type, as usbmon numbers it
// (0 isochronous, 1 interrupt, 2 control, 3 bulk); ok is false when the
// flow is not USB.
func (k *FlowKey) USBTransfer() (transfer uint8, ok bool) {
	return k.Proto, k.Kind == FlowUSB
}

// Hash is a symmetric hash of the key (the key is already canonical),
// cheap enough for every packet: the capture stage picks a shard with its
// low bits and the shard's flow index places the key with its top bits,
// so it is computed once per packet. The key's six words are multiplied
// in three independent 64×64→128-bit products (wyhash's folding), which
// the CPU overlaps, and the sum is finished with splitmix64's mixer; the
// byte-at-a-time FNV-1a it replaces was a chain of 45 multiplies, 5% of a
// --flows run on the capture goroutine.
func (k *FlowKey) Hash() uint64 {
	ports := uint64(k.Kind) | uint64(k.Proto)<<8 | uint64(k.PortA)<<16 | uint64(k.PortB)<<32 | uint64(k.VLAN)<<48
	tunnel := uint64(k.Tunnel.Kind) | uint64(k.Tunnel.ID)<<8
	le := binary.LittleEndian
	h := fold(le.Uint64(k.A[0:8])^0xa0761d6478bd642f, le.Uint64(k.A[8:16])^0xe7037ed1a0b428db) ^
		fold(le.Uint64(k.B[0:8])^0x8ebc6af09c88c6e3, le.Uint64(k.B[8:16])^0x589965cc75374cc3) ^
		fold(ports^0x1d8e4e27c47d124f, tunnel^0x9e3779b97f4a7c15)
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}

// fold multiplies a by b and folds the 128-bit product's halves together.
func fold(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// setFlow derives the flow key from the decoded headers.
func (p *Packet) setFlow() {
	var k FlowKey
	var src, dst [16]byte
	var sport, dport uint16
	lvl := p.flowLevel()
	h := p.Level(lvl)
	switch {
	case h.Has(LayerIPv4):
		k.Kind, k.Proto = FlowIPv4, h.IPv4.Protocol
		if h.Has(LayerAH) {
			k.Proto = h.AH.Next // AH authenticates the transport it names
		}
		copy(src[:], h.IPv4.Src[:])
		copy(dst[:], h.IPv4.Dst[:])
	case h.Has(LayerIPv6):
		k.Kind, k.Proto = FlowIPv6, h.IPv6.Transport
		src, dst = h.IPv6.Src, h.IPv6.Dst
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
	if !p.Quoted || lvl < p.NumEncap {
		switch {
		case h.Has(LayerTCP):
			sport, dport = h.TCP.SrcPort, h.TCP.DstPort
		case h.Has(LayerUDP):
			sport, dport = h.UDP.SrcPort, h.UDP.DstPort
		}
	}
	k.VLAN, k.Tunnel = p.outerVLAN(), p.tunnelID(lvl)
	c := bytes.Compare(src[:], dst[:])
	if c < 0 || (c == 0 && sport <= dport) {
		k.A, k.B, k.PortA, k.PortB = src, dst, sport, dport
		p.FromA = true
	} else {
		k.A, k.B, k.PortA, k.PortB = dst, src, dport, sport
	}
	p.Flow = k
}

// flowLevel returns the innermost level whose IP header holds both
// addresses (0 when none does): a tunnel whose inner header was cut short,
// or that carries no IP (ARP inside VXLAN), keys on the conversation
// around it.
func (p *Packet) flowLevel() int {
	for i := p.NumEncap; i > 0; i-- {
		h := p.Level(i)
		if h.Has(LayerIPv4) && h.IPv4.Decoded >= ipv4MinLen || h.Has(LayerIPv6) && h.IPv6.Decoded >= ipv6HeaderLen {
			return i
		}
	}
	return 0
}
