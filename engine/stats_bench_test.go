package engine

import (
	"encoding/binary"
	"fmt"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine/capture"
	"l7sniff/patterns"
)

// BenchmarkStats measures what the TUI pays four times a second for the
// header's counters, with n live flows in the table: it must not grow with
// the number of flows, nor allocate. The shards run, as in a capture, and
// are idle between calls.
func BenchmarkStats(b *testing.B) {
	for _, n := range []int{1000, 1_000_000} {
		b.Run(fmt.Sprintf("flows=%d", n), func(b *testing.B) {
			_, set := benchWorkload(b)
			e := runningShards(b, set, n)
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

// runningShards is an engine of two running shards holding n live flows
// (of varied sizes, a third of them opened from the key's side B), fed
// through the shards' own per-packet step and publication; the test's
// cleanup stops the shards.
func runningShards(tb testing.TB, set *patterns.Set, n int) *Engine {
	tb.Helper()
	const shards = 2
	e := benchEngine(set, shards)
	e.src = capture.NewSource("bench", decode.LinkEthernet, nil)
	e.dns = newDNSFeed(0) // Stats reports the DNS cache's counters
	for i := range shards {
		e.shards = append(e.shards, newShard(e, i))
	}
	bt := &batch{items: make([]item, 0, batchItems)}
	next := 0 // the shard the next batch goes to
	for i := range n {
		k := decode.FlowKey{Kind: decode.FlowIPv4, Proto: decode.IPProtoTCP, PortA: uint16(i), PortB: 80}
		binary.BigEndian.PutUint32(k.A[:4], 0x0a000000|uint32(i>>16))
		binary.BigEndian.PutUint32(k.B[:4], 0xc0a80001)
		bt.items = append(bt.items, item{seq: uint64(i + 1), ts: int64(i + 1), hasFlow: true, hash: k.Hash(), key: k,
			fromA: i%3 != 0, wireLen: 60 + i*37%1400})
		if len(bt.items) == batchItems || i == n-1 {
			e.shards[next].process(bt)
			e.shards[next].publish() // as run does after each batch
			bt.items, next = bt.items[:0], (next+1)%shards
		}
	}
	for _, s := range e.shards {
		go s.run()
	}
	tb.Cleanup(func() {
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

// BenchmarkFlowPage measures what the flows view pays twice a second: a
// screen of flows, biggest first, out of n, sorted by the shards, at the
// top of the order and at its bottom (read from the other end).
func BenchmarkFlowPage(b *testing.B) {
	for _, n := range []int{1000, 1_000_000} {
		b.Run(fmt.Sprintf("flows=%d", n), func(b *testing.B) {
			_, set := benchWorkload(b)
			e := runningShards(b, set, n)
			for _, at := range []struct {
				name   string
				offset int
			}{{"top", 0}, {"bottom", n - 50}} {
				b.Run(at.name, func(b *testing.B) {
					q := FlowQuery{Order: ByBytes, Desc: true, Offset: at.offset, Limit: 50, Focus: uint64(n / 2)}
					b.ReportAllocs()
					for b.Loop() {
						if p := e.FlowPage(q); p.Total != n || len(p.Flows) != q.Limit {
							b.Fatalf("%d of %d flows, want %d of %d", len(p.Flows), p.Total, q.Limit, n)
						}
					}
				})
			}
		})
	}
}
