package engine

import (
	"testing"

	"l7sniff/decode"
	"l7sniff/engine/internal/benchgen"
	"l7sniff/patterns"
)

// Hooks for the tests of package engine_test, which may import the
// packages built on the engine (engine/output) that package engine's own
// tests cannot import without a cycle.

// RunEngine runs an engine over cfg to the end (see runEngine).
var RunEngine = runEngine

// DemoPcap is the project's own recorded capture.
const DemoPcap = demoPcap

// RecordCount is how many records the capture file at path holds.
func RecordCount(t testing.TB, path string) int {
	_, recs := readCapture(t, path)
	return len(recs)
}

// BenchFrames returns the first n frames of the benchmark workload.
func BenchFrames(b *testing.B, n int) [][]byte {
	frames, _ := benchWorkload(b)
	out := make([][]byte, n)
	for i := range out {
		out[i] = frames[i].data
	}
	return out
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

// Collect runs a one-shard engine's shard and collector steps over n
// frames of the benchmark workload from flows flows, into sink with omit:
// each batch through the shard, then its packets to the collector. It
// returns how many packets went to sink and a function that delivers
// them all again (every flow known by then, every buffer sized).
func Collect(tb testing.TB, set *patterns.Set, n, flows int, sink func(*decode.Packet, *PacketInfo) error, omit Omit) (again func(), packets int) {
	tb.Helper()
	e := benchEngine(set, 1)
	e.cfg.Packet, e.cfg.Omit = sink, omit
	s := newShard(e, 0)
	batches := benchBatches(benchgenFrames(n, flows))
	var p decode.Packet
	deliver := func(bt *batch) {
		for j := range bt.items {
			if err := e.deliver(bt, &bt.items[j], &p); err != nil {
				tb.Fatal(err)
			}
		}
	}
	for _, bt := range batches {
		s.process(bt)
		deliver(bt)
		packets += len(bt.items)
	}
	return func() {
		for _, bt := range batches {
			deliver(bt)
		}
	}, packets
}
