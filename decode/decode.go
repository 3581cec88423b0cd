package decode

import (
	"encoding/binary"
	"time"
)

var be = binary.BigEndian

// Decode decodes one frame of link type lt into p, overwriting it, down to
// its application message. data is the captured bytes (p.Data aliases it)
// and wireLen the frame's original length (pass len(data) when unknown).
// Decode never fails: it decodes what is valid and records the first
// malformation in p.Problem. It allocates nothing, so a caller can reuse
// one Packet for every frame.
func Decode(lt LinkType, data []byte, wireLen int, p *Packet) {
	DecodeHeaders(lt, data, wireLen, p)
	p.decodeApp(nil)
}

// DecodeStream is Decode for a TCP segment whose application bytes the
// engine's reassembly describes (see Stream).
func DecodeStream(lt LinkType, data []byte, wireLen int, p *Packet, s *Stream) {
	DecodeHeaders(lt, data, wireLen, p)
	p.decodeApp(s)
}

// DecodeHeaders is Decode without the application layer: what the
// engine's capture stage needs to route a packet to its flow.
func DecodeHeaders(lt LinkType, data []byte, wireLen int, p *Packet) {
	p.reset(lt, data, wireLen)
	if wireLen < len(data) {
		p.WireLen = len(data)
	}
	switch lt {
	case LinkEthernet:
		p.decodeEthernet(0)
	case LinkNull, LinkLoop:
		p.decodeNull(0)
	case LinkRaw, LinkRawDLT12, LinkRawDLT14:
		p.decodeIPByVersion(0)
	case LinkIPv4:
		p.decodeIPv4(0)
	case LinkIPv6:
		p.decodeIPv6(0)
	case LinkPPP, LinkPPPSerial:
		p.decodePPPLink(0)
	case LinkCHDLC:
		p.decodeCHDLC(0)
	case LinkLinuxSLL:
		p.decodeSLL(0)
	case LinkLinuxSLL2:
		p.decodeSLL2(0)
	case LinkUSBLinux:
		p.decodeUSBMon(usbmonHeaderLen)
	case LinkUSBLinuxMmap:
		p.decodeUSBMon(usbmonMmapHeaderLen)
	case LinkUSBPcap:
		p.decodeUSBPcap()
	default:
		p.fail(LayerNone, UnknownLink, int(lt), 0)
	}
	p.setFlow()
}

// reset prepares p for a new frame. It clears only what says which
// headers are present (and the few fields decoders accumulate into); every
// header struct is overwritten in full by its decoder before its layer bit
// is set, and nothing reads a header whose bit is clear. Zeroing the whole
// 1.2 KiB Packet instead took a third of a small frame's decode time.
func (p *Packet) reset(lt LinkType, data []byte, wireLen int) {
	p.Number, p.Time = 0, time.Time{}
	p.LinkType, p.Data, p.WireLen, p.FileLen = lt, data, wireLen, wireLen
	p.Layers, p.Problem, p.NumEncap = 0, Problem{}, 0
	p.NumVLAN, p.NumExt = 0, 0
	p.MPLS = MPLS{}
	p.Quoted, p.Inner.Version = false, 0
	p.Payload, p.Flow, p.FromA = Range{}, FlowKey{}, false
	p.App.Layer, p.App.Data, p.App.Pending = LayerNone, nil, false
	p.quotedPayload = Range{}
}

// need records a truncation problem when fewer than n bytes follow off.
func (p *Packet) need(l Layer, off, n int) bool {
	if len(p.Data)-off < n {
		p.fail(l, Truncated, max(len(p.Data)-off, 0), n)
		return false
	}
	return true
}

// Ethertypes the decoder follows.
const (
	etherIPv4   = 0x0800
	etherARP    = 0x0806
	etherRARP   = 0x8035
	etherVLAN   = 0x8100
	etherQinQ   = 0x88a8
	etherQinQ2  = 0x9100
	etherIPv6   = 0x86dd
	etherMPLS   = 0x8847
	etherMPLSMC = 0x8848
	etherPPPoED = 0x8863
	etherPPPoES = 0x8864
	etherTEB    = 0x6558 // transparent Ethernet bridging: an Ethernet frame follows
)

// decodeEthertype continues with the protocol an Ethertype names. Values
// below 0x0600 are 802.3 lengths, so an LLC header follows.
func (p *Packet) decodeEthertype(off int, typ uint16) {
	switch typ {
	case etherIPv4:
		p.decodeIPv4(off)
	case etherIPv6:
		p.decodeIPv6(off)
	case etherARP, etherRARP:
		p.decodeARP(off)
	case etherVLAN, etherQinQ, etherQinQ2:
		p.decodeVLAN(off, typ)
	case etherMPLS, etherMPLSMC:
		p.decodeMPLS(off)
	case etherPPPoED, etherPPPoES:
		p.decodePPPoE(off, typ)
	default:
		if typ < 0x0600 && off < len(p.Data) {
			p.Layers.add(LayerLLC)
			p.Payload = Range{off, len(p.Data) - off}
		}
	}
}

// decodeIPByVersion picks IPv4 or IPv6 from the first nibble, as raw-IP
// link types and MPLS require.
func (p *Packet) decodeIPByVersion(off int) {
	if !p.need(LayerIPv4, off, 1) {
		return
	}
	switch p.Data[off] >> 4 {
	case 6:
		p.decodeIPv6(off)
	default:
		p.decodeIPv4(off)
	}
}
