package ui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"l7sniff/internal/corpustest"
)

// mergeCaptures writes the packets of Ethernet captures (pcap or pcapng),
// one capture after the other, into a pcap file in a temporary directory.
// Each keeps its own times and addresses, so they stay apart as flows.
func mergeCaptures(tb testing.TB, paths ...string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "merged.pcap")
	f, err := os.Create(out)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		tb.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var src gopacket.PacketDataSource
		if ng, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions); err == nil {
			src = ng
		} else if r, err := pcapgo.NewReader(bytes.NewReader(data)); err == nil {
			src = r
		} else {
			tb.Fatalf("%s: neither pcap nor pcapng: %v", p, err)
		}
		for {
			b, ci, err := src.ReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				tb.Fatalf("%s: %v", p, err)
			}
			if err := w.WritePacket(ci, b); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return out
}

// TestIdentityEndToEnd runs the binary in tmux on a TLS (github), a QUIC
// (facebook) and an HTTP (google) capture from the app corpus, merged:
// the flows view shows each flow's host and its verdict beside its
// service, and "/service github" filters both the packet list and the
// flows.
func TestIdentityEndToEnd(t *testing.T) {
	needTmux(t)
	dir := corpustest.Dir(t, "app", "pcap")
	capture := mergeCaptures(t, filepath.Join(dir, "443-git.pcap"),
		filepath.Join(dir, "quic-mvfst-27.pcapng"), filepath.Join(dir, "http.pcapng"))
	bin := buildBinary(t)
	tm := startTmux(t, 170, 40, bin+" --no-drop -r "+capture+"; sleep 60")
	tm.waitText("(file, ended)")
	tm.waitText("services ", "github ", "facebook ", "google ") // the header's top services

	tm.keys("Tab")
	s := tm.waitText("Host", "Service", "github.com", "graph.facebook.com", "google.com",
		"ssl · github", "quic · facebook", "http · google")
	if got := flowRows(s); got != 3 {
		t.Errorf("%d flows listed, want 3:\n%s", got, s)
	}

	tm.keys("/")
	tm.text("service github")
	tm.keys("Enter")
	s = tm.waitText(`view filter "service github": 70 packets`)
	rows := strings.Join(strings.Split(s, "\n")[headerLines:], "\n")
	if got := flowRows(s); got != 1 || !strings.Contains(rows, "github.com") || strings.Contains(rows, "facebook") {
		t.Errorf("flows view under service github: %d flows, want only github's:\n%s", got, s)
	}
	tm.keys("Tab")
	tm.waitText("140.82.114.4:443", "ssl · github")
	tm.keys("g")
	s = tm.waitText("Client Hello (SNI=github.com)")
	for _, l := range strings.Split(s, "\n") {
		if packetRow.MatchString(l) && !strings.Contains(l, "140.82.114.4") {
			t.Errorf("packet outside service github: %q", l)
		}
	}

	// Combined with BPF, and an error shown inline with its column.
	tm.keys("/", "C-u")
	tm.text("service github or udp port 443")
	tm.keys("Enter")
	tm.waitText(`view filter "service github or udp port 443": 90 packets`)
	tm.keys("/", "C-u")
	tm.text("service github or")
	tm.waitText("column 18: expression ends where an operand is expected")
}

// packetRow is a packets-view row: a number, then a relative time.
var packetRow = regexp.MustCompile(`^[ >]\s*\d+ +\d+\.\d{6} `)

// flowRows counts the rows of a flows view screen.
func flowRows(screen string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.TrimPrefix(l, ">"))
		if len(f) > 2 && (f[1] == "TCP" || f[1] == "UDP") {
			n++
		}
	}
	return n
}

// TestServiceRulesEndToEnd: with --services naming the demo capture's
// host, its TLS and DNS flows carry the service, and the view filter's
// identity primitives choose them (runs without the corpus).
func TestServiceRulesEndToEnd(t *testing.T) {
	needTmux(t)
	rules := t.TempDir()
	if err := os.WriteFile(filepath.Join(rules, "demo.rules"), []byte("# the demo capture's server\ndemo demo.l7sniff.test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	capture, _ := filepath.Abs(demoCapture)
	bin := buildBinary(t)
	tm := startTmux(t, 170, 40, bin+" --no-drop --services "+rules+" -r "+capture+"; sleep 60")
	tm.waitText("(file, ended)", "services demo ")
	tm.keys("Tab")
	tm.waitText("ssl · demo", "dns · demo", "demo.l7sniff.test")

	tm.keys("/")
	tm.text("service demo and tcp port 443")
	tm.keys("Enter")
	s := tm.waitText(`view filter "service demo and tcp port 443"`)
	if got := flowRows(s); got != 3 || !strings.Contains(s, "ssl · demo") {
		t.Errorf("%d flows for the demo service over TLS, want the 3 with SNI:\n%s", got, s)
	}
	tm.keys("/", "C-u")
	tm.text("host l7sniff.test and not app dns")
	tm.keys("Enter")
	s = tm.waitText(`view filter "host l7sniff.test and not app dns"`)
	if got := flowRows(s); got != 3 {
		t.Errorf("%d flows named under l7sniff.test that are not DNS, want 3:\n%s", got, s)
	}
}
