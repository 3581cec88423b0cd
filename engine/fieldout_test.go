package engine

import (
	"bytes"
	"io"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine/internal/benchgen"
	"l7sniff/patterns"
)

// fieldFormat is the -T fields format printing names.
func fieldFormat(tb testing.TB, names []string) FieldFormat {
	tb.Helper()
	var ff FieldFormat
	for _, name := range names {
		f, err := LookupField(name)
		if err != nil {
			tb.Fatal(err)
		}
		ff.Fields = append(ff.Fields, f)
	}
	return ff
}

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
		ff := fieldFormat(t, c.fields)
		ff.JSON = c.json
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
			ff := fieldFormat(b, benchFieldNames)
			if err := ff.ParseFieldOption("occurrence=" + occ); err != nil {
				b.Fatal(err)
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

// benchgenFrames generates n frames of the benchmark workload.
func benchgenFrames(n, flows int) []benchFrame {
	g := benchgen.New(benchgen.Config{Packets: n, Flows: flows})
	frames := make([]benchFrame, n)
	for i := range frames {
		data, ts := g.Next()
		frames[i] = benchFrame{ts, append([]byte(nil), data...)}
	}
	return frames
}

// deliverFields runs the shard and collector steps over batches into a
// -T fields writer of names, with omit, and returns what it printed.
func deliverFields(t *testing.T, set *patterns.Set, batches []*batch, names []string, omit Omit) []byte {
	t.Helper()
	ff := fieldFormat(t, names)
	var out bytes.Buffer
	fw, err := NewFieldWriter(&out, ff)
	if err != nil {
		t.Fatal(err)
	}
	e := benchEngine(set, 1)
	e.cfg.Packet, e.cfg.Omit = fw.Write, omit
	s := newShard(e, 0)
	var p decode.Packet
	for _, bt := range batches {
		s.process(bt)
		for j := range bt.items {
			if err := e.deliver(bt, &bt.items[j], &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out.Bytes()
}

// TestOmitKeepsFieldOutput: what FieldFormat.Omit leaves out changes no
// byte of the lower-layer fields' output.
func TestOmitKeepsFieldOutput(t *testing.T) {
	set, err := patterns.Default()
	if err != nil {
		t.Fatal(err)
	}
	frames := benchgenFrames(5000, 200)
	full := deliverFields(t, set, benchBatches(frames), benchFieldNames, 0)
	omitted := deliverFields(t, set, benchBatches(frames), benchFieldNames, OmitApp|OmitStreams)
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
	batches := benchBatches(benchgenFrames(2000, 100))
	for _, names := range [][]string{benchFieldNames, {"ip.src", "tcp.stream", "udp.stream", "dns.qry.name"}} {
		ff := fieldFormat(t, names)
		fw, err := NewFieldWriter(io.Discard, ff)
		if err != nil {
			t.Fatal(err)
		}
		e := benchEngine(set, 1)
		e.cfg.Packet, e.cfg.Omit = fw.Write, ff.Omit()
		s := newShard(e, 0)
		var p decode.Packet
		pass := func() {
			for _, bt := range batches {
				for j := range bt.items {
					if err := e.deliver(bt, &bt.items[j], &p); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		for _, bt := range batches {
			s.process(bt)
		}
		pass() // the first pass sizes buffers and meets every flow
		pkts := 0
		for _, bt := range batches {
			pkts += len(bt.items)
		}
		if allocs := testing.AllocsPerRun(3, pass); allocs > 0 {
			t.Errorf("%v (omit %b): %.0f allocations for %d packets, want 0", names, ff.Omit(), allocs, pkts)
		}
	}
}
