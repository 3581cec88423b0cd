package engine

import (
	"strings"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/patterns"
)

// feed runs packets through a fresh classifier on set and returns it and
// the (1-based) packet that decided it, 0 if none did.
func feed(set *patterns.Set, maxPackets int, pkts ...string) (classifier, int) {
	var c classifier
	var pool classPool
	c.start(0, true)
	decidedAt := 0
	for i, p := range pkts {
		if c.packet([]byte(p), maxPackets, set, 0, &pool) {
			if decidedAt != 0 {
				panic("decided twice")
			}
			decidedAt = i + 1
		}
	}
	return c, decidedAt
}

func TestClassifierPacketLimit(t *testing.T) {
	set := patternSet(t, patterns.Options{}, map[string]string{"abc": "^abc"})
	empty := func(n int) []string { return make([]string, n) }
	// Handshake and bare ACKs count: the payload in the 10th packet is
	// still examined, in the 11th it is not.
	c, at := feed(set, 10, append(empty(9), "abc")...)
	if c.app() != "abc" || at != 10 {
		t.Errorf("payload in packet 10: %s decided at %d, want abc at 10", c.app(), at)
	}
	c, at = feed(set, 10, append(empty(10), "abc")...)
	if c.app() != AppUnknown || at != 10 {
		t.Errorf("payload in packet 11: %s decided at %d, want unknown at 10", c.app(), at)
	}
	// Fewer packets than the limit and no match yet: still classifying
	// (an unanchored pattern can still match later).
	loose := patternSet(t, patterns.Options{}, map[string]string{"abc": "abc"})
	c, at = feed(loose, 10, "xyz", "", "")
	if c.app() != AppClassifying || at != 0 {
		t.Errorf("3 packets, no match: %s (decided at %d), want classifying", c.app(), at)
	}
	c, at = feed(loose, 3, "x", "y", "z", "abc")
	if c.app() != AppUnknown || at != 3 {
		t.Errorf("limit 3, match in packet 4: %s at %d, want unknown at 3", c.app(), at)
	}
}

func TestClassifierByteBudget(t *testing.T) {
	set := patternSet(t, patterns.Options{MaxBytes: 64}, map[string]string{"needle": "needle"})
	c, _ := feed(set, 10, strings.Repeat("x", 40), "needle")
	if c.app() != "needle" {
		t.Errorf("match within the 64-byte budget: %s", c.app())
	}
	c, _ = feed(set, 10, strings.Repeat("x", 80), "needle")
	if c.app() != AppUnknown {
		t.Errorf("match after the 64-byte budget: %s, want unknown", c.app())
	}
	// The budget decides by itself, before the packet limit.
	c, at := feed(set, 10, strings.Repeat("x", 100))
	if c.app() != AppUnknown || at != 1 {
		t.Errorf("100 bytes of nothing: %s at packet %d, want unknown at 1", c.app(), at)
	}
}

func TestClassifierFirstVerdictFinal(t *testing.T) {
	set := patternSet(t, patterns.Options{}, map[string]string{"abc": "abc", "xyz": "xyz"})
	c, at := feed(set, 10, "abc", "xyz", "xyz")
	if c.app() != "abc" || at != 1 {
		t.Errorf("%s decided at %d, want abc at 1", c.app(), at)
	}
}

func TestClassifierNonTransportFlowsNotClassified(t *testing.T) {
	set := patternSet(t, patterns.Options{}, map[string]string{"icmpish": "^ping"})
	var c classifier
	c.start(0, carriesAppData(ptr(testKey(1, 0))))
	if !c.packet([]byte("ping payload"), 10, set, 0, &classPool{}) || c.app() != AppUnknown {
		t.Errorf("ICMP flow: %s, want unknown at its first packet", c.app())
	}
	for _, proto := range []uint8{6, 17, 132} {
		if !carriesAppData(ptr(testKey(proto, 1))) {
			t.Errorf("protocol %d: not classified", proto)
		}
	}
	if !carriesAppData(&decode.FlowKey{Kind: decode.FlowUSB, Proto: 3}) {
		t.Error("USB bulk: not classified")
	}
}

// TestClassifierReload: a flow that has sent no payload moves to a
// reloaded set; a flow in the middle of a match finishes on the set it
// started with (its matcher state belongs to that automaton).
func TestClassifierReload(t *testing.T) {
	oldSet := patternSet(t, patterns.Options{}, map[string]string{"abc": "^abc"})
	newSet := patternSet(t, patterns.Options{}, map[string]string{"xyz": "^xyz"})

	var pool classPool
	var idle classifier
	idle.start(0, true)
	idle.packet(nil, 10, oldSet, 0, &pool) // SYN
	idle.packet(nil, 10, oldSet, 0, &pool) // SYN-ACK
	if !idle.packet([]byte("xyz"), 10, newSet, 0, &pool) || idle.app() != "xyz" {
		t.Errorf("flow without payload before the reload: %s, want xyz (new set)", idle.app())
	}

	var busy classifier
	busy.start(0, true)
	busy.packet([]byte("ab"), 10, oldSet, 0, &pool)
	if busy.work == nil || busy.work.stream.Set() != oldSet {
		t.Fatal("flow mid-match has no matching state on the set it started with")
	}
	if !busy.packet([]byte("c"), 10, newSet, 0, &pool) || busy.app() != "abc" {
		t.Errorf("flow mid-match at the reload: %s, want abc (old set)", busy.app())
	}
	// One state served both flows, one after the other.
	if busy.work != nil || len(pool.free) != 1 || len(pool.block) != classBlock-1 {
		t.Errorf("decided flows: %d states free, %d taken from the block; want 1 and 1 (given back, reused)",
			len(pool.free), classBlock-len(pool.block))
	}
}

// TestShardReload runs the same policy through a shard's per-packet step,
// with the engine's set swapped between batches as SetPatterns does.
func TestShardReload(t *testing.T) {
	oldSet := patternSet(t, patterns.Options{}, map[string]string{"abc": "^abc"})
	newSet := patternSet(t, patterns.Options{}, map[string]string{"xyz": "^xyz"})
	e := &Engine{cfg: Config{MaxPackets: 10, MaxFlows: 64, Timeouts: DefaultTimeouts}, nshards: 1}
	e.patterns.Store(oldSet)
	s := newShard(e, 0)
	t0 := time.Unix(1_700_000_000, 0)
	seq := uint64(0)
	process := func(frames ...[]byte) {
		b := newBatch()
		b.reset(0)
		var p decode.Packet
		for _, f := range frames {
			seq++
			decode.Decode(decode.LinkEthernet, f, len(f), &p)
			b.add(seq, t0.Add(time.Duration(seq)*time.Millisecond).UnixNano(), decode.LinkEthernet, f, len(f), &p, p.Flow.Hash())
		}
		s.process(b)
	}
	const cli, srv = "10.0.0.1", "10.0.0.2"
	process(
		tcpFrame(t, cli, srv, 4000, 7000, "S", nil),             // idle flow: handshake only
		tcpFrame(t, cli, srv, 4001, 7000, "PA", []byte("ab")),   // busy flow: half a match
		tcpFrame(t, cli, srv, 4002, 7000, "PA", []byte("abcd")), // decided on the old set
	)
	e.SetPatterns(newSet)
	process(
		tcpFrame(t, cli, srv, 4000, 7000, "PA", []byte("xyz")),
		tcpFrame(t, cli, srv, 4001, 7000, "PA", []byte("c")),
		tcpFrame(t, cli, srv, 4002, 7000, "PA", []byte("xyz")),
		tcpFrame(t, cli, srv, 4003, 7000, "PA", []byte("abc")), // new flow: new set only
	)
	// The new flow's "abc" means nothing to the new set: classifying or
	// unknown (the automaton may see no match is possible), never abc.
	want := map[string]string{"10.0.0.1:4000": "xyz", "10.0.0.1:4001": "abc", "10.0.0.1:4002": "abc", "10.0.0.1:4003": "not abc"}
	for _, f := range s.flows() {
		if w := want[f.A()]; w == "not abc" {
			if f.App == "abc" {
				t.Errorf("flow started after the reload matched the old set's abc")
			}
		} else if f.App != w {
			t.Errorf("flow from %s: %s, want %s", f.A(), f.App, w)
		}
		delete(want, f.A())
	}
	if len(want) != 0 {
		t.Errorf("flows missing: %v", want)
	}
}
