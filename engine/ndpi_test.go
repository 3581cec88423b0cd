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

// The nDPI accuracy figures of the default set when last committed, per
// corpus, over every payload-decided flow whose nDPI name maps to an l7
// name (see TestAccuracyVsNDPI). A change that lowers one is a
// regression; raise them when the defaults improve.
var ndpiFloors = map[string]struct{ recall, precision float64 }{
	"ndpi": {recall: 722.0 / 736, precision: 722.0 / 722},
	"app":  {recall: 245.0 / 248, precision: 245.0 / 246},
}

// ndpiExtraMapping extends the corpus's nDPI → l7 mapping (mapping.tsv)
// with the names ../shared/corpus/app/README.md lists: protocols the
// l7-protocols collection lacks but a modern default set should give.
// The truth files map these to "-"; the test maps them here rather than
// by editing the truth.
var ndpiExtraMapping = map[string]string{
	"QUIC": "quic", "DTLS": "dtls", "WireGuard": "wireguard", "OpenVPN": "openvpn",
	"MQTT": "mqtt", "MySQL": "mysql", "PostgreSQL": "postgres", "Redis": "redis",
	"MongoDB": "mongodb", "Kerberos": "kerberos", "LDAP": "ldap", "RADIUS": "radius",
	"Syslog": "syslog", "Memcached": "memcached", "AMQP": "amqp", "Modbus": "modbus",
	"SMBv23": "smb", "CoAP": "coap",
}

// truthFlow is one flow nDPI reported.
type truthFlow struct {
	file       string
	keys       []string // flowKey of the row (several when an address is ambiguous)
	master     string   // nDPI's master protocol
	label      string   // the l7 name it should get, "-" for none
	alt        []string
	confidence string
	host       string // nDPI's Hostname/SNI, "" when it names none
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

// flowKey names a flow by protocol, VLAN and its two endpoints,
// unordered (nDPI keys flows by VLAN too).
func flowKey(proto uint8, vlan uint16, a, b netip.AddrPort) string {
	x, y := a.String(), b.String()
	if x > y {
		x, y = y, x
	}
	return fmt.Sprintf("%d %d %s %s", proto, vlan, x, y)
}

func viewKey(f *engine.FlowView) string {
	k := f.Key
	addr := func(b [16]byte) netip.Addr {
		if k.Kind == decode.FlowIPv4 {
			return netip.AddrFrom4([4]byte(b[:4]))
		}
		return netip.AddrFrom16(b)
	}
	return flowKey(k.Proto, f.VLAN, netip.AddrPortFrom(addr(k.A), k.PortA), netip.AddrPortFrom(addr(k.B), k.PortB))
}

// truthColumns says where a truth format keeps what the scoring needs.
type truthColumns struct {
	n                              int // columns per row
	master, app, label, conf, vlan int
	alt                            int // -1: the format has none
	host                           int // nDPI's Hostname/SNI; -1: the format has none
}

var (
	// ndpiColumns: ../shared/corpus/ndpi/truth/*.tsv, already mapped.
	ndpiColumns = truthColumns{n: 13, master: 5, app: 6, label: 7, conf: 10, vlan: 11, alt: 12, host: -1}
	// appColumns: ../shared/corpus/app/flows/*.tsv, nDPI's names only.
	appColumns = truthColumns{n: 15, master: 5, app: 6, label: -1, conf: 7, vlan: 8, alt: -1, host: 9}
)

// readTruth reads one truth file of either corpus. Rows of a format
// without a mapped label are mapped by m; in both, names of
// ndpiExtraMapping replace a "-" label.
func readTruth(t *testing.T, path string, cols truthColumns, m *ndpiMapping) []truthFlow {
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
		if len(c) != cols.n {
			t.Fatalf("%s:%d: %d columns, want %d", path, line, len(c), cols.n)
		}
		proto, ok := l4Numbers[c[0]]
		if !ok {
			n, err := strconv.Atoi(c[0])
			if err != nil {
				t.Fatalf("%s:%d: l4proto %q", path, line, c[0])
			}
			proto = uint8(n)
		}
		var vlan uint16
		if c[cols.vlan] != "-" {
			v, err := strconv.ParseUint(c[cols.vlan], 10, 12)
			if err != nil {
				t.Fatalf("%s:%d: vlan %q", path, line, c[cols.vlan])
			}
			vlan = uint16(v)
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
		tf := truthFlow{file: filepath.Base(path), master: c[cols.master], confidence: c[cols.conf]}
		for _, a := range endpoints(c[1], c[2]) {
			for _, b := range endpoints(c[3], c[4]) {
				tf.keys = append(tf.keys, flowKey(proto, vlan, a, b))
			}
		}
		if cols.host >= 0 && c[cols.host] != "-" {
			tf.host = c[cols.host]
		}
		if cols.label >= 0 {
			tf.label = c[cols.label]
			if c[cols.alt] != "-" {
				tf.alt = strings.Split(c[cols.alt], ",")
			}
		} else {
			tf.label, tf.alt = m.label(c[0], c[cols.master], c[cols.app], c[2], c[4])
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

// ndpiMapping is ../shared/corpus/ndpi/mapping.tsv with the rules of that
// corpus's README ("How nDPI names become l7 names").
type ndpiMapping map[string]string

func readMapping(t *testing.T, path string) *ndpiMapping {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := ndpiMapping{}
	for _, l := range strings.Split(string(data), "\n") {
		if c := strings.Split(l, "\t"); len(c) >= 2 && !strings.HasPrefix(l, "#") {
			m[c[0]] = c[1]
		}
	}
	return &m
}

// httpAlts are the l7 patterns that match inside HTTP, right for any
// HTTP flow.
var httpAlts = []string{"http-rtsp", "httpaudio", "httpvideo", "httpcachehit", "httpcachemiss", "http-itunes",
	"http-dap", "http-freshdownload", "quicktime", "aimwebcontent", "pressplay", "shoutcast"}

// label maps one nDPI result to its l7 name and the alternatives.
func (m *ndpiMapping) label(l4, master, app, portA, portB string) (string, []string) {
	port := func(p string) bool { return portA == p || portB == p }
	name := master
	if master == "NetBIOS" && (app == "SMBv1" || app == "SMBv23") {
		name = "SMBv1"
	}
	l, ok := (*m)[name]
	if !ok {
		return "-", nil
	}
	switch name {
	case "IMAPS", "POPS", "SMTPS", "FTPS":
		implicit := map[string]string{"IMAPS": "993", "POPS": "995", "SMTPS": "465", "FTPS": "990"}[name]
		l = strings.Split(l, "|")[1]
		if !port(implicit) {
			l = strings.Split((*m)[name], "|")[0]
		}
	case "NetBIOS":
		switch {
		case l4 == "UDP" && port("137"):
			l = "nbns"
		case l4 == "TCP" && port("139"):
			l = "netbios"
		default:
			l = "-"
		}
	}
	var alt []string
	switch l {
	case "http":
		alt = slices.Clone(httpAlts)
	case "ssl":
		alt = []string{"validcertssl"}
	case "jabber":
		alt = []string{"gtalk"}
	case "snmp":
		alt = []string{"snmp-mon", "snmp-trap"}
	case "skypetoskype":
		alt = []string{"skypeout"}
	}
	if a := map[string]string{"HTTP.Gnutella": "gnutella", "HTTP.BitTorrent": "bittorrent", "HTTP.IPP": "ipp",
		"TLS.Tor": "tor", "TLS.RDP": "rdp"}[master+"."+app]; a != "" {
		alt = append(alt, a)
	}
	return l, alt
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
	for i := range flows {
		f := &flows[i]
		if f.Key.Kind != decode.FlowIPv4 && f.Key.Kind != decode.FlowIPv6 {
			continue
		}
		k := viewKey(f)
		if _, seen := out[k]; !seen {
			out[k] = *f
		}
	}
	return out, runErr
}

// TestMappingAgreesWithTruth checks the test's own nDPI → l7 mapping
// (used for the app corpus, whose results are not mapped) against the
// labels the ndpi corpus's truth files carry.
func TestMappingAgreesWithTruth(t *testing.T) {
	dir := corpustest.Dir(t, "ndpi")
	m := readMapping(t, filepath.Join(dir, "mapping.tsv"))
	truths, _ := filepath.Glob(filepath.Join(dir, "truth", "*.tsv"))
	rows := 0
	for _, tp := range truths {
		f, err := os.ReadFile(tp)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(f), "\n") {
			c := strings.Split(l, "\t")
			if len(c) != 13 || strings.HasPrefix(l, "#") {
				continue
			}
			rows++
			label, alt := m.label(c[0], c[5], c[6], c[2], c[4])
			var want []string
			if c[12] != "-" {
				want = strings.Split(c[12], ",")
			}
			slices.Sort(want)
			slices.Sort(alt)
			gotAlt, wantAlt := strings.Join(alt, ","), strings.Join(want, ",")
			if label != c[7] || gotAlt != wantAlt {
				t.Errorf("%s: %s.%s mapped to %s (alt %s), truth %s (alt %s)", filepath.Base(tp), c[5], c[6], label, gotAlt, c[7], wantAlt)
			}
		}
	}
	if rows == 0 {
		t.Fatal("no truth rows")
	}
}

// accuracyScore counts one protocol's flows: nDPI's (truth), those
// l7sniff named right (found), l7sniff's verdicts (given) and the right
// ones among them.
type accuracyScore struct{ truth, found, given, right int }

// TestAccuracyVsNDPI runs the default set over every capture of the two
// nDPI corpora and compares each flow's verdict with nDPI's result,
// mapped to l7 names by ../shared/corpus/ndpi/mapping.tsv (plus
// ndpiExtraMapping).
//
// Scored: flows nDPI decided from their payload ("DPI…" confidence;
// port and address guesses say nothing about the payload). Recall counts
// every such flow whose name maps to an l7 name, whether or not the
// default set has a classifier for it; precision counts every l7sniff
// verdict on such a flow. A verdict on a flow whose nDPI name maps to no
// l7 name ("-": DNScrypt, say) has no truth to be judged by: those are
// listed, not scored. A scored flow l7sniff did not see counts as missed.
func TestAccuracyVsNDPI(t *testing.T) {
	ndpiDir := corpustest.Dir(t, "ndpi")
	appDir := corpustest.Dir(t, "app")
	m := readMapping(t, filepath.Join(ndpiDir, "mapping.tsv"))
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
	for _, c := range []struct {
		name, truth, pcap string
		cols              truthColumns
	}{
		{"ndpi", filepath.Join(ndpiDir, "truth"), filepath.Join(ndpiDir, "pcap"), ndpiColumns},
		{"app", filepath.Join(appDir, "flows"), filepath.Join(appDir, "pcap"), appColumns},
	} {
		t.Run(c.name, func(t *testing.T) {
			truths, err := filepath.Glob(filepath.Join(c.truth, "*.tsv"))
			if err != nil || len(truths) == 0 {
				t.Fatalf("no truth files in %s (%v)", c.truth, err)
			}
			scoreCorpus(t, c.name, truths, c.pcap, c.cols, m, set)
		})
	}
}

// scoreCorpus scores one corpus (see TestAccuracyVsNDPI) and fails below
// its floor in ndpiFloors.
func scoreCorpus(t *testing.T, corpus string, truths []string, pcapDir string, cols truthColumns, m *ndpiMapping, set *patterns.Set) {
	scores := map[string]*accuracyScore{}
	get := func(name string) *accuracyScore {
		if scores[name] == nil {
			scores[name] = &accuracyScore{}
		}
		return scores[name]
	}
	var misses, unjudged []string
	var unseen, guessedLabelled int
	for _, tp := range truths {
		rows := readTruth(t, tp, cols, m)
		capture := filepath.Join(pcapDir, strings.TrimSuffix(filepath.Base(tp), ".tsv"))
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
			if !r.dpi() {
				if ok && isLabel(f.App) {
					guessedLabelled++
				}
				continue
			}
			if !ok {
				if r.label != "-" {
					unseen++
					get(r.label).truth++
					misses = append(misses, fmt.Sprintf("%s: %s nDPI %s → %s, not seen by l7sniff", r.file, r.keys[0], r.master, r.label))
				}
				continue
			}
			if r.label != "-" {
				s := get(r.label)
				s.truth++
				if r.accepts(f.App) {
					s.found++
				}
			}
			switch {
			case isLabel(f.App) && r.label == "-":
				// nDPI's name has no l7 counterpart (DNScrypt, say): no
				// truth to judge the verdict by. Listed, not scored.
				unjudged = append(unjudged, fmt.Sprintf("%s: %s nDPI %s, l7sniff %s", r.file, viewKey(&f), r.master, f.App))
				continue
			case isLabel(f.App):
				s := get(f.App)
				s.given++
				if r.accepts(f.App) {
					s.right++
				}
			}
			if !r.accepts(f.App) {
				misses = append(misses, fmt.Sprintf("%s: %s nDPI %s → %s, l7sniff %s", r.file, viewKey(&f), r.master, r.label, f.App))
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
	var tot accuracyScore
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
	t.Logf("default set vs nDPI over the %d captures of %s (payload-decided flows; %d of them not seen by l7sniff; "+
		"%d flows nDPI only guessed by port or address got an l7sniff label, not scored):\n\n%s\nDisagreements (%d):\n%s",
		len(truths), corpus, unseen, guessedLabelled, tb.String(), len(misses), strings.Join(misses, "\n"))
	sort.Strings(unjudged)
	t.Logf("%d flows l7sniff named whose nDPI name maps to no l7 name (not scored):\n%s", len(unjudged), strings.Join(unjudged, "\n"))
	recall := float64(tot.found) / float64(max(tot.truth, 1))
	precision := float64(tot.right) / float64(max(tot.given, 1))
	const slack = 1e-9 // float rounding only
	floor := ndpiFloors[corpus]
	if recall < floor.recall-slack {
		t.Errorf("recall %.4f below the committed %.4f", recall, floor.recall)
	}
	if precision < floor.precision-slack {
		t.Errorf("precision %.4f below the committed %.4f", precision, floor.precision)
	}
}
