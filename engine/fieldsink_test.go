package engine_test

import (
	"bytes"
	"io"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
	"l7sniff/patterns"
)

// The collector's work for -T fields, measured through output's field
// writer (which imports the engine, so these live in package engine_test).

// fieldFormat is the -T fields format printing names.
func fieldFormat(tb testing.TB, names []string) output.FieldFormat {
	tb.Helper()
	fields, err := output.LookupFields(names)
	if err != nil {
		tb.Fatal(err)
	}
	return output.FieldFormat{Fields: fields}
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
	frames := engine.BenchFrames(b, 1024)
	pkts := make([]decode.Packet, len(frames))
	for i, f := range frames {
		decode.DecodeHeaders(decode.LinkEthernet, f, len(f), &pkts[i])
		pkts[i].Number = i + 1
	}
	for _, occ := range []string{"a", "f"} {
		b.Run("occurrence="+occ, func(b *testing.B) {
			ff := fieldFormat(b, benchFieldNames)
			if err := ff.ParseFieldOption("occurrence=" + occ); err != nil {
				b.Fatal(err)
			}
			if ff.Omit()&engine.OmitApp == 0 {
				b.Fatal("the lower-layer fields ask for the application layer")
			}
			fw, err := output.NewFieldWriter(io.Discard, ff)
			if err != nil {
				b.Fatal(err)
			}
			info := engine.PacketInfo{TCPStream: -1, UDPStream: -1}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := fw.Write(&pkts[i%len(pkts)], &info); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// deliverFields runs the shard and collector steps over n frames of
// the benchmark workload into a -T fields writer of names, with omit,
// and returns what it printed.
func deliverFields(t *testing.T, set *patterns.Set, n, flows int, names []string, omit engine.Omit) []byte {
	t.Helper()
	var out bytes.Buffer
	fw, err := output.NewFieldWriter(&out, fieldFormat(t, names))
	if err != nil {
		t.Fatal(err)
	}
	engine.Collect(t, set, n, flows, fw.Write, omit)
	return out.Bytes()
}

// TestOmitKeepsFieldOutput: what FieldFormat.Omit leaves out changes no
// byte of the lower-layer fields' output.
func TestOmitKeepsFieldOutput(t *testing.T) {
	set, err := patterns.Default()
	if err != nil {
		t.Fatal(err)
	}
	full := deliverFields(t, set, 5000, 200, benchFieldNames, 0)
	omitted := deliverFields(t, set, 5000, 200, benchFieldNames, engine.OmitApp|engine.OmitStreams)
	if len(full) == 0 || !bytes.Equal(full, omitted) {
		t.Errorf("output with application decoding and stream numbers (%d bytes) differs from without (%d bytes)", len(full), len(omitted))
	}
}

// TestDeliverToFieldsAllocs: the collector hands each packet to the
// -T fields writer without allocating, whatever the fields need (the
// PacketInfo it passes used to escape to the heap, one per packet).
func TestDeliverToFieldsAllocs(t *testing.T) {
	set, err := patterns.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, names := range [][]string{benchFieldNames, {"ip.src", "tcp.stream", "udp.stream", "dns.qry.name"}} {
		ff := fieldFormat(t, names)
		fw, err := output.NewFieldWriter(io.Discard, ff)
		if err != nil {
			t.Fatal(err)
		}
		// The first pass sizes buffers and meets every flow.
		pass, pkts := engine.Collect(t, set, 2000, 100, fw.Write, ff.Omit())
		if allocs := testing.AllocsPerRun(3, pass); allocs > 0 {
			t.Errorf("%v (omit %b): %.0f allocations for %d packets, want 0", names, ff.Omit(), allocs, pkts)
		}
	}
}
