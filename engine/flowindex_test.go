package engine

import (
	"math/rand/v2"
	"testing"

	"l7sniff/decode"
)

// TestFlowIndexAgainstMap inserts and deletes random keys (many sharing
// their hash's home, so probe runs and backward shifts happen) and checks
// every answer against a Go map.
func TestFlowIndexAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := newFlowIndex()
	var slab flowSlab
	var free []int32
	want := map[decode.FlowKey]int32{}
	key := func() decode.FlowKey {
		k := decode.FlowKey{Kind: decode.FlowIPv4, Proto: 6, PortA: uint16(r.IntN(64)), PortB: 80}
		k.A[3], k.B[3] = byte(r.IntN(64)), 1
		return k
	}
	for step := range 200_000 {
		k := key()
		h := k.Hash()
		got := x.find(&k, h, &slab)
		i, ok := want[k]
		if !ok {
			i = -1
		}
		if got != i {
			t.Fatalf("step %d: find %v = %d, want %d", step, k, got, i)
		}
		switch {
		case ok && r.IntN(2) == 0:
			x.delete(h, i)
			delete(want, k)
			free = append(free, i)
		case !ok:
			if n := len(free); n > 0 {
				i, free = free[n-1], free[:n-1]
			} else {
				i = slab.add()
			}
			slab.at(i).key = k
			x.insert(h, i)
			want[k] = i
		}
		if x.n != len(want) {
			t.Fatalf("step %d: %d entries, want %d", step, x.n, len(want))
		}
	}
}
