package engine

import (
	"testing"

	"l7sniff/decode"
	"l7sniff/patterns"
)

// TestTCPRetransmissionFedOnce checks that a retransmitted segment is fed
// to the classifier once and does not count against the packet limit,
// and that an overlapping one is trimmed to its new bytes.
func TestTCPRetransmissionFedOnce(t *testing.T) {
	var o tcpOrder
	if _, k := o.admit(0, 99, 0, decode.TCPSyn, nil); k != segNew {
		t.Fatal("first SYN taken as a duplicate")
	}
	if _, k := o.admit(0, 99, 0, decode.TCPSyn, nil); k != segDup {
		t.Error("repeated SYN not a duplicate")
	}
	got, k := o.admit(0, 100, 5, decode.TCPAck, []byte("abcd"))
	if k != segNew || string(got) != "abcd" {
		t.Fatalf("first segment: %q kind %d", got, k)
	}
	if got, k = o.admit(0, 100, 5, decode.TCPAck, []byte("abcd")); k != segDup || got != nil {
		t.Errorf("retransmission: %q kind %d, want skipped", got, k)
	}
	if got, _ = o.admit(0, 102, 5, decode.TCPAck, []byte("cdef")); string(got) != "ef" {
		t.Errorf("overlap: %q, want the new bytes ef", got)
	}
	if _, k = o.admit(0, 200, 5, decode.TCPAck, []byte("z")); k != segAhead {
		t.Error("a jump in sequence space not seen as a gap")
	}

	// Through the shard: a pattern that needs the 4th data packet still
	// matches when every packet before it arrives twice.
	s := orderShard(t, 5)
	var frames [][]byte
	for i, d := range []string{"1", "2", "3"} {
		f := tcpSegment(t, "10.0.0.1", "10.0.0.2", 4000, 7000, "PA", uint32(1000+i), []byte(d))
		frames = append(frames, f, f)
	}
	frames = append(frames, tcpSegment(t, "10.0.0.1", "10.0.0.2", 4000, 7000, "PA", 1003, []byte("4")))
	processFrames(s, frames...)
	if app := onlyFlow(t, s).App; app != "four" {
		t.Errorf("flow %s, want four", app)
	}
	if s.tcpDup != 3 {
		t.Errorf("%d duplicates counted, want 3", s.tcpDup)
	}
}

// TestTCPReorder checks the reorder pool: a segment that arrives before
// the one preceding it waits and is fed after it; a gap that never fills
// is skipped and counted when the next gap comes.
func TestTCPReorder(t *testing.T) {
	seg := func(seq uint32, d string) []byte {
		return tcpSegment(t, "10.0.0.1", "10.0.0.2", 4000, 7000, "PA", seq, []byte(d))
	}
	s := orderShard(t, 10)
	processFrames(s, seg(1000, "1"), seg(1002, "34"), seg(1001, "2"))
	if app := onlyFlow(t, s).App; app != "four" || s.tcpHeld != 1 || s.tcpGap != 0 {
		t.Errorf("reordered: %s, held %d, gaps %d; want four, 1, 0", app, s.tcpHeld, s.tcpGap)
	}
	if len(s.reorder.free) != reorderSlots {
		t.Errorf("%d of %d reorder slots free after the flow decided", len(s.reorder.free), reorderSlots)
	}

	// "12", then "4" (byte 3 lost) waits, then "6" after another gap:
	// the first gap is given up, counted, and "4" fed after "12", which
	// the pattern cannot match across the hole.
	s = orderShard(t, 10)
	processFrames(s, seg(1000, "12"), seg(1003, "4"), seg(1005, "6"))
	if s.tcpGap != 1 || s.tcpHeld != 1 {
		t.Errorf("gaps %d, held %d; want 1 and 1", s.tcpGap, s.tcpHeld)
	}
	if app := onlyFlow(t, s).App; app != AppUnknown {
		t.Errorf("flow %s across a hole, want unknown", app)
	}
	if len(s.reorder.free) != reorderSlots {
		t.Errorf("%d of %d reorder slots free after the flow decided", len(s.reorder.free), reorderSlots)
	}
}

// orderShard is a one-shard engine with the pattern four (^1234).
func orderShard(t *testing.T, maxPackets int) *shard {
	set := patternSet(t, patterns.Options{}, map[string]string{"four": "^1234"})
	e := &Engine{cfg: Config{MaxPackets: maxPackets, MaxFlows: 64, Timeouts: DefaultTimeouts}, nshards: 1}
	e.patterns.Store(set)
	return newShard(e, 0)
}

// onlyFlow returns the shard's single flow.
func onlyFlow(t *testing.T, s *shard) FlowView {
	t.Helper()
	flows := s.flows()
	if len(flows) != 1 {
		t.Fatalf("%d flows, want 1", len(flows))
	}
	return flows[0]
}
