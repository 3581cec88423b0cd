package output

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/patterns"
)

// demoPcap is the project's own recorded capture (testdata/README.md).
const demoPcap = "../../testdata/demo.pcap"

// runDemo runs an engine over the demo capture, with the default
// patterns unless cfg names a set, to the end.
func runDemo(t *testing.T, cfg engine.Config) *engine.Engine {
	t.Helper()
	cfg.Source = engine.SourceConfig{File: demoPcap}
	if cfg.Patterns == nil {
		cfg.Patterns, _ = patterns.Default()
	}
	e, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

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
	cfg := engine.Config{Shards: 2,
		Packet: func(p *decode.Packet, info *engine.PacketInfo) error {
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
	e := runDemo(t, cfg)
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

// failAfter accepts n bytes, then fails every write.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// TestFlowReportWriteError: a report that cannot be written says so,
// wherever the writing fails (the flow table, the totals, the last line).
func TestFlowReportWriteError(t *testing.T) {
	e := runDemo(t, engine.Config{})
	flows, st := e.Flows(), e.Stats()
	var full bytes.Buffer
	if err := WriteFlowReport(&full, flows, st); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, full.Len() / 2, full.Len() - 1} {
		if err := WriteFlowReport(&failAfter{n}, flows, st); !errors.Is(err, errFull) {
			t.Errorf("writer full after %d of %d bytes: %v, want %v", n, full.Len(), err, errFull)
		}
	}
	if err := WriteFlowReport(&failAfter{full.Len()}, flows, st); err != nil {
		t.Errorf("writer with room for the report: %v", err)
	}
}
