package engine

import (
	"runtime"
	"strings"
	"testing"
)

// TestShardCount: the order log names shards in one byte, so an engine
// with more shards than that must be refused up front, and the default
// (one per CPU) must stay within it on a host with more CPUs. Before the
// cap, 300 shards wrapped in the log and the collector dereferenced nil.
func TestShardCount(t *testing.T) {
	set := defaultSet(t)
	if _, err := New(Config{Source: SourceConfig{File: demoPcap}, Shards: MaxShards + 1, Patterns: set}); err == nil ||
		!strings.Contains(err.Error(), "at most 256") {
		t.Errorf("%d shards: err %v, want a refusal naming the cap", MaxShards+1, err)
	}
	_, recs := readCapture(t, demoPcap)
	prev := runtime.GOMAXPROCS(MaxShards + 44)
	defer runtime.GOMAXPROCS(prev)
	for _, shards := range []int{0, MaxShards} {
		e, err := runEngine(t, Config{Source: SourceConfig{File: demoPcap}, Shards: shards, Patterns: set})
		if err != nil {
			t.Fatalf("%d shards: %v", shards, err)
		}
		if st := e.Stats(); st.Packets != uint64(len(recs)) {
			t.Errorf("%d shards: %d packets, want %d", shards, st.Packets, len(recs))
		}
	}
}
