package engine

import (
	"io"
	"testing"

	"l7sniff/decode"
)

// TestFieldFormatOmit checks the decision -T fields makes once at start:
// decode the application layer (and reassemble TCP for it) only when a
// field asked for is an application dissector's, number conversations
// only when tcp.stream or udp.stream is asked for.
func TestFieldFormatOmit(t *testing.T) {
	for _, c := range []struct {
		json   bool
		fields []string
		want   Omit
	}{
		{false, []string{"frame.number", "ip.src", "tcp.flags", "udp.dstport"}, OmitApp | OmitStreams},
		{false, []string{"l7sniff.app", "l7sniff.flow", "frame.time_relative"}, OmitApp | OmitStreams},
		{false, []string{"ip.src", "tcp.stream"}, OmitApp},
		{false, []string{"udp.stream", "dns.qry.name"}, 0},
		{false, []string{"tls.handshake.extensions_server_name"}, OmitStreams},
		{true, []string{"ip.src"}, OmitApp | OmitStreams},
		{true, nil, 0}, // -T json with no -e prints every field
	} {
		ff := FieldFormat{JSON: c.json}
		for _, name := range c.fields {
			f, err := LookupField(name)
			if err != nil {
				t.Fatal(err)
			}
			ff.Fields = append(ff.Fields, f)
		}
		if got := ff.Omit(); got != c.want {
			t.Errorf("json=%v %v: Omit() = %b, want %b", c.json, c.fields, got, c.want)
		}
	}
}

// benchFieldNames are the lower-layer fields `make bench` compares with
// tshark -T fields (engine/internal/benchgen/cmd/benchrun).
var benchFieldNames = []string{"frame.number", "frame.len", "eth.src", "eth.dst", "ip.src", "ip.dst", "ip.proto",
	"ip.ttl", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len",
	"udp.srcport", "udp.dstport"}

// BenchmarkFieldWriter measures -T fields' per-packet writing of those
// fields on the benchmark frames, decoded as the collector decodes them
// for it (headers only), with every occurrence (-E occurrence=a, the
// default) and with the first only (f). One op is one packet.
func BenchmarkFieldWriter(b *testing.B) {
	frames, _ := benchWorkload(b)
	pkts := make([]decode.Packet, 1024)
	for i := range pkts {
		f := frames[i]
		decode.DecodeHeaders(decode.LinkEthernet, f.data, len(f.data), &pkts[i])
		pkts[i].Number = i + 1
	}
	for _, occ := range []string{"a", "f"} {
		b.Run("occurrence="+occ, func(b *testing.B) {
			ff := FieldFormat{}
			if err := ff.ParseFieldOption("occurrence=" + occ); err != nil {
				b.Fatal(err)
			}
			for _, name := range benchFieldNames {
				f, err := LookupField(name)
				if err != nil {
					b.Fatal(err)
				}
				ff.Fields = append(ff.Fields, f)
			}
			if ff.Omit()&OmitApp == 0 {
				b.Fatal("the lower-layer fields ask for the application layer")
			}
			fw, err := NewFieldWriter(io.Discard, ff)
			if err != nil {
				b.Fatal(err)
			}
			info := PacketInfo{TCPStream: -1, UDPStream: -1}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := fw.Write(&pkts[i%len(pkts)], &info); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
