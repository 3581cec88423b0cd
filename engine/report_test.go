package engine

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"l7sniff/decode"
)

// TestFlowIDsAgree: a flow has one id everywhere: the l7sniff.flow field
// of its packets, the flow report's first column and FlowView.ID (what
// the TUI shows); and it is the number of the flow's first packet.
func TestFlowIDsAgree(t *testing.T) {
	fromPackets := map[uint64]bool{}
	firstPacket := map[uint64]int{}
	var field OutputField
	for _, f := range Fields() {
		if f.Name == "l7sniff.flow" {
			field = f
		}
	}
	cfg := Config{Source: SourceConfig{File: demoPcap}, Shards: 2,
		Packet: func(p *decode.Packet, info *PacketInfo) error {
			b, ok := field.Append(nil, p, info)
			if !ok {
				return nil
			}
			id, err := strconv.ParseUint(string(b), 10, 64)
			if err != nil {
				t.Fatalf("l7sniff.flow %q: %v", b, err)
			}
			if !fromPackets[id] {
				fromPackets[id], firstPacket[id] = true, p.Number
			}
			return nil
		}}
	e, err := runEngine(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	flows := e.Flows()
	fromViews := map[uint64]bool{}
	for _, f := range flows {
		fromViews[f.ID] = true
	}
	var r bytes.Buffer
	if err := WriteFlowReport(&r, flows, e.Stats()); err != nil {
		t.Fatal(err)
	}
	fromReport := map[uint64]bool{}
	for _, l := range strings.Split(r.String(), "\n")[1:] {
		f := strings.Fields(l)
		if len(f) < 2 || (f[1] != "TCP" && f[1] != "UDP") {
			continue
		}
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			t.Fatalf("report line %q: %v", l, err)
		}
		fromReport[id] = true
	}
	ids := func(m map[uint64]bool) []uint64 { return slices.Sorted(maps.Keys(m)) }
	if len(fromPackets) == 0 || !maps.Equal(fromPackets, fromViews) || !maps.Equal(fromPackets, fromReport) {
		t.Errorf("flow ids differ:\n  l7sniff.flow %v\n  FlowView.ID  %v\n  report       %v", ids(fromPackets), ids(fromViews), ids(fromReport))
	}
	for id, n := range firstPacket {
		if id != uint64(n) {
			t.Errorf("flow %d: first packet is %d", id, n)
		}
	}
}
