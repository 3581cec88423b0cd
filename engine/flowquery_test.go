package engine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFlowFilterSelectsTheFlow: for every flow of the demo capture, the
// filter Filter gives, applied as the view filter (libpcap's BPF over
// the frames), passes exactly the ring's packets the flow table put in
// that flow: two independent ways of telling a flow's packets apart.
func TestFlowFilterSelectsTheFlow(t *testing.T) {
	e, err := runEngine(t, Config{Source: SourceConfig{File: "../testdata/demo.pcap"}, Shards: 2, RingPackets: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Ring()
	_, first, last := r.Len()
	byFlow := map[uint64][]uint64{}
	for seq := first; seq <= last; seq++ {
		if v, ok := r.Get(seq); ok && v.FlowID != 0 {
			byFlow[v.FlowID] = append(byFlow[v.FlowID], seq)
		}
	}
	flows := e.Flows()
	if len(flows) == 0 {
		t.Fatal("no flows in the demo capture")
	}
	for _, f := range flows {
		expr, err := f.Filter()
		if err != nil {
			t.Errorf("flow %d (%s %s ⇄ %s): %v", f.ID, f.Proto, f.A(), f.B(), err)
			continue
		}
		if err := r.SetViewFilter(expr, e.Source().LinkType()); err != nil {
			t.Errorf("flow %d: filter %q: %v", f.ID, expr, err)
			continue
		}
		if got := r.ViewSeqs(); !slices.Equal(got, byFlow[f.ID]) {
			t.Errorf("flow %d: filter %q passes packets %v, the flow has %v", f.ID, expr, got, byFlow[f.ID])
		}
	}
	t.Logf("%d flows checked", len(flows))
}

// TestFlowFilterForms pins the expression of each kind of key, and the
// error for a flow with no BPF form.
func TestFlowFilterForms(t *testing.T) {
	frames := []testFrame{
		{time.Unix(1, 0), tcpFrame(t, "10.0.0.1", "10.0.0.2", 40000, 80, "S", nil)},
		{time.Unix(2, 0), udpFrame(t, "10.0.0.1", "10.0.0.3", 5353, 53, []byte("q"))},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, RingPackets: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range e.Flows() {
		expr, err := f.Filter()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, expr)
	}
	slices.Sort(got)
	want := []string{
		"tcp and host 10.0.0.1 and host 10.0.0.2 and tcp port 40000 and tcp port 80",
		"udp and host 10.0.0.1 and host 10.0.0.3 and udp port 5353 and udp port 53",
	}
	if !slices.Equal(got, want) {
		t.Errorf("filters %q, want %q", got, want)
	}
	usb := FlowView{Proto: "USB BULK"}
	if _, err := usb.Filter(); err == nil || !strings.Contains(err.Error(), "USB BULK flow has no BPF filter") {
		t.Errorf("USB flow: error %v", err)
	}
}

// TestFlowStream: both directions in capture order, a retransmission
// left out, an overlapping segment cut to its new bytes, and the limit
// stopping the read.
func TestFlowStream(t *testing.T) {
	c, s := "10.0.0.1", "10.0.0.2"
	frames := []testFrame{
		{time.Unix(1, 0), tcpSegment(t, c, s, 40000, 80, "PA", 1000, []byte("abc"))},
		{time.Unix(2, 0), tcpSegment(t, c, s, 40000, 80, "PA", 1000, []byte("abc"))},  // retransmission
		{time.Unix(3, 0), tcpSegment(t, c, s, 40000, 80, "PA", 1002, []byte("cdef"))}, // overlaps one byte
		{time.Unix(4, 0), tcpSegment(t, s, c, 80, 40000, "PA", 5000, []byte("OK"))},
		{time.Unix(5, 0), tcpSegment(t, c, s, 40000, 80, "PA", 1006, []byte("gh"))},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, RingPackets: 100})
	if err != nil {
		t.Fatal(err)
	}
	flows := e.Flows()
	if len(flows) != 1 {
		t.Fatalf("%d flows, want 1", len(flows))
	}
	st := e.Ring().FlowStream(flows[0].ID, 1<<20)
	want := []StreamSegment{{true, []byte("abcdef")}, {false, []byte("OK")}, {true, []byte("gh")}}
	if !slices.EqualFunc(st.Segments, want, func(a, b StreamSegment) bool { return a.Client == b.Client && string(a.Data) == string(b.Data) }) ||
		st.Packets != 5 || st.Bytes != 10 {
		t.Errorf("stream %+v, %d packets, %d bytes; want %+v, 5 packets, 10 bytes", st.Segments, st.Packets, st.Bytes, want)
	}
	// The limit: reading stops once it is reached, after the packet
	// that reached it.
	st = e.Ring().FlowStream(flows[0].ID, 3)
	if st.Packets != 1 || st.Bytes != 3 {
		t.Errorf("limit 3: %d packets, %d bytes; want 1 packet, 3 bytes", st.Packets, st.Bytes)
	}
	if st := e.Ring().FlowStream(flows[0].ID+100, 1<<20); st.Packets != 0 || len(st.Segments) != 0 {
		t.Errorf("no such flow: %+v", st)
	}
}
