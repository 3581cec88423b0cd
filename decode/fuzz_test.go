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
		for i, ok := 0, true; ok; i++ {
			b, ok = f.AppendNth(append(b, ','), p, i)
		}
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

func FuzzDecodeEthernet(f *testing.F) {
	seed(f, LinkEthernet, append(ipKinds, decodetest.KindARP, decodetest.KindEth)...)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkEthernet, data, len(data)) })
}

func FuzzDecodeRaw(f *testing.F) {
	seed(f, LinkRaw, ipKinds...)
	f.Fuzz(func(t *testing.T, data []byte) { checkFrame(t, LinkRaw, data, len(data)) })
}

func FuzzDecodeSLL(f *testing.F) {
	seed(f, LinkLinuxSLL, append(ipKinds, decodetest.KindARP)...)
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
