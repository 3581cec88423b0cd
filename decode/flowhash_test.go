package decode

import (
	"encoding/binary"
	"testing"
)

// hashKeys returns n IPv4 TCP keys as a busy link has them: one server,
// clients counting up through a /16 and their ports through a range.
func hashKeys(n int) []FlowKey {
	keys := make([]FlowKey, n)
	for i := range keys {
		k := FlowKey{Kind: FlowIPv4, Proto: 6, PortA: uint16(32768 + i%4096), PortB: 443}
		binary.BigEndian.PutUint32(k.A[:4], 0x0a000000|uint32(i/4096))
		binary.BigEndian.PutUint32(k.B[:4], 0xc0a80001)
		keys[i] = k
	}
	return keys
}

// TestFlowKeyHashSpread checks both ends of the hash the engine uses:
// its low bits pick a shard and its top bits a flow index's home slot,
// so keys differing in a few low-order bytes must spread evenly over
// both. A bucket more than 25% over its share fails.
func TestFlowKeyHashSpread(t *testing.T) {
	const n, buckets = 1 << 16, 64
	var low, top [buckets]int
	for _, k := range hashKeys(n) {
		h := k.Hash()
		low[h%buckets]++
		top[h>>58]++
	}
	for i := range buckets {
		if low[i] > n/buckets*5/4 || top[i] > n/buckets*5/4 {
			t.Errorf("bucket %d: %d keys by the low bits, %d by the top bits; want ≤ %d", i, low[i], top[i], n/buckets*5/4)
		}
	}
	// Every field takes part: a change in VLAN or tunnel alone is a
	// different hash.
	k := hashKeys(1)[0]
	v, tun := k, k
	v.VLAN, tun.Tunnel = 7, TunnelID{Kind: LayerVXLAN, ID: 1}
	if k.Hash() == v.Hash() || k.Hash() == tun.Hash() {
		t.Error("VLAN or tunnel left out of the hash")
	}
}

// BenchmarkFlowKeyHash is the capture stage's per-packet hash.
func BenchmarkFlowKeyHash(b *testing.B) {
	keys := hashKeys(1024)
	var sink uint64
	for i := 0; b.Loop(); i++ {
		sink ^= keys[i&1023].Hash()
	}
	_ = sink
}
