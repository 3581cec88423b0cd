package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// writeEvilCapture writes a TCP conversation whose payload carries
// terminal escape sequences: a title change, a screen clear and a colour.
func writeEvilCapture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "evil.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	payloads := []string{
		"GET /\x1b]0;pwned\x07 HTTP/1.1\r\nHost: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: \x1b[2J\x1b[31mred\r\n\r\n",
	}
	for i, pl := range payloads {
		eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: []byte{10, 9, 0, 1}, DstIP: []byte{10, 9, 0, 2}}
		tcp := &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 1, Ack: 1, ACK: true, PSH: true, Window: 512}
		if i == 1 {
			ip.SrcIP, ip.DstIP = ip.DstIP, ip.SrcIP
			tcp.SrcPort, tcp.DstPort = 80, 40000
		}
		tcp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(pl)); err != nil {
			t.Fatal(err)
		}
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)*1000), CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}
		if err := w.WritePacket(ci, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestEscapesNeverReachTheTerminal shows packets carrying escape sequences
// in the packet list, the detail pane and the follow-stream view of the
// real binary under tmux. Had a byte gone through raw, tmux would have
// changed the pane title to "pwned" and cleared the screen.
func TestEscapesNeverReachTheTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	evil := writeEvilCapture(t)
	tm := startTmux(t, 120, 40, bin+" --no-drop -r "+evil+"; sleep 60")
	checkClean := func(where string) {
		t.Helper()
		if title := strings.TrimSpace(tm.run("display-message", "-p", "-t", "t", "#{pane_title}")); title == "pwned" {
			t.Fatalf("%s: a packet set the terminal title", where)
		}
		if !strings.Contains(tm.screen(), "l7sniff") {
			t.Fatalf("%s: the header is gone (screen cleared by a packet?):\n%s", where, tm.screen())
		}
	}
	tm.waitText("10.9.0.1:40000", "(file, ended)")
	checkClean("packet list")
	tm.keys("g", "Enter")
	tm.waitText("Frame")
	tm.keys("x")
	checkClean("detail and hex")
	tm.keys("Escape")
	tm.waitFor(5*time.Second, "back to the list", func(s string) bool { return strings.Contains(s, "No.") })
	tm.keys("f")
	s := tm.waitText("pwned")
	checkClean("follow stream")
	if !strings.Contains(s, "]0;pwned") {
		t.Errorf("follow stream does not show the escaped payload:\n%s", s)
	}
}
