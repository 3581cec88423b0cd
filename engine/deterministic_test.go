package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
)

// demoPcap is the project's own recorded capture (testdata/README.md).
const demoPcap = engine.DemoPcap

// lineOutput runs the engine over file with n shards and returns the
// per-packet lines (summary, verdict at that moment, port guess, flow
// id) and the flow report.
func lineOutput(t *testing.T, file string, shards int) (lines, report string) {
	t.Helper()
	var b strings.Builder
	cfg := engine.Config{Source: engine.SourceConfig{File: file}, Shards: shards,
		Packet: func(p *decode.Packet, info *engine.PacketInfo) error {
			// Flow ids are the number of the flow's first packet, so
			// they too must not depend on the shards.
			fmt.Fprintf(&b, "%d %s %s flow=%d app=%s guess=%s\n", p.Number, p.Time.UTC().Format(time.RFC3339Nano),
				p.AppendSummary(nil), info.FlowID, info.App, info.PortGuess)
			return nil
		}}
	e, err := engine.RunEngine(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var r bytes.Buffer
	if err := output.WriteFlowReport(&r, e.Flows(), e.Stats()); err != nil {
		t.Fatal(err)
	}
	return b.String(), r.String()
}

// TestDeterministicOutput: the same file gives the same lines and flow
// report whatever the number of shards and however the goroutines are
// scheduled.
func TestDeterministicOutput(t *testing.T) {
	files := []string{demoPcap}
	for _, f := range []string{"gnutella.pcap", "android.pcap", "dns-google-nsid.pcapng"} {
		p := filepath.Join("..", "..", "shared", "corpus", "ndpi", "pcap", f)
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	for _, file := range files {
		want, wantReport := lineOutput(t, file, 1)
		if file == demoPcap {
			if recs := engine.RecordCount(t, file); strings.Count(want, "\n") != recs {
				t.Errorf("%s: %d lines for %d records", file, strings.Count(want, "\n"), recs)
			}
		}
		for _, shards := range []int{1, 2, 4} {
			got, report := lineOutput(t, file, shards)
			if got != want {
				t.Errorf("%s: %d shards: lines differ from a 1-shard run:\n%s", file, shards, firstDiff(want, got))
			}
			// Flows that start in the same microsecond are ordered by id,
			// the number of their first packet: no shard in it either.
			if report != wantReport {
				t.Errorf("%s: %d shards: flow report differs:\n%s", file, shards, firstDiff(wantReport, report))
			}
		}
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(la), len(lb))
}
