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
	mix(byte(k.VLAN))
	mix(byte(k.VLAN >> 8))
	mix(byte(k.Tunnel.Kind))
	for i := 0; i < 32; i += 8 {
		mix(byte(k.Tunnel.ID >> i))
	}
	return h
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
