package decode

import (
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"l7sniff/decode/decodetest"
)

// benchFrames are the shapes the decode benchmarks measure.
var benchFrames = []struct {
	name string
	link LinkType
	data []byte
}{
	{"eth-ipv4-tcp-64", LinkEthernet, decodetest.EthIPv4TCP(64)},
	{"eth-ipv4-tcp-1500", LinkEthernet, decodetest.EthIPv4TCP(1500)},
	{"eth-ipv6-udp-512", LinkEthernet, decodetest.EthIPv6UDP(512)},
	{"vxlan-eth-ipv4-tcp-590", LinkEthernet, decodetest.InVXLAN(100, decodetest.EthIPv4TCP(540))},
	{"gre-ipv4-tcp-576", LinkEthernet, decodetest.InGRE(40, decodetest.EthIPv4TCP(540))},
	{"usbmon-bulk-31", LinkUSBLinuxMmap, decodetest.USBMon(64, []byte("USBC\x01\x00\x00\x00\x00\x02\x00\x00\x80\x00\x0a\x28\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"))},
}

// BenchmarkDecode measures Decode side by side with gopacket.NewPacket
// (gopacket.Default: eager, copying), the usual way to decode with
// gopacket. Compare the ns/op of l7sniff/X with gopacket/X.
func BenchmarkDecode(b *testing.B) {
	for _, f := range benchFrames {
		b.Run("l7sniff/"+f.name, func(b *testing.B) {
			var p Packet
			b.SetBytes(int64(len(f.data)))
			b.ReportAllocs()
			for b.Loop() {
				Decode(f.link, f.data, len(f.data), &p)
			}
		})
		b.Run("gopacket/"+f.name, func(b *testing.B) {
			lt := layers.LinkType(f.link)
			b.SetBytes(int64(len(f.data)))
			b.ReportAllocs()
			for b.Loop() {
				gopacket.NewPacket(f.data, lt, gopacket.Default)
			}
		})
	}
}

// BenchmarkSummary measures the one-line summary the line mode prints.
func BenchmarkSummary(b *testing.B) {
	var p Packet
	f := benchFrames[0]
	Decode(f.link, f.data, len(f.data), &p)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = p.AppendSummary(buf[:0])
	}
}
