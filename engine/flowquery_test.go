package engine

import (
	"slices"
	"strings"
	"testing"
	"time"

	"l7sniff/internal/corpustest"
)

// TestFlowFilterSelectsTheFlow: for every flow of the demo capture and
// of corpus captures with 802.1Q tags (some double), IP fragments and
// tunnels, the filter Filter gives, applied as the view filter, passes
// as many packets of the ring as the flow table counted for the flow,
// each of them one the ring attributes to the flow.
func TestFlowFilterSelectsTheFlow(t *testing.T) {
	files := []string{"../testdata/demo.pcap"}
	for _, name := range []string{"decode/pcap/pcpp-VlanPackets.pcap", "decode/pcap/pcpp-IPv4Frag.pcap",
		"decode/pcap/pcpp-ip6_fragments.pcap", "tunnel/pcap/tcpdump-various_gre.pcap",
		"tunnel/pcap/tcpdump-vxlan.pcap", "tunnel/pcap/tcpdump-geneve.pcap"} {
		files = append(files, corpustest.Dir(t, name))
	}
	checked := 0
	for _, file := range files {
		e, err := runEngine(t, Config{Source: SourceConfig{File: file}, Shards: 2, RingPackets: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		r := e.Ring()
		flows := e.Flows()
		if len(flows) == 0 {
			t.Fatalf("%s: no flows", file)
		}
		for _, f := range flows {
			expr := f.Filter()
			if err := r.SetViewFilter(expr, e.Source().LinkType()); err != nil {
				t.Errorf("%s flow %d: filter %q: %v", file, f.ID, expr, err)
				continue
			}
			seqs := r.ViewSeqs()
			if n := f.Packets[0] + f.Packets[1]; uint64(len(seqs)) != n {
				t.Errorf("%s flow %d (%s %s ⇄ %s): filter %q passes %d packets, the flow has %d",
					file, f.ID, f.Proto, f.A(), f.B(), expr, len(seqs), n)
			}
			for _, seq := range seqs {
				if v, ok := r.Get(seq); !ok || v.FlowID != f.ID {
					t.Errorf("%s flow %d: filter %q passes packet %d of flow %d", file, f.ID, expr, seq, v.FlowID)
				}
			}
			checked++
		}
	}
	t.Logf("%d flows checked", checked)
}

// TestFlowFilterForms pins the expression, and that "flow ID" combines
// with BPF and is refused without a number.
func TestFlowFilterForms(t *testing.T) {
	frames := []testFrame{
		{time.Unix(1, 0), tcpFrame(t, "10.0.0.1", "10.0.0.2", 40000, 80, "S", nil)},
		{time.Unix(2, 0), udpFrame(t, "10.0.0.1", "10.0.0.3", 5353, 53, []byte("q"))},
		{time.Unix(3, 0), tcpFrame(t, "10.0.0.2", "10.0.0.1", 80, 40000, "SA", nil)},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, RingPackets: 100})
	if err != nil {
		t.Fatal(err)
	}
	r, link := e.Ring(), e.Source().LinkType()
	for expr, want := range map[string][]uint64{
		"flow 1":                       {1, 3},
		"flow 2":                       {2},
		"flow 1 and src host 10.0.0.2": {3},
		"flow 2 or flow 1":             {1, 2, 3},
		"not flow 1":                   {2},
		"flow 9":                       nil,
	} {
		if err := r.SetViewFilter(expr, link); err != nil {
			t.Errorf("%q: %v", expr, err)
			continue
		}
		if got := r.ViewSeqs(); !slices.Equal(got, want) {
			t.Errorf("%q passes %v, want %v", expr, got, want)
		}
	}
	if err := ValidateViewFilter("flow web", link); err == nil || !strings.Contains(err.Error(), "flow needs a flow id") {
		t.Errorf(`"flow web": error %v`, err)
	}
	usb := FlowView{ID: 7, Proto: "USB BULK"}
	if got := usb.Filter(); got != "flow 7" {
		t.Errorf("USB flow: filter %q, want flow 7", got)
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
