package decode

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"l7sniff/decode/decodetest"
)

// checkFrame decodes data as link type lt and checks what must hold for
// any input: no panic, and nothing the packet reports points outside the
// captured bytes.
func checkFrame(t *testing.T, lt LinkType, data []byte, wireLen int) {
	var p Packet
	Decode(lt, data, wireLen, &p)
	if p.Payload.Off < 0 || p.Payload.Len < 0 || p.Payload.End() > len(data) {
		t.Fatalf("payload %+v outside %d captured bytes", p.Payload, len(data))
	}
	for _, n := range p.Tree() {
		if n.Bytes.Off < 0 || n.Bytes.End() > len(data) {
			t.Fatalf("tree node %q %+v outside %d captured bytes", n.Label, n.Bytes, len(data))
		}
	}
	buf := p.AppendSummary(nil)
	for _, f := range AllFields() {
		for i, ok := 0, true; ok; i++ {
			buf, ok = f.AppendNth(buf[:0], &p, i)
			if i > 1000 {
				t.Fatalf("field %s: more than 1000 occurrences", f.Name)
			}
		}
	}
	for off := 0; off < len(data); off += 16 {
		buf = AppendHexRow(buf[:0], data, off, Range{0, 1}, nil)
	}
	// A Packet is reused frame after frame: decoding into one that held
	// another frame must give exactly what a fresh one gives.
	Decode(lt, data, wireLen, dirty)
	if got, want := describe(dirty), describe(&p); got != want {
		t.Fatalf("decoding into a reused Packet differs from a fresh one:\nreused: %s\nfresh:  %s", got, want)
	}
	Decode(lastLink, lastFrame, len(lastFrame), dirty) // leave it dirty for the next frame
	lastLink, lastFrame = lt, append(lastFrame[:0], data...)
}

// dirty is a Packet that always holds some earlier frame.
var (
	dirty     = new(Packet)
	lastLink  LinkType
	lastFrame []byte
)

// describe renders everything a packet shows: summary, every field, tree.
func describe(p *Packet) string {
	var b []byte
	b = p.AppendSummary(b)
	for _, f := range AllFields() {
		b = append(b, '|')
		b = appendAll(b, f, p)
	}
	for _, n := range p.Tree() {
		b = append(b, fmt.Sprintf("|%d %s=%s %v", n.Depth, n.Label, n.Value, n.Bytes)...)
	}
	return fmt.Sprintf("%s flow=%v fromA=%v payload=%v", b, p.Flow, p.FromA, p.Payload)
}

// seed adds generated frames of the kinds that fit a link type.
func seed(f *testing.F, link LinkType, kinds ...decodetest.Kind) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range kinds {
		for i := 0; i < 20; i++ {
			fr := decodetest.Random(r, k)
			data := fr.Data
			// Re-frame an Ethernet frame for the link type under test.
			switch {
			case link == LinkEthernet:
			case len(data) < EthernetLen:
				continue
			case link == LinkRaw:
				data = data[EthernetLen:]
			case link == LinkLinuxSLL:
				data = append(make([]byte, 14), data[12:]...)
			case link == LinkLinuxSLL2:
				data = append(append(append([]byte{}, data[12:14]...), make([]byte, 18)...), data[EthernetLen:]...)
			case link == LinkNull:
				data = append([]byte{2, 0, 0, 0}, data[EthernetLen:]...)
			}
			f.Add(data)
		}
	}
}

var ipKinds = []decodetest.Kind{decodetest.KindIP, decodetest.KindTCP, decodetest.KindUDP, decodetest.KindICMP}

// tunnelFrames are well-formed frames of every tunnel and serial link
// the decoder opens, with the link type to decode them as.
func tunnelFrames() []decodetest.Frame {
	tcp := decodetest.EthIPv4TCP(80)
	udp6 := decodetest.EthIPv6UDP(20)
	ip := tcp[EthernetLen:]
	eth := func(b []byte) decodetest.Frame {
		return decodetest.Frame{LinkType: uint16(LinkEthernet), Data: b, WireLen: len(b)}
	}
	link := func(lt LinkType, b []byte) decodetest.Frame {
		return decodetest.Frame{LinkType: uint16(lt), Data: b, WireLen: len(b)}
	}
	return []decodetest.Frame{
		eth(decodetest.InVXLAN(100, tcp)),
		eth(decodetest.InVXLAN(1, decodetest.InGRE(2, udp6))),
		eth(decodetest.InGeneve(7, tcp)),
		eth(decodetest.InGTPU(9, udp6)),
		eth(decodetest.InGRE(40, tcp)),
		eth(decodetest.InIP(false, udp6)),
		eth(decodetest.InIP(true, tcp)),
		eth(append([]byte("\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x0a\x88\x64\x11\x00\x00\x07\x00\x42\x00\x21"), ip...)),
		link(LinkPPP, append([]byte{0xff, 0x03, 0x00, 0x21}, ip...)),
		link(LinkPPPSerial, append([]byte{0x8f, 0x00, 0x86, 0xdd}, udp6[EthernetLen:]...)),
		link(LinkCHDLC, append([]byte{0x0f, 0x00, 0x08, 0x00}, ip...)),
		link(LinkCHDLC, []byte{0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0, 0}),
		link(LinkLinuxSLL, append([]byte{0, 0, 0x03, 0x0a, 0, 4, 192, 0, 2, 1, 0, 0, 0, 0, 0x65, 0x58}, tcp...)),
		link(LinkLinuxSLL, append([]byte{0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0, 3}, tcp...)),
	}
}

// TestTunnelTruncations decodes every prefix of every tunnel frame: each
// must pass checkFrame, and decoding must not allocate.
func TestTunnelTruncations(t *testing.T) {
	var p Packet
	for _, fr := range tunnelFrames() {
		for n := 0; n <= len(fr.Data); n++ {
			d := fr.Data[:n]
			checkFrame(t, LinkType(fr.LinkType), d, fr.WireLen)
			if allocs := testing.AllocsPerRun(5, func() {
				Decode(LinkType(fr.LinkType), d, fr.WireLen, &p)
				p.AppendSummary(summaryBuf[:0])
			}); allocs != 0 {
				t.Fatalf("frame %x: %.0f allocations", d, allocs)
			}
		}
	}
}

// seedTunnels adds the tunnel frames of link type lt.
func seedTunnels(f *testing.F, lt LinkType) {
	for _, fr := range tunnelFrames() {
		if LinkType(fr.LinkType) == lt {
			f.Add(fr.Data)
		}
	}
}

func FuzzDecodePPP(f *testing.F) {
	seedTunnels(f, LinkPPP)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkPPP, data, len(data)) })
}

func FuzzDecodeCHDLC(f *testing.F) {
	seedTunnels(f, LinkCHDLC)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkCHDLC, data, len(data)) })
}

func FuzzDecodeEthernet(f *testing.F) {
	seed(f, LinkEthernet, append(ipKinds, decodetest.KindARP, decodetest.KindEth)...)
	seedTunnels(f, LinkEthernet)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkEthernet, data, len(data)) })
}

func FuzzDecodeRaw(f *testing.F) {
	seed(f, LinkRaw, ipKinds...)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkRaw, data, len(data)) })
}

func FuzzDecodeSLL(f *testing.F) {
	seed(f, LinkLinuxSLL, append(ipKinds, decodetest.KindARP)...)
	seedTunnels(f, LinkLinuxSLL)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkLinuxSLL, data, len(data)) })
}

func FuzzDecodeSLL2(f *testing.F) {
	seed(f, LinkLinuxSLL2, append(ipKinds, decodetest.KindARP)...)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkLinuxSLL2, data, len(data)) })
}

func FuzzDecodeNull(f *testing.F) {
	seed(f, LinkNull, ipKinds...)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkNull, data, len(data)) })
}

// TestRandomFrames runs many generated frames of every kind through the
// checks, and checks that decoding them allocates nothing.
func TestRandomFrames(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var p Packet
	for _, k := range decodetest.Kinds {
		for i := 0; i < 3000; i++ {
			fr := decodetest.Random(r, k)
			checkFrame(t, LinkType(fr.LinkType), fr.Data, fr.WireLen)
			if i%100 == 0 {
				if n := testing.AllocsPerRun(10, func() {
					Decode(LinkType(fr.LinkType), fr.Data, fr.WireLen, &p)
					p.AppendSummary(summaryBuf[:0])
				}); n != 0 {
					t.Fatalf("%s frame %x: %.0f allocations", k, fr.Data, n)
				}
			}
		}
	}
}

var summaryBuf = make([]byte, 0, 512)
