package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/internal/corpustest"
	"l7sniff/patterns"
)

// The nDPI accuracy figures of the default pattern set when last
// committed, over payload-confirmed flows whose label the defaults can
// give (see TestAccuracyVsNDPI). A change that lowers either is a
// regression; raise them when the defaults improve.
const (
	ndpiRecallFloor    = 255.0 / 270 // 94.4%
	ndpiPrecisionFloor = 255.0 / 255 // 100%
)

// ndpiExtraMapping extends the corpus's nDPI → l7 mapping (mapping.tsv)
// with protocols the l7-protocols collection lacks but the default set
// has. The truth files map these to "-"; the test maps them here rather
// than by editing the truth.
var ndpiExtraMapping = map[string]string{
	"MySQL":      "mysql",
	"PostgreSQL": "postgres",
	"Redis":      "redis",
	"MQTT":       "mqtt",
}

// truthFlow is one row of a truth file.
type truthFlow struct {
	file       string
	keys       []string // flowKey of the row (several when an address is ambiguous)
	master     string   // nDPI's master protocol
	label      string   // the l7 name it should get, "-" for none
	alt        []string
	confidence string
}

// dpi reports whether nDPI decided the flow from its payload.
func (f *truthFlow) dpi() bool { return strings.HasPrefix(f.confidence, "DPI") }

// accepts reports whether verdict is right for the flow: the mapped name
// or an alternative; no label at all for a "-" flow.
func (f *truthFlow) accepts(verdict string) bool {
	if !isLabel(verdict) {
		return f.label == "-"
	}
	return verdict == f.label || slices.Contains(f.alt, verdict)
}

// isLabel reports whether a verdict names a protocol.
func isLabel(v string) bool { return v != engine.AppUnknown && v != engine.AppClassifying && v != "" }

var l4Numbers = map[string]uint8{"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPV6": 58, "IGMP": 2, "ESP": 50,
	"AH": 51, "SCTP": 132, "VRRP": 112, "OSPF": 89, "PGM": 113, "PIM": 103}

// flowKey names a flow by protocol and its two endpoints, unordered.
func flowKey(proto uint8, a, b netip.AddrPort) string {
	x, y := a.String(), b.String()
	if x > y {
		x, y = y, x
	}
	return fmt.Sprintf("%d %s %s", proto, x, y)
}

func viewKey(k decode.FlowKey) string {
	addr := func(b [16]byte) netip.Addr {
		if k.Kind == decode.FlowIPv4 {
			return netip.AddrFrom4([4]byte(b[:4]))
		}
		return netip.AddrFrom16(b)
	}
	return flowKey(k.Proto, netip.AddrPortFrom(addr(k.A), k.PortA), netip.AddrPortFrom(addr(k.B), k.PortB))
}

func readTruth(t *testing.T, path string) []truthFlow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []truthFlow
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 13 {
			t.Fatalf("%s:%d: %d columns, want 13", path, line, len(c))
		}
		proto, ok := l4Numbers[c[0]]
		if !ok {
			n, err := strconv.Atoi(c[0])
			if err != nil {
				t.Fatalf("%s:%d: l4proto %q", path, line, c[0])
			}
			proto = uint8(n)
		}
		endpoints := func(ip, port string) []netip.AddrPort {
			addrs := parseNDPIAddr(ip)
			p, perr := strconv.ParseUint(port, 10, 16)
			if len(addrs) == 0 || perr != nil {
				t.Fatalf("%s:%d: endpoint %s %s", path, line, ip, port)
			}
			var out []netip.AddrPort
			for _, a := range addrs {
				out = append(out, netip.AddrPortFrom(a.Unmap(), uint16(p)))
			}
			return out
		}
		tf := truthFlow{file: filepath.Base(path), master: c[5], label: c[7], confidence: c[10]}
		for _, a := range endpoints(c[1], c[2]) {
			for _, b := range endpoints(c[3], c[4]) {
				tf.keys = append(tf.keys, flowKey(proto, a, b))
			}
		}
		if c[12] != "-" {
			tf.alt = strings.Split(c[12], ",")
		}
		if l, ok := ndpiExtraMapping[tf.master]; ok && tf.label == "-" {
			tf.label = l
		}
		out = append(out, tf)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// parseNDPIAddr parses an address as nDPI printed it. A few IPv6
// addresses in the truth have two "::" (nDPI compressed two runs of zero
// groups); every way of splitting the zero groups between them is
// returned, and the flow join picks the one present in the capture.
func parseNDPIAddr(s string) []netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return []netip.Addr{a}
	}
	parts := strings.Split(s, "::")
	if len(parts) != 3 {
		return nil
	}
	groups := func(p string) []string {
		if p == "" {
			return nil
		}
		return strings.Split(p, ":")
	}
	g0, g1, g2 := groups(parts[0]), groups(parts[1]), groups(parts[2])
	zeros := 8 - len(g0) - len(g1) - len(g2)
	var out []netip.Addr
	for first := 1; first < zeros; first++ {
		all := slices.Concat(g0, slices.Repeat([]string{"0"}, first), g1, slices.Repeat([]string{"0"}, zeros-first), g2)
		if a, err := netip.ParseAddr(strings.Join(all, ":")); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// classifyFile runs the engine over a capture and returns its flows by
// key: the verdict of the first flow of each key (nDPI never expires
// flows in a file, so a key reused later is still its first flow).
func classifyFile(t *testing.T, path string, set *patterns.Set) (map[string]engine.FlowView, error) {
	t.Helper()
	e, err := engine.New(engine.Config{Source: engine.SourceConfig{File: path}, Patterns: set})
	if err != nil {
		return nil, err
	}
	runErr := e.Run(context.Background())
	flows := e.Flows()
	sort.Slice(flows, func(i, j int) bool { return flows[i].First.Before(flows[j].First) })
	out := map[string]engine.FlowView{}
	for _, f := range flows {
		if f.Key.Kind != decode.FlowIPv4 && f.Key.Kind != decode.FlowIPv6 {
			continue
		}
		k := viewKey(f.Key)
		if _, seen := out[k]; !seen {
			out[k] = f
		}
	}
	return out, runErr
}

// TestAccuracyVsNDPI runs the default patterns over every capture of the
// nDPI corpus and compares each flow's verdict with nDPI's label, mapped
// to l7 names by the corpus (plus ndpiExtraMapping).
//
// Scored: flows nDPI classified from their payload ("DPI…" confidence;
// port and address guesses say nothing about the payload). Recall for a
// protocol is the share of the flows labelled with it that l7sniff names
// correctly, over the protocols the default set has a pattern for;
// precision is the share of l7sniff's verdicts of a protocol that are
// right, wrong verdicts on flows nDPI left unlabelled ("-") included.
func TestAccuracyVsNDPI(t *testing.T) {
	dir := corpustest.Dir(t, "ndpi")
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
	known := map[string]bool{}
	for _, p := range set.Patterns() {
		known[p.Name] = true
	}
	truths, err := filepath.Glob(filepath.Join(dir, "truth", "*.tsv"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no truth files (%v)", err)
	}
	type score struct{ truth, found, given, right int }
	scores := map[string]*score{}
	get := func(name string) *score {
		if scores[name] == nil {
			scores[name] = &score{}
		}
		return scores[name]
	}
	var misses []string
	var unseen, guessedLabelled int
	for _, tp := range truths {
		rows := readTruth(t, tp)
		capture := filepath.Join(dir, "pcap", strings.TrimSuffix(filepath.Base(tp), ".tsv"))
		flows, err := classifyFile(t, capture, set)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(capture), err)
		}
		for i := range rows {
			r := &rows[i]
			var f engine.FlowView
			ok := false
			for _, k := range r.keys {
				if f, ok = flows[k]; ok {
					break
				}
			}
			if !ok {
				if r.dpi() {
					unseen++
					misses = append(misses, fmt.Sprintf("%s: %s (%s) not seen by l7sniff", r.file, r.keys[0], r.label))
				}
				continue
			}
			if !r.dpi() {
				if isLabel(f.App) {
					guessedLabelled++
				}
				continue
			}
			if known[r.label] {
				s := get(r.label)
				s.truth++
				if r.accepts(f.App) {
					s.found++
				}
			}
			if isLabel(f.App) {
				s := get(f.App)
				s.given++
				if r.accepts(f.App) {
					s.right++
				}
			}
			if (known[r.label] || isLabel(f.App)) && !r.accepts(f.App) {
				misses = append(misses, fmt.Sprintf("%s: %s nDPI %s → %s, l7sniff %s", r.file, viewKey(f.Key), r.master, r.label, f.App))
			}
		}
	}
	names := make([]string, 0, len(scores))
	for n := range scores {
		names = append(names, n)
	}
	sort.Strings(names)
	pct := func(a, b int) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	}
	var tb strings.Builder
	var tot score
	tb.WriteString("| protocol | nDPI flows | found | recall | l7sniff verdicts | right | precision |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range names {
		s := scores[n]
		fmt.Fprintf(&tb, "| %s | %d | %d | %s | %d | %d | %s |\n", n, s.truth, s.found, pct(s.found, s.truth), s.given, s.right, pct(s.right, s.given))
		tot.truth += s.truth
		tot.found += s.found
		tot.given += s.given
		tot.right += s.right
	}
	fmt.Fprintf(&tb, "| **total** | %d | %d | **%s** | %d | %d | **%s** |\n", tot.truth, tot.found, pct(tot.found, tot.truth), tot.given, tot.right, pct(tot.right, tot.given))
	sort.Strings(misses)
	t.Logf("default patterns vs nDPI over %d captures (payload-confirmed flows; %d of them not seen by l7sniff; "+
		"%d flows nDPI only guessed by port or address got an l7sniff label, not scored):\n\n%s\nDisagreements:\n%s",
		len(truths), unseen, guessedLabelled, tb.String(), strings.Join(misses, "\n"))
	recall := float64(tot.found) / float64(max(tot.truth, 1))
	precision := float64(tot.right) / float64(max(tot.given, 1))
	const slack = 1e-9 // float rounding only
	if recall < ndpiRecallFloor-slack {
		t.Errorf("recall %.4f below the committed %.4f", recall, ndpiRecallFloor)
	}
	if precision < ndpiPrecisionFloor-slack {
		t.Errorf("precision %.4f below the committed %.4f", precision, ndpiPrecisionFloor)
	}
}
