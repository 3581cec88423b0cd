package engine

import (
	"encoding/binary"
	"fmt"
	"testing"

	"l7sniff/decode"
)

// BenchmarkStats measures what the TUI pays four times a second for the
// header's counters, with n live flows in the table: it must not grow with
// the number of flows, nor allocate. The shards run, as in a capture, and
// are idle between calls.
func BenchmarkStats(b *testing.B) {
	for _, n := range []int{1000, 1_000_000} {
		b.Run(fmt.Sprintf("flows=%d", n), func(b *testing.B) {
			e := statsEngine(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if st := e.Stats(); st.FlowsActive != n {
					b.Fatalf("%d flows active, want %d", st.FlowsActive, n)
				}
			}
		})
	}
}

// statsEngine is an engine of two running shards holding n live TCP
// flows, fed through the shards' own per-packet step and publication; the benchmark's
// cleanup stops the shards.
func statsEngine(b *testing.B, n int) *Engine {
	b.Helper()
	_, set := benchWorkload(b)
	const shards = 2
	e := benchEngine(set, shards)
	e.src = &Source{name: "bench"}
	for i := range shards {
		e.shards = append(e.shards, newShard(e, i))
	}
	bt := &batch{items: make([]item, 0, batchItems)}
	next := 0 // the shard the next batch goes to
	for i := range n {
		k := decode.FlowKey{Kind: decode.FlowIPv4, Proto: 6, PortA: uint16(i), PortB: 80}
		binary.BigEndian.PutUint32(k.A[:4], 0x0a000000|uint32(i>>16))
		binary.BigEndian.PutUint32(k.B[:4], 0xc0a80001)
		bt.items = append(bt.items, item{seq: uint64(i + 1), ts: int64(i + 1), hasFlow: true, key: k, fromA: true, wireLen: 60})
		if len(bt.items) == batchItems || i == n-1 {
			e.shards[next].process(bt)
			e.shards[next].publish() // as run does after each batch
			bt.items, next = bt.items[:0], (next+1)%shards
		}
	}
	for _, s := range e.shards {
		go s.run()
	}
	b.Cleanup(func() {
		for _, s := range e.shards {
			close(s.in)
		}
		for _, s := range e.shards {
			for range s.out {
			}
		}
		close(e.finished)
	})
	return e
}
