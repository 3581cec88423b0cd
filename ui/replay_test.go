package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/internal/corpustest"
	"l7sniff/patterns"
)

// linesPacket is what --lines and the fields outputs see of one packet:
// the collector decodes it with its flow's state.
type linesPacket struct {
	summary string
	tree    []decode.Node
}

// TestReplayMatchesLines: every packet of a TLS 1.3 and a QUIC capture
// (tls_2_reasms and firefox: TLS 1.3; two QUIC ones) reads the same in the TUI (its row's summary and its detail tree, both
// decoded from the ring) as in --lines (decoded by the collector with the
// flow's decode.AppConn), read forwards and backwards. The captures must hold packets that read
// differently without the flow's state, so the test fails if the TUI
// decodes packets alone.
func TestReplayMatchesLines(t *testing.T) {
	dir := corpustest.Dir(t, "app", "pcap")
	for _, name := range []string{"tls_2_reasms.pcapng", "firefox.pcap", "quic-v2.pcapng", "quic_interop_V.pcapng"} {
		t.Run(name, func(t *testing.T) {
			lines := map[int]linesPacket{}
			set, _ := patterns.Options{}.Default()
			e, err := engine.New(engine.Config{
				Source: engine.SourceConfig{File: filepath.Join(dir, name)}, Shards: 2,
				RingPackets: 100_000, Patterns: set,
				Packet: func(p *decode.Packet, _ *engine.PacketInfo) error {
					lines[p.Number] = linesPacket{string(p.AppendSummary(nil)), p.Tree()}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			r := e.Ring()
			n, first, last := r.Len()
			if n != len(lines) || first != 1 {
				t.Fatalf("ring kept %d packets from %d, --lines saw %d", n, first, len(lines))
			}
			row := rowFormatter{ring: r}
			var alone rowFormatter
			var d detail
			bad, stateful := 0, 0
			for seq := uint64(1); seq <= last; seq++ {
				v, _ := r.Get(seq)
				want := lines[int(seq)]
				row.kept(&v, v.Time)
				if got := string(row.buf); got != want.summary {
					bad++
					if bad <= 5 {
						t.Errorf("packet %d row:\n TUI     %s\n --lines %s", seq, got, want.summary)
					}
				}
				d.open(r, v)
				if got, want := fmt.Sprint(d.all), fmt.Sprint(want.tree); got != want {
					bad++
					if bad <= 5 {
						t.Errorf("packet %d detail tree differs:\n TUI     %s\n --lines %s", seq, got, want)
					}
				}
				alone.format(&v, v.Time)
				if string(alone.buf) != want.summary {
					stateful++
				}
			}
			// Backwards, as when scrolling up: every row restarts its
			// flow from the oldest kept packet and must read the same.
			back := rowFormatter{ring: r}
			for seq := last; seq >= 1; seq-- {
				v, _ := r.Get(seq)
				back.format(&v, v.Time)
				if got := string(back.buf); got != lines[int(seq)].summary {
					bad++
					if bad <= 5 {
						t.Errorf("packet %d row, read backwards:\n TUI     %s\n --lines %s", seq, got, lines[int(seq)].summary)
					}
				}
			}
			t.Logf("%d packets, %d read differently without their flow's state, %d differ from --lines", last, stateful, bad)
			if stateful == 0 {
				t.Errorf("no packet needs its flow's state: the capture does not test the replay")
			}
		})
	}
}
