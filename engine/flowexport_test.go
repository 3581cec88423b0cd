package engine

import (
	"net"
	"slices"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/engine/ipfix"
)

// testSink queues what exportFlow hands it, refusing records past room
// as a full exporter queue does.
type testSink struct {
	room    int
	queued  []ipfix.Record
	dropped int
}

func (s *testSink) Export(r ipfix.Record, wait bool) bool {
	if !wait && len(s.queued) == s.room {
		s.dropped++
		return false
	}
	s.queued = append(s.queued, r)
	return true
}

// drain takes what was queued since the last drain.
func (s *testSink) drain() []ipfix.Record {
	out := s.queued
	s.queued = nil
	return out
}

func TestIPFIXActiveExportsAreDeltas(t *testing.T) {
	x := &testSink{room: 2}
	f := &flow{key: decode.FlowKey{Kind: decode.FlowIPv4, Proto: 17, PortA: 53, PortB: 4000}, first: 1e9, last: 2e9}
	f.pkts, f.bytes = [2]uint64{3, 0}, [2]uint64{300, 0}
	exportFlow(x, f, false)
	first := x.drain()
	if len(first) != 1 || first[0].Packets != 3 || first[0].Start != 1000 || first[0].End != 2000 {
		t.Fatalf("first export %+v, want one record of 3 packets from 1000 to 2000 ms", first)
	}
	// Both directions grow; the queue has room for one record only.
	f.pkts, f.bytes, f.last = [2]uint64{5, 4}, [2]uint64{500, 400}, 3e9
	x.room = 1
	exportFlow(x, f, false)
	second := x.drain()
	if len(second) != 1 || second[0].Packets != 2 || second[0].Octets != 200 || second[0].Start != 2000 {
		t.Fatalf("second export %+v, want A→B's 2 new packets from 2000 ms", second)
	}
	if x.dropped != 1 {
		t.Errorf("dropped %d, want 1", x.dropped)
	}
	// The dropped direction's packets go out with the final record.
	x.room = 4
	f.pkts[1], f.bytes[1] = 6, 600
	exportFlow(x, f, false)
	last := x.drain()
	if len(last) != 1 || last[0].Packets != 6 || last[0].Octets != 600 || last[0].Src[0] != f.key.B[0] || last[0].SrcPort != 4000 {
		t.Fatalf("final export %+v, want B→A's 6 packets", last)
	}
	var pkts uint64
	for _, r := range append(append(first, second...), last...) {
		pkts += r.Packets
	}
	if pkts != f.pkts[0]+f.pkts[1] {
		t.Errorf("records add up to %d packets, the flow has %d", pkts, f.pkts[0]+f.pkts[1])
	}
}

func TestActiveTimeoutSchedule(t *testing.T) {
	sec := int64(time.Second)
	var reported []uint16
	tbl := newFlowTable(16, DefaultTimeouts, nil)
	tbl.reportEvery(10*sec, func(f *flow) { reported = append(reported, f.key.PortA) })
	key := func(p uint16) *decode.FlowKey {
		return &decode.FlowKey{Kind: decode.FlowIPv4, Proto: 6, PortA: p, PortB: 80}
	}
	tbl.lookup(key(1), 100*sec)
	tbl.lookup(key(2), 105*sec)
	step := func(now int64, want ...uint16) {
		t.Helper()
		reported = nil
		tbl.lookup(key(1), now) // both stay busy: no idle expiry
		tbl.lookup(key(2), now)
		tbl.expire(now)
		if !slices.Equal(reported, want) {
			t.Errorf("at %ds reported %v, want %v", now/sec, reported, want)
		}
	}
	step(109 * sec)
	step(111*sec, 1)
	step(116*sec, 2)
	step(120 * sec)
	step(121*sec, 1)
}

// TestExportsFlowsLiveAtTheEnd: the flows still in the table when a
// capture ends are exported as they end, like any other flow (the
// in-place end of the capture once returned before exporting them).
func TestExportsFlowsLiveAtTheEnd(t *testing.T) {
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	x, err := ipfix.New(ipfix.Config{Collectors: []string{sink.LocalAddr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_700_000_000, 0)
	frames := []testFrame{
		{t0, udpFrame(t, "10.0.0.1", "10.0.0.2", 5000, 9999, []byte("a"))},
		{t0.Add(time.Millisecond), udpFrame(t, "10.0.0.2", "10.0.0.1", 9999, 5000, []byte("b"))},
		{t0.Add(2 * time.Millisecond), udpFrame(t, "10.0.0.3", "10.0.0.2", 5001, 9999, []byte("c"))},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, Export: x})
	if err != nil {
		t.Fatal(err)
	}
	// Two flows, one of them both ways: three uniflow records.
	if st := e.Stats(); st.Exported+st.ExportDropped != 3 {
		t.Errorf("%d records exported and %d dropped at the end of the capture, want 3 in all", st.Exported, st.ExportDropped)
	}
	if n := len(e.Flows()); n != 2 {
		t.Errorf("%d flows listed, want 2", n)
	}
}
