package decode

import (
	"testing"

	"l7sniff/decode/decodetest"
)

// BenchmarkDHCP measures decoding a DHCP Discover frame with its Info
// and fields: 0 allocs/op.
func BenchmarkDHCP(b *testing.B) {
	data := decodetest.UDPFrame(68, 67, dhcpMessage(dhcpDiscoverOpts()))
	var fields []*Field
	for _, name := range []string{"dhcp.option.dhcp", "dhcp.hw.mac_addr", "dhcp.option.hostname", "dhcp.option.requested_ip_address"} {
		f, ok := LookupField(name)
		if !ok {
			b.Fatalf("no field %s", name)
		}
		fields = append(fields, f)
	}
	var p Packet
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		Decode(LinkEthernet, data, len(data), &p)
		buf, _ = p.AppendInfo(buf[:0])
		for _, f := range fields {
			buf, _ = f.AppendNth(buf[:0], &p, 1)
		}
	}
	if p.App.Layer != LayerDHCP {
		b.Fatalf("decoded as %v", p.App.Layer)
	}
}

// TestMiscNoAllocs: decoding a message of each small protocol, with its
// Info and fields, allocates nothing.
func TestMiscNoAllocs(t *testing.T) {
	frames := [][]byte{
		decodetest.UDPFrame(68, 67, dhcpMessage(dhcpDiscoverOpts())),
		decodetest.TCPFrame(40000, 22, []byte("SSH-2.0-OpenSSH_9.2\r\n")),
		decodetest.UDPFrame(40000, 123, append([]byte{0x23}, make([]byte, 47)...)),
		decodetest.UDPFrame(40000, 40001, []byte("INVITE sip:a@b SIP/2.0\r\n\r\n")),
		decodetest.TCPFrame(40000, 25, []byte("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n")),
		decodetest.TCPFrame(143, 40000, []byte("* OK\r\n")),
	}
	var p Packet
	buf := make([]byte, 0, 512)
	all := AllFields()
	for _, f := range frames {
		if n := testing.AllocsPerRun(20, func() {
			Decode(LinkEthernet, f, len(f), &p)
			buf, _ = p.AppendInfo(buf[:0])
			for _, fl := range all {
				buf, _ = fl.AppendNth(buf[:0], &p, 0)
			}
		}); n != 0 {
			t.Errorf("%v frame: %.0f allocations", p.App.Layer, n)
		}
	}
}
