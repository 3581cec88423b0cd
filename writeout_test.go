package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"l7sniff/decode/decodetest"
)

// tcpdumpRead reads a capture file with tcpdump, the reference reader,
// and returns its text (the link-type line on stderr, then one line per
// packet).
func tcpdumpRead(t *testing.T, path string) string {
	t.Helper()
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump is needed (make deps installs it)")
		}
		t.Skip("tcpdump not installed")
	}
	out, err := exec.Command(tcpdump, "-nr", path).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump -r %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// countPackets counts tcpdump's packet lines (those after "reading from").
func countPackets(tcpdumpOut string) int {
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(tcpdumpOut), "\n") {
		if l != "" && !strings.HasPrefix(l, "reading from") {
			n++
		}
	}
	return n
}

// TestWriteStdoutCarriesOnlyTheCapture checks -w -: stdout is a pcap and
// nothing else (it used to get packet lines mixed in), and the outputs
// that would share stdout are refused.
func TestWriteStdoutCarriesOnlyTheCapture(t *testing.T) {
	in := pcapFile(decodetest.EthIPv4TCP(80), decodetest.EthIPv4TCP(90), decodetest.EthIPv4TCP(100))
	out, errOut, code := runBinary(t, in, "-r", "-", "-w", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	path := filepath.Join(t.TempDir(), "stdout.pcap")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("stdout is not a pcap: %v (%q…)", err, out[:min(len(out), 40)])
	}
	n := 0
	for {
		_, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v: text mixed into the pcap?", n+1, err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("stdout pcap holds %d packets, want 3", n)
	}
	if got := countPackets(tcpdumpRead(t, path)); got != 3 {
		t.Errorf("tcpdump reads %d packets from stdout, want 3", got)
	}
	for _, extra := range []string{"--lines", "--flows"} {
		if _, errOut, code := runBinary(t, in, "-r", "-", "-w", "-", extra); code == 0 || !strings.Contains(errOut, "stdout") {
			t.Errorf("-w - %s: exit %d, stderr %q; want a refusal naming stdout", extra, code, errOut)
		}
	}
}

// TestWriteFileAlonePrintsNoLines checks that -w FILE with stdout not a
// terminal saves without printing packets, as tcpdump; --lines still
// prints them.
func TestWriteFileAlonePrintsNoLines(t *testing.T) {
	in := pcapFile(decodetest.EthIPv4TCP(80), decodetest.EthIPv4TCP(90))
	dir := t.TempDir()
	out, errOut, code := runBinary(t, in, "--no-drop", "-r", "-", "-w", filepath.Join(dir, "a.pcap"))
	if code != 0 || out != "" {
		t.Errorf("-w FILE: exit %d, stdout %q, want 0 and nothing (stderr %q)", code, out, errOut)
	}
	out, _, code = runBinary(t, in, "--no-drop", "-r", "-", "-w", filepath.Join(dir, "b.pcap"), "--lines")
	if n := strings.Count(out, "\n"); code != 0 || n != 2 {
		t.Errorf("-w FILE --lines: exit %d, %d lines, want 0 and 2:\n%s", code, n, out)
	}
}

// ngFile writes a pcapng file with gopacket's writer (an implementation
// independent of l7sniff's): one interface per link type, each frame on
// the interface of its link type.
func ngFile(t *testing.T, path string, links []layers.LinkType, frames [][]byte, frameLink []int) {
	t.Helper()
	var buf bytes.Buffer
	intf := pcapgo.DefaultNgInterface
	intf.LinkType = links[0]
	w, err := pcapgo.NewNgWriterInterface(&buf, intf, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links[1:] {
		intf.LinkType = l
		if _, err := w.AddInterface(intf); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: len(f), Length: len(f), InterfaceIndex: frameLink[i]}
		if err := w.WritePacket(ci, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWriteFromPcapng checks -w from a pcapng source: one link type gives
// a pcap with that link type (it used to be 0, which no reader decodes);
// mixed link types give pcapng with each packet on an interface of its
// own link type; -w NAME.pcapng asks for pcapng.
func TestWriteFromPcapng(t *testing.T) {
	dir := t.TempDir()
	eth := [][]byte{decodetest.EthIPv4TCP(80), decodetest.EthIPv4TCP(90), decodetest.EthIPv4TCP(100)}
	single := filepath.Join(dir, "single.pcapng")
	ngFile(t, single, []layers.LinkType{layers.LinkTypeEthernet}, eth, []int{0, 0, 0})

	out := filepath.Join(dir, "out.pcap")
	if _, errOut, code := runBinary(t, nil, "--no-drop", "-r", single, "-w", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	td := tcpdumpRead(t, out)
	if !strings.Contains(td, "link-type EN10MB") || countPackets(td) != 3 {
		t.Errorf("pcap from a pcapng source, as tcpdump reads it (want EN10MB, 3 packets):\n%s", td)
	}
	ng := filepath.Join(dir, "out.pcapng")
	if _, errOut, code := runBinary(t, nil, "--no-drop", "-r", single, "-w", ng); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if td := tcpdumpRead(t, ng); !strings.Contains(td, "link-type EN10MB") || countPackets(td) != 3 {
		t.Errorf("-w x.pcapng, as tcpdump reads it (want EN10MB, 3 packets):\n%s", td)
	}

	// Ethernet and raw IP: the raw packet is the IPv4 packet inside the
	// Ethernet frame.
	mixed := filepath.Join(dir, "mixed.pcapng")
	frames := [][]byte{eth[0], eth[1][14:], eth[2]}
	ngFile(t, mixed, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeRaw}, frames, []int{0, 1, 0})
	out = filepath.Join(dir, "mixed-out.pcap")
	if _, errOut, code := runBinary(t, nil, "--no-drop", "-r", mixed, "-w", out); code != 0 {
		t.Fatalf("mixed link types: exit %d: %s", code, errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		t.Fatalf("mixed link types: the output is not pcapng: %v", err)
	}
	for i, want := range frames {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			t.Fatalf("mixed link types: packet %d: %v", i+1, err)
		}
		intf, err := r.Interface(ci.InterfaceIndex)
		if err != nil {
			t.Fatal(err)
		}
		wantLink := layers.LinkTypeEthernet
		if i == 1 {
			wantLink = layers.LinkTypeRaw
		}
		if intf.LinkType != wantLink || !bytes.Equal(data, want) {
			t.Errorf("mixed link types: packet %d on link type %d (%d bytes), want %d (%d bytes)", i+1, intf.LinkType, len(data), wantLink, len(want))
		}
	}
	if _, _, err := r.ReadPacketData(); !errors.Is(err, io.EOF) {
		t.Errorf("mixed link types: after 3 packets: %v, want EOF", err)
	}
}
