package decode

import (
	"testing"

	"l7sniff/decode/decodetest"
)

// dhcpDiscoverFrame is an Ethernet/IPv4/UDP 68→67 DHCP Discover.
func dhcpDiscoverFrame() []byte {
	msg := dhcpMessage(dhcpDiscoverOpts())
	var f []byte
	for _, part := range [][]byte{decodetest.Ethernet(0x0800), decodetest.IPv4(17, 8+len(msg)), decodetest.UDP(68, 67, len(msg)), msg} {
		f = append(f, part...)
	}
	return f
}

// BenchmarkDHCP measures decoding a DHCP Discover frame and dissecting
// it, fields included: 0 allocs/op.
func BenchmarkDHCP(b *testing.B) {
	data := dhcpDiscoverFrame()
	var p Packet
	var m MiscApp
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		Decode(LinkEthernet, data, len(data), &p)
		m.Dissect(&p, nil)
		for i := range MiscFields {
			buf, _ = MiscFields[i].Occurrence(&m, p.Data, buf[:0], 0)
		}
	}
	if m.Kind != MiscDHCP || !m.Found {
		b.Fatalf("not dissected as DHCP: %+v", m.Kind)
	}
}

// TestMiscNoAllocs: dissecting allocates nothing.
func TestMiscNoAllocs(t *testing.T) {
	data := dhcpDiscoverFrame()
	var p Packet
	var m MiscApp
	var st TextState
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(50, func() {
		Decode(LinkEthernet, data, len(data), &p)
		m.Dissect(&p, &st)
		for i := range MiscFields {
			buf, _ = MiscFields[i].Occurrence(&m, p.Data, buf[:0], 1)
		}
	}); n != 0 {
		t.Fatalf("%.0f allocations per DHCP frame", n)
	}
}
