package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
	"l7sniff/internal/corpustest"
	"l7sniff/patterns"
)

// TestHostVsNDPI compares l7sniff.host on each flow's last packet with
// nDPI's Hostname/SNI for every flow of the app corpus where nDPI names
// one (../shared/corpus/ndpi/truth has no hostname column, so it adds no
// case). A flow l7sniff does not see counts as a miss. Every
// disagreement is printed; below 95% the test fails.
func TestHostVsNDPI(t *testing.T) {
	appDir := corpustest.Dir(t, "app")
	m := readMapping(t, filepath.Join(corpustest.Dir(t, "ndpi"), "mapping.tsv"))
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
	truths, err := filepath.Glob(filepath.Join(appDir, "flows", "*.tsv"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no truth files in %s/flows (%v)", appDir, err)
	}
	var cases, right int
	var misses []string
	for _, tp := range truths {
		rows := readTruth(t, tp, appColumns, m)
		named := 0
		for i := range rows {
			if rows[i].host != "" {
				named++
			}
		}
		if named == 0 {
			continue
		}
		capture := filepath.Join(appDir, "pcap", strings.TrimSuffix(filepath.Base(tp), ".tsv"))
		hosts, err := lastPacketHosts(t, capture, set)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(capture), err)
		}
		for i := range rows {
			r := &rows[i]
			if r.host == "" {
				continue
			}
			cases++
			got, seen := "", false
			for _, k := range r.keys {
				if got, seen = hosts[k]; seen {
					break
				}
			}
			switch {
			case !seen:
				misses = append(misses, fmt.Sprintf("%s: %s nDPI %q, flow not seen", r.file, r.keys[0], r.host))
			case strings.EqualFold(got, r.host):
				right++
			default:
				misses = append(misses, fmt.Sprintf("%s: %s nDPI %q, l7sniff %q", r.file, r.keys[0], r.host, got))
			}
		}
	}
	sort.Strings(misses)
	for _, s := range misses {
		t.Log(s)
	}
	if cases == 0 {
		t.Fatal("no flow with an nDPI hostname")
	}
	pct := 100 * float64(right) / float64(cases)
	t.Logf("l7sniff.host agrees with nDPI's Hostname/SNI on %d of %d flows (%.2f%%)", right, cases, pct)
	if pct < 95 {
		t.Errorf("host agreement %.2f%% is below 95%%", pct)
	}
}

// lastPacketHosts runs the engine over a capture with a field sink and
// returns, by flow key, l7sniff.host on the last packet of the first
// flow of each key (nDPI never expires a flow in a file).
func lastPacketHosts(t *testing.T, path string, set *patterns.Set) (map[string]string, error) {
	t.Helper()
	host, err := output.LookupField("l7sniff.host")
	if err != nil {
		t.Fatal(err)
	}
	last := map[uint64]string{}
	var buf []byte
	e, err := engine.New(engine.Config{
		Source: engine.SourceConfig{File: path}, Patterns: set,
		Packet: func(p *decode.Packet, info *engine.PacketInfo) error {
			if info.FlowID != 0 {
				var ok bool
				buf, ok = host.Append(buf[:0], p, info)
				last[info.FlowID] = ""
				if ok {
					last[info.FlowID] = string(buf)
				}
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	runErr := e.Run(context.Background())
	flows := e.Flows()
	sort.Slice(flows, func(i, j int) bool { return flows[i].First.Before(flows[j].First) })
	out := map[string]string{}
	for i := range flows {
		f := &flows[i]
		if f.Key.Kind != decode.FlowIPv4 && f.Key.Kind != decode.FlowIPv6 {
			continue
		}
		if k := viewKey(f); !hasKey(out, k) {
			out[k] = last[f.ID]
			if out[k] != f.Host {
				t.Errorf("%s: flow %d: last packet's l7sniff.host %q, flow's Host %q", filepath.Base(path), f.ID, out[k], f.Host)
			}
		}
	}
	return out, runErr
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// TestIdentityIgnoresShardCount runs app captures that mix DNS, TLS, QUIC
// and HTTP with one shard and with four: every flow must get the same
// identity, the DNS cache's names included.
func TestIdentityIgnoresShardCount(t *testing.T) {
	appDir := corpustest.Dir(t, "app")
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
	type ident struct{ host, source, service, alpnOffered, alpn, tls, quic string }
	run := func(capture string, shards int) map[uint64]ident {
		e, err := engine.New(engine.Config{Source: engine.SourceConfig{File: capture}, Patterns: set, Shards: shards})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", capture, err)
		}
		out := map[uint64]ident{}
		for _, f := range e.Flows() {
			out[f.ID] = ident{f.Host, f.HostSource, f.Service, f.ALPNOffered, f.ALPN, f.TLSVersion, f.QUICVersion}
		}
		return out
	}
	named := 0
	for _, name := range []string{"facebook.pcap", "firefox.pcap", "dropbox.pcap", "http_ipv6.pcap", "tls_certificate_too_long.pcap"} {
		capture := filepath.Join(appDir, "pcap", name)
		one, four := run(capture, 1), run(capture, 4)
		if len(one) != len(four) {
			t.Errorf("%s: %d flows with one shard, %d with four", name, len(one), len(four))
		}
		for id, a := range one {
			if a.host != "" {
				named++
			}
			if b := four[id]; a != b {
				t.Errorf("%s: flow %d: %+v with one shard, %+v with four", name, id, a, b)
			}
		}
	}
	if named == 0 {
		t.Error("no flow was named: the comparison says nothing")
	}
}
