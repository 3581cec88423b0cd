package engine

// Benchmarks of the engine's per-packet work, on frames from the
// benchmark capture generator (engine/internal/benchgen): real protocol
// openings, the real-traffic size mix, thousands of interleaved flows.
// They prove the hot path rule of DESIGN.md: 0 allocs/op in steady state.
// `make bench` runs them; BENCH.md records the figures.

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/gopacket"

	"l7sniff/decode"
	"l7sniff/engine/capture"
	"l7sniff/engine/internal/benchgen"
	"l7sniff/patterns"
)

// benchFrame is one generated frame kept for the benchmarks.
type benchFrame struct {
	ts   int64
	data []byte
}

var (
	benchOnce   sync.Once
	benchSet    *patterns.Set
	benchFrames []benchFrame
)

// Sizes of the in-memory workload: 100k frames from flows of which 10k
// are open at a time (≈ 25k flows in all), enough that the flow table
// does not sit in the CPU cache.
const (
	benchPackets = 100_000
	benchFlows   = 10_000
)

// benchWorkload generates the frames and loads the default patterns once.
func benchWorkload(b *testing.B) ([]benchFrame, *patterns.Set) {
	b.Helper()
	benchOnce.Do(func() {
		benchSet, _ = patterns.Default()
		g := benchgen.New(benchgen.Config{Packets: benchPackets, Flows: benchFlows})
		benchFrames = make([]benchFrame, benchPackets)
		for i := range benchFrames {
			data, ts := g.Next()
			benchFrames[i] = benchFrame{ts, append([]byte(nil), data...)}
		}
	})
	if benchSet == nil || benchSet.Len() == 0 {
		b.Fatal("no default patterns")
	}
	return benchFrames, benchSet
}

// longTimeouts keep every flow alive however often a benchmark replays
// the frames, so the steady state is "existing flows", never creation.
var longTimeouts = Timeouts{TCP: time.Hour, TCPClosed: time.Hour, UDP: time.Hour, Other: time.Hour}

// benchEngine is an Engine without a source, for driving one stage.
func benchEngine(set *patterns.Set, shards int) *Engine {
	e := &Engine{
		cfg: Config{MaxFlows: 1 << 20, Timeouts: longTimeouts, MaxPackets: patterns.DefaultMaxPackets,
			Patterns: set},
		nshards: shards, stats: newStatsKeeper(), finished: make(chan struct{}),
	}
	e.patterns.Store(set)
	return e
}

// benchBatches decodes the frames into full batches, as the capture
// stage would for a single shard, with buffers sized to their contents.
func benchBatches(frames []benchFrame) []*batch {
	var out []*batch
	var p decode.Packet
	cur := &batch{items: make([]item, 0, batchItems)}
	for i, f := range frames {
		decode.Decode(decode.LinkEthernet, f.data, len(f.data), &p)
		cur.add(uint64(i+1), f.ts, decode.LinkEthernet, f.data, len(f.data), &p, p.Flow.Hash())
		if len(cur.items) == batchItems {
			out = append(out, cur)
			cur = &batch{items: make([]item, 0, batchItems)}
		}
	}
	return out
}

// BenchmarkShardProcess measures a shard's per-packet step — flow lookup,
// LRU update, counters, TCP state, classification — over flows that
// already exist (the frames were processed once before timing). One op
// is one packet.
func BenchmarkShardProcess(b *testing.B) { benchShardProcess(b, false) }

// BenchmarkShardProcessDissecting is BenchmarkShardProcess with a packet
// sink, as line mode, -T fields and the UI run it: TCP reassembly on.
func BenchmarkShardProcessDissecting(b *testing.B) { benchShardProcess(b, true) }

func benchShardProcess(b *testing.B, dissecting bool) {
	frames, set := benchWorkload(b)
	batches := benchBatches(frames)
	e := benchEngine(set, 1)
	if dissecting {
		e.cfg.Packet = func(*decode.Packet, *PacketInfo) error { return nil }
	}
	s := newShard(e, 0)
	for _, bt := range batches {
		s.process(bt)
	}
	b.ReportAllocs()
	b.SetBytes(int64(avgLen(frames)))
	b.ResetTimer()
	n := 0
	for i := 0; n < b.N; i++ {
		bt := batches[i%len(batches)]
		s.process(bt)
		n += len(bt.items)
	}
	b.ReportMetric(float64(s.table.len()), "flows")
}

// BenchmarkDeliver measures the collector's per-packet step without
// sinks (the --flows report mode): counters only. One op is one packet.
func BenchmarkDeliver(b *testing.B) {
	frames, set := benchWorkload(b)
	batches := benchBatches(frames[:batchItems*16])
	e := benchEngine(set, 1)
	var p decode.Packet
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		bt := batches[(i/batchItems)%len(batches)]
		for j := range bt.items {
			if err := e.deliver(bt, &bt.items[j], &p); err != nil {
				b.Fatal(err)
			}
		}
		i += len(bt.items)
	}
}

// BenchmarkPipeline measures the whole pipeline per packet — read,
// decode, hash, batch copy, shard, collector — with GOMAXPROCS shards,
// as `l7sniff -r FILE --flows` runs it, over an endless in-memory replay
// of the frames (so flows exist after the first pass and the source costs
// little). One op is one packet; allocs/op includes the engine's setup
// spread over b.N packets.
func BenchmarkPipeline(b *testing.B) {
	frames, set := benchWorkload(b)
	e := benchPipeline(b, set, &loopReader{frames: frames})
	b.ReportAllocs()
	b.SetBytes(int64(avgLen(frames)))
	b.ResetTimer()
	if err := e.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := e.Stats(); st.Packets != uint64(b.N) {
		b.Fatalf("engine saw %d packets, want %d", st.Packets, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pps")
}

// BenchmarkPipelineFile runs the pipeline over the capture named by
// $L7SNIFF_BENCH_PCAP (`make bench` generates it), read from the file as
// the command does; for profiling the real thing with -cpuprofile. One
// op is one pass over the file.
func BenchmarkPipelineFile(b *testing.B) {
	path := os.Getenv("L7SNIFF_BENCH_PCAP")
	if path == "" {
		b.Skip("set L7SNIFF_BENCH_PCAP to a capture (make bench-pcap)")
	}
	set, _ := patterns.Default()
	b.ReportAllocs()
	var pkts uint64
	for b.Loop() {
		e, err := New(Config{Source: SourceConfig{File: path}, Patterns: set})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		pkts += e.Stats().Packets
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "pps")
}

// benchPipeline builds an engine as New does, with GOMAXPROCS shards,
// that reads b.N packets from r.
func benchPipeline(b *testing.B, set *patterns.Set, r capture.RecordReader) *Engine {
	b.Helper()
	// New needs a source to open; start from a capture of nothing and
	// swap in r.
	path := filepath.Join(b.TempDir(), "empty.pcap")
	w, err := capture.CreatePcap(path, 0o600, decode.LinkEthernet, capture.DefaultSnaplen, true)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	e, err := New(Config{Source: SourceConfig{File: path}, Patterns: set, Count: b.N, Timeouts: longTimeouts})
	if err != nil {
		b.Fatal(err)
	}
	e.src.Close()
	e.src = capture.NewSource("bench", decode.LinkEthernet, r)
	return e
}

// loopReader replays frames endlessly, each pass later in time than the
// last, without copying.
type loopReader struct {
	frames []benchFrame
	i      int
	shift  int64
}

func (r *loopReader) Next() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	if r.i == len(r.frames) {
		r.i = 0
		r.shift += r.frames[len(r.frames)-1].ts - r.frames[0].ts + int64(time.Millisecond)
	}
	f := &r.frames[r.i]
	r.i++
	return f.data, gopacket.CaptureInfo{Timestamp: time.Unix(0, f.ts+r.shift), CaptureLength: len(f.data), Length: len(f.data)}, decode.LinkEthernet, nil
}

func avgLen(frames []benchFrame) int {
	n := 0
	for _, f := range frames {
		n += len(f.data)
	}
	return n / max(len(frames), 1)
}
