package decode

import "testing"

// BenchmarkQUICInitialNewConnection is BenchmarkQUICInitial for the first
// Initial of a connection each time: the Initial keys are derived from
// its DCID (HKDF-Extract and three HKDF-Expand-Label per direction, AES
// key schedules) before the packet is decrypted; the per-connection
// state is allocated then, so allocs/op here are per connection, not per
// packet.
func BenchmarkQUICInitialNewConnection(b *testing.B) {
	pkt := quicInitial(b, 1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{9, 9}, 0, cryptoFrame(0, clientHello("bench.example.com", "h3")))
	data := appFrame(false, 443, pkt)
	var p Packet
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var c AppConn
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	}
	if p.App.QUIC.TLS.NumHandshakes != 1 {
		b.Fatal("ClientHello not decoded")
	}
}
