package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"l7sniff/internal/corpustest"
)

// These tests export to the collectors people run, from Debian's nfdump and
// pmacct packages, on loopback, and check that what the collectors stored
// is l7sniff's own flow report.

// needTools skips when a collector is not installed, except in CI, where
// `make deps` installs them and their absence is a failure.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			corpustest.Unavailable(t, "%s not installed (`make deps` installs nfdump and pmacct)", n)
		}
	}
}

// freeUDPPort returns a loopback port nothing listens on now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// startDaemon runs a collector in its own process group, waits until it
// has bound port, and makes sure it and its children are gone when the
// test ends. stop ends it early, gracefully (SIGINT: nfacctd ignores
// SIGTERM), so that it writes its files.
func startDaemon(t *testing.T, port int, name string, args ...string) (stop func()) {
	t.Helper()
	cmd := exec.Command(name, args...)
	log, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		// nfacctd's plugins are children in the same group; they leave
		// when the core does, but make sure.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("%s log:\n%s", name, out)
		}
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		// Look, do not touch: probing by binding the port would take it
		// for a moment, and a daemon binding in that moment fails.
		if udpBound(port) {
			return stop
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before listening", name)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not listening on %d after 5 s", name, port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// udpBound reports whether some socket has bound UDP port on this host,
// from the kernel's socket tables.
func udpBound(port int) bool {
	want := fmt.Sprintf(":%04X ", port)
	for _, f := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) > 1 && strings.HasSuffix(fields[1]+" ", want) {
				return true
			}
		}
	}
	return false
}

// uniflow is one direction of a flow as a collector keys it.
type uniflow struct {
	proto            int
	src, dst         netip.Addr
	srcPort, dstPort uint16
}

func (u uniflow) String() string {
	return fmt.Sprintf("%d %s:%d → %s:%d", u.proto, u.src, u.srcPort, u.dst, u.dstPort)
}

type counts struct {
	packets, bytes uint64
	app            string
	// The flow's identity as l7sniff exports it: host (IE 460 or
	// enterprise element 2), service, ALPN (chosen, else offered).
	host, service, alpn string
}

// reportFlows runs l7sniff with extra arguments and returns its JSON flow
// report as uniflows, summed by key (two flows may share a 5-tuple), the
// number of flow directions that sent packets, and the records it says it
// exported.
func reportFlows(t *testing.T, capture string, args ...string) (flows map[uniflow]counts, directions int, exported uint64) {
	t.Helper()
	cmd := exec.Command(l7sniffBinary(t), append([]string{"-r", capture, "--flows", "--json"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("l7sniff: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Flows []struct {
			Proto, A, B, App string
			Host, Service    string
			ALPN             string `json:"alpn"`
			ALPNOffered      string `json:"alpn_offered"`
			Pab              uint64 `json:"packets_ab"`
			Pba              uint64 `json:"packets_ba"`
			Bab              uint64 `json:"bytes_ab"`
			Bba              uint64 `json:"bytes_ba"`
		}
		Stats struct{ Exported, ExportDropped uint64 }
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Stats.ExportDropped != 0 {
		t.Errorf("l7sniff dropped %d records", rep.Stats.ExportDropped)
	}
	flows = map[uniflow]counts{}
	for _, f := range rep.Flows {
		proto := map[string]int{"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPv6": 58}[f.Proto]
		if p, ok := strings.CutPrefix(f.Proto, "IP/"); ok {
			proto, _ = strconv.Atoi(p)
		}
		a, aport := endpoint(t, f.A)
		b, bport := endpoint(t, f.B)
		for _, d := range []struct {
			u      uniflow
			p, byt uint64
		}{{uniflow{proto, a, b, aport, bport}, f.Pab, f.Bab}, {uniflow{proto, b, a, bport, aport}, f.Pba, f.Bba}} {
			if d.p == 0 {
				continue
			}
			c := flows[d.u]
			c.packets += d.p
			c.bytes += d.byt
			c.app = f.App
			c.host, c.service, c.alpn = f.Host, f.Service, f.ALPN
			if c.alpn == "" {
				c.alpn = f.ALPNOffered
			}
			flows[d.u] = c
			directions++
		}
	}
	return flows, directions, rep.Stats.Exported
}

// endpoint parses "10.0.0.1:80", "[2001:db8::1]:80" or a bare address.
func endpoint(t *testing.T, s string) (netip.Addr, uint16) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr(), ap.Port()
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatalf("endpoint %q: %v", s, err)
	}
	return a, 0
}

// nfdumpFlows reads nfcapd's files as CSV.
func nfdumpFlows(t *testing.T, dir string, extra ...string) (map[uniflow]counts, int) {
	t.Helper()
	out, err := exec.Command("nfdump", append([]string{"-R", dir, "-o", "csv"}, extra...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("nfdump: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	col := map[string]int{}
	flows := map[uniflow]counts{}
	n := 0
	for _, line := range lines {
		f := strings.Split(line, ",")
		if len(col) == 0 {
			if strings.HasPrefix(line, "ts,") {
				for i, name := range f {
					col[name] = i
				}
			}
			continue
		}
		if len(f) != len(col) {
			break // the summary after the records
		}
		proto := map[string]int{"TCP": 6, "UDP": 17, "ICMP": 1, "ICMP6": 58}[f[col["pr"]]]
		if proto == 0 {
			proto, _ = strconv.Atoi(f[col["pr"]])
		}
		sp, _ := strconv.Atoi(f[col["sp"]])
		dp, _ := strconv.ParseFloat(f[col["dp"]], 64) // ICMP: type.code
		u := uniflow{proto, netip.MustParseAddr(f[col["sa"]]), netip.MustParseAddr(f[col["da"]]), uint16(sp), uint16(dp)}
		p, _ := strconv.ParseUint(f[col["ipkt"]], 10, 64)
		b, _ := strconv.ParseUint(f[col["ibyt"]], 10, 64)
		c := flows[u]
		c.packets += p
		c.bytes += b
		flows[u] = c
		n++
	}
	if len(col) == 0 {
		t.Fatalf("nfdump printed no CSV header:\n%s", out)
	}
	return flows, n
}

// compare reports every uniflow whose counts (and, with apps, verdict)
// differ, and checks both address families took part.
func compare(t *testing.T, who string, want, got map[uniflow]counts, apps bool) {
	t.Helper()
	var bad []string
	for u, w := range want {
		g, ok := got[u]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("missing %s (%d packets)", u, w.packets))
		case g.packets != w.packets || g.bytes != w.bytes:
			bad = append(bad, fmt.Sprintf("%s: %d packets %d bytes, l7sniff says %d %d", u, g.packets, g.bytes, w.packets, w.bytes))
		case apps && g.app != w.app:
			bad = append(bad, fmt.Sprintf("%s: class %q, l7sniff says %q", u, g.app, w.app))
		case apps && (g.host != w.host || g.service != w.service || g.alpn != w.alpn):
			bad = append(bad, fmt.Sprintf("%s: host %q service %q alpn %q, l7sniff says %q %q %q", u, g.host, g.service, g.alpn, w.host, w.service, w.alpn))
		}
	}
	for u := range got {
		if _, ok := want[u]; !ok {
			bad = append(bad, fmt.Sprintf("extra %s", u))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%s disagrees with l7sniff's report on %d of %d uniflows:\n%s", who, len(bad), len(want), strings.Join(bad[:min(len(bad), 20)], "\n"))
	}
}

// ipfixCaptures are corpus captures with IPv4 and IPv6 flows between them.
func ipfixCaptures(t *testing.T) []string {
	root := corpustest.Dir(t)
	return []string{
		filepath.Join(root, "ndpi", "pcap", "android.pcap"),   // IPv4 (and one IPv6 ICMP flow), 100 s
		filepath.Join(root, "ndpi", "pcap", "pinterest.pcap"), // IPv6
		filepath.Join(root, "ndpi", "pcap", "dns-google-nsid.pcapng"),
	}
}

func familiesSeen(t *testing.T, flows map[uniflow]counts) {
	t.Helper()
	v4, v6 := 0, 0
	for u := range flows {
		if u.src.Is4() {
			v4++
		} else {
			v6++
		}
	}
	if v4 == 0 || v6 == 0 {
		t.Errorf("%d IPv4 and %d IPv6 uniflows: the test needs both", v4, v6)
	}
}

func TestIPFIXToNfcapd(t *testing.T) {
	needTools(t, "nfcapd", "nfdump")
	all := map[uniflow]counts{}
	for _, capture := range ipfixCaptures(t) {
		t.Run(filepath.Base(capture), func(t *testing.T) {
			port := freeUDPPort(t)
			dir := t.TempDir()
			stop := startDaemon(t, port, "nfcapd", "-b", "127.0.0.1", "-p", strconv.Itoa(port), "-w", dir, "-t", "3600")
			// Without active timeouts each record is one direction of
			// one flow: the collector must hold exactly the report.
			want, directions, exported := reportFlows(t, capture, "--ipfix", fmt.Sprintf("127.0.0.1:%d", port), "--ipfix-active-timeout", "0")
			time.Sleep(300 * time.Millisecond) // nfcapd reads what is queued on its socket
			stop()
			got, n := nfdumpFlows(t, dir)
			if n != directions || exported != uint64(directions) {
				t.Errorf("nfdump holds %d records, l7sniff exported %d, its report has %d flow directions", n, exported, directions)
			}
			compare(t, "nfdump", want, got, false)
			for u, c := range want {
				all[u] = c
			}
		})
	}
	familiesSeen(t, all)
}

func TestIPFIXActiveTimeoutAddsUp(t *testing.T) {
	needTools(t, "nfcapd", "nfdump")
	capture := ipfixCaptures(t)[0] // 100 s of capture time
	port := freeUDPPort(t)
	dir := t.TempDir()
	stop := startDaemon(t, port, "nfcapd", "-b", "127.0.0.1", "-p", strconv.Itoa(port), "-w", dir, "-t", "3600")
	want, directions, exported := reportFlows(t, capture, "--ipfix", fmt.Sprintf("127.0.0.1:%d", port), "--ipfix-active-timeout", "5s")
	time.Sleep(300 * time.Millisecond)
	stop()
	_, records := nfdumpFlows(t, dir)
	if uint64(records) != exported || records <= directions {
		t.Errorf("nfdump holds %d records, l7sniff exported %d for %d flow directions: a 5 s active timeout over 100 s should split long flows", records, exported, directions)
	}
	// Summed per 5-tuple, the pieces are the whole.
	got, _ := nfdumpFlows(t, dir, "-A", "proto,srcip,srcport,dstip,dstport")
	compare(t, "nfdump -A", want, got, false)
}

func TestIPFIXToNfacctdCarriesVerdicts(t *testing.T) {
	needTools(t, "nfacctd")
	port := freeUDPPort(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "flows.csv")
	conf := filepath.Join(dir, "nfacctd.conf")
	// l7sniff's identity elements, read as custom primitives: the HTTP
	// host (IE 460) and, under l7sniff's PEN, host, service and ALPN.
	prims := filepath.Join(dir, "primitives.lst")
	err := os.WriteFile(prims, []byte(`name=httphost field_type=460 len=vlen semantics=str
name=l7host field_type=32473:2 len=vlen semantics=str
name=l7service field_type=32473:3 len=vlen semantics=str
name=l7alpn field_type=32473:4 len=vlen semantics=str
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	// The class primitive is the application name: nfacctd learns the
	// applicationId → name map from the options records.
	err = os.WriteFile(conf, []byte(fmt.Sprintf(`daemonize: false
pidfile: %s/nfacctd.pid
nfacctd_ip: 127.0.0.1
nfacctd_port: %d
plugins: print
aggregate_primitives: %s
aggregate: class, src_host, dst_host, src_port, dst_port, proto, httphost, l7host, l7service, l7alpn
print_output: csv
print_output_separator: |
print_output_file: %s
print_output_file_append: true
print_refresh_time: 1
`, dir, port, prims, out)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	startDaemon(t, port, "nfacctd", "-f", conf)
	all := map[uniflow]counts{}
	for _, capture := range ipfixCaptures(t) {
		want, _, _ := reportFlows(t, capture, "--ipfix", fmt.Sprintf("127.0.0.1:%d", port), "--ipfix-active-timeout", "0")
		for u, c := range want {
			c0 := all[u]
			c.packets += c0.packets
			c.bytes += c0.bytes
			all[u] = c
		}
	}
	familiesSeen(t, all)
	var total uint64
	for _, c := range all {
		total += c.packets
	}
	// The print plugin writes its cache every second; wait until all
	// packets are in the file.
	var got map[uniflow]counts
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		var n uint64
		got, n = nfacctdFlows(t, out)
		if n >= total {
			break
		}
	}
	compare(t, "nfacctd", all, got, true)
}

// nfacctdFlows reads the print plugin's CSV (header repeated per purge).
func nfacctdFlows(t *testing.T, path string) (map[uniflow]counts, uint64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0
	}
	flows := map[uniflow]counts{}
	var col map[string]int
	var total uint64
	for _, line := range strings.Split(string(data), "\n") {
		// '|'-separated: an offered ALPN list has commas.
		f := strings.Split(line, "|")
		if strings.HasPrefix(line, "CLASS|") {
			col = map[string]int{}
			for i, name := range f {
				col[name] = i
			}
			for _, name := range []string{"CLASS", "httphost", "l7host", "l7service", "l7alpn"} {
				if _, ok := col[name]; !ok {
					t.Fatalf("nfacctd's CSV has no %s column: %s", name, line)
				}
			}
			continue
		}
		if col == nil || len(f) != len(col) {
			continue
		}
		proto := map[string]int{"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58}[f[col["PROTOCOL"]]]
		if proto == 0 {
			proto, _ = strconv.Atoi(f[col["PROTOCOL"]])
		}
		sp, _ := strconv.Atoi(f[col["SRC_PORT"]])
		dp, _ := strconv.Atoi(f[col["DST_PORT"]])
		u := uniflow{proto, netip.MustParseAddr(f[col["SRC_IP"]]), netip.MustParseAddr(f[col["DST_IP"]]), uint16(sp), uint16(dp)}
		p, _ := strconv.ParseUint(f[col["PACKETS"]], 10, 64)
		b, _ := strconv.ParseUint(f[col["BYTES"]], 10, 64)
		c := flows[u]
		c.packets += p
		c.bytes += b
		c.app = f[col["CLASS"]]
		c.host, c.service, c.alpn = f[col["httphost"]]+f[col["l7host"]], f[col["l7service"]], f[col["l7alpn"]]
		flows[u] = c
		total += p
	}
	return flows, total
}
