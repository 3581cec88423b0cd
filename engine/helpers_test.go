package engine

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"l7sniff/patterns"
)

// Helpers shared by the engine's unit tests: frames built with gopacket's
// layers (an encoder independent of the decoder under test), capture
// files written with pcapgo, and small pattern sets.

// testFrame is one packet of a generated capture.
type testFrame struct {
	ts   time.Time
	data []byte
}

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
)

// tcpFrame builds an Ethernet/IPv4/TCP frame. flags is any of "SAFRP".
func tcpFrame(t testing.TB, src, dst string, sport, dport uint16, flags string, payload []byte) []byte {
	t.Helper()
	// Each sender's sequence numbers count on as a real stack's do, so
	// the classifier's TCP ordering (tcpseq.go) sees no retransmission.
	tcpSeqs.Lock()
	k := fmt.Sprintf("%s:%d>%s:%d", src, sport, dst, dport)
	seq, ok := tcpSeqs.next[k]
	if !ok {
		seq = 1000
	}
	tcpSeqs.next[k] = seq + uint32(len(payload)) + uint32(strings.Count(flags, "S")+strings.Count(flags, "F"))
	tcpSeqs.Unlock()
	return tcpSegment(t, src, dst, sport, dport, flags, seq, payload)
}

// tcpSeqs is the next sequence number of each sender of tcpFrame.
var tcpSeqs = struct {
	sync.Mutex
	next map[string]uint32
}{next: map[string]uint32{}}

// tcpSegment builds an Ethernet/IPv4/TCP frame with sequence number seq.
func tcpSegment(t testing.TB, src, dst string, sport, dport uint16, flags string, seq uint32, payload []byte) []byte {
	t.Helper()
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		case 'P':
			tcp.PSH = true
		}
	}
	return ipFrame(t, src, dst, layers.IPProtocolTCP, tcp, payload)
}

// udpFrame builds an Ethernet/IPv4/UDP frame.
func udpFrame(t testing.TB, src, dst string, sport, dport uint16, payload []byte) []byte {
	t.Helper()
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	return ipFrame(t, src, dst, layers.IPProtocolUDP, udp, payload)
}

type transport interface {
	gopacket.SerializableLayer
}

func ipFrame(t testing.TB, src, dst string, proto layers.IPProtocol, l4 transport, payload []byte) []byte {
	t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	switch l := l4.(type) {
	case *layers.TCP:
		l.SetNetworkLayerForChecksum(ip)
	case *layers.UDP:
		l.SetNetworkLayerForChecksum(ip)
	}
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, l4, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// writeCapture writes frames to a new pcap file (Ethernet) and returns
// its path.
func writeCapture(t testing.TB, frames []testFrame) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gen.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, fr := range frames {
		ci := gopacket.CaptureInfo{Timestamp: fr.ts, CaptureLength: len(fr.data), Length: len(fr.data)}
		if err := w.WritePacket(ci, fr.data); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// record is one record of a capture file as pcapgo reads it.
type record struct {
	ci   gopacket.CaptureInfo
	data []byte
}

// readCapture reads every record of a pcap file with pcapgo, the truth
// the engine's reading and writing are compared with.
func readCapture(t testing.TB, path string) (layers.LinkType, []record) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		out = append(out, record{ci, data})
	}
	return r.LinkType(), out
}

// demoPcap is the project's own recorded capture (testdata/README.md).
const demoPcap = "../testdata/demo.pcap"

// defaultSet loads the embedded default patterns.
func defaultSet(t testing.TB) *patterns.Set {
	t.Helper()
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatalf("default patterns: %v", errs)
	}
	return set
}

// patternSet loads a set from pattern files given as name → regex.
func patternSet(t testing.TB, opts patterns.Options, pats map[string]string) *patterns.Set {
	t.Helper()
	dir := t.TempDir()
	for name, re := range pats {
		body := "# " + name + " - test pattern\n" + name + "\n" + re + "\n"
		if err := os.WriteFile(filepath.Join(dir, name+".pat"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, errs := opts.Load(dir)
	if len(errs) > 0 || set.Len() != len(pats) {
		t.Fatalf("test patterns: %d loaded, errors %v", set.Len(), errs)
	}
	return set
}

// runEngine runs an engine over cfg to the end and returns it with Run's
// error.
func runEngine(t testing.TB, cfg Config) (*Engine, error) {
	t.Helper()
	if cfg.Patterns == nil {
		cfg.Patterns = defaultSet(t)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return e, e.Run(ctx)
}

// flowsByPort indexes flows by the server port (endpoint B of the view).
func flowsTo(flows []FlowView, port string) []FlowView {
	var out []FlowView
	for _, f := range flows {
		if _, p, _ := net.SplitHostPort(f.B()); p == port {
			out = append(out, f)
		}
	}
	return out
}
