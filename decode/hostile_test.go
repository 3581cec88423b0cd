package decode

import (
	"bytes"
	"testing"

	"l7sniff/decode/decodetest"
)

// TestHostileHeaders decodes frames built to abuse header lengths and
// chains: each decodes as far as it is valid and names where and why it
// stopped, in the words the UI and the line mode show.
func TestHostileHeaders(t *testing.T) {
	eth4 := decodetest.Ethernet(0x0800)
	eth6 := decodetest.Ethernet(0x86dd)
	ihl3 := decodetest.IPv4(6, 0)
	ihl3[0] = 0x43
	overrun := decodetest.IPv4(17, 0)
	overrun[2], overrun[3] = 0xff, 0xff
	ihl15 := decodetest.IPv4(6, 0)
	ihl15[0], ihl15[3] = 0x4f, 60
	// 300 destination-options headers, each pointing at the next.
	chain := decodetest.IPv6(60, 300*8+20)
	for i := 0; i < 300; i++ {
		next := byte(60)
		if i == 299 {
			next = 6
		}
		chain = append(chain, next, 0, 1, 4, 0, 0, 0, 0)
	}
	chain = append(chain, decodetest.TCP(1, 2, 2)...)
	tcpShort := append(decodetest.IPv4(6, 20), decodetest.TCP(1, 2, 2)[:12]...)
	badOff := decodetest.TCP(1, 2, 2)
	badOff[12] = 0xf0 // data offset 60 bytes in a 20-byte segment
	cases := []struct {
		name string
		link LinkType
		data []byte
		want string
		has  Layer
		not  Layer
		wire int // bytes on the wire, when the capture kept fewer
	}{
		{"empty frame", LinkEthernet, nil, "Ethernet header truncated: 0 of 14 bytes", LayerNone, LayerEthernet, 0},
		{"IPv4 IHL 3", LinkEthernet, cat(eth4, ihl3), "IPv4 IHL 3 < 5", LayerIPv4, LayerTCP, 0},
		{"IPv4 total length past the frame", LinkEthernet, cat(eth4, overrun, decodetest.UDP(1, 2, 0)), "IPv4 length 65535 exceeds the 28 bytes on the wire", LayerUDP, LayerNone, 0},
		{"IPv4 IHL 15 with only 20 bytes", LinkEthernet, cat(eth4, ihl15), "IPv4 header truncated: 20 of 60 bytes", LayerIPv4, LayerTCP, 0},
		{"300 IPv6 extension headers", LinkEthernet, cat(eth6, chain), "IPv6 extension chain longer than 256 headers", LayerIPv6Ext, LayerTCP, 0},
		{"TCP header cut at 12 bytes", LinkRaw, tcpShort, "TCP header truncated: 12 of 20 bytes", LayerTCP, LayerNone, 40},
		{"TCP data offset past the segment", LinkRaw, cat(decodetest.IPv4(6, 20), badOff), "TCP total length 20 < header length 60", LayerTCP, LayerNone, 0},
		{"usbmon record claiming 2 GiB", LinkUSBLinuxMmap, hugeUSB(), "", LayerUSB, LayerNone, 0},
	}
	var p Packet
	for _, c := range cases {
		Decode(c.link, c.data, max(c.wire, len(c.data)), &p)
		if got := p.Problem.String(); c.want != "" && got != c.want {
			t.Errorf("%s: problem %q, want %q", c.name, got, c.want)
		}
		if c.has != LayerNone && !p.Has(c.has) {
			t.Errorf("%s: %s not decoded", c.name, c.has)
		}
		if c.not != LayerNone && p.Has(c.not) {
			t.Errorf("%s: %s decoded past the problem", c.name, c.not)
		}
		if p.Payload.End() > len(c.data) {
			t.Errorf("%s: payload %+v past the %d captured bytes", c.name, p.Payload, len(c.data))
		}
		if c.want != "" && !bytes.Contains(p.AppendSummary(nil), []byte(c.want)) {
			t.Errorf("%s: summary %q does not say %q", c.name, p.AppendSummary(nil), c.want)
		}
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// hugeUSB is a usbmon record whose lengths claim 2 GiB of data.
func hugeUSB() []byte {
	b := decodetest.USBMon(64, []byte("USBC"))
	b[32], b[33], b[34], b[35] = 0, 0, 0, 0x80
	b[36], b[37], b[38], b[39] = 0, 0, 0, 0x80
	return b
}
