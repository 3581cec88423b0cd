package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// pcapFile builds a pcap file image of Ethernet frames.
func pcapFile(frames ...[]byte) []byte { return decodetest.PcapFile(1, frames...) }

// runBinary runs l7sniff with args and returns stdout, stderr and the
// exit code.
func runBinary(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(l7sniffBinary(t), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestHostileFiles feeds broken capture files: each must give a clear
// error naming the record, after printing every packet before it.
func TestHostileFiles(t *testing.T) {
	good := pcapFile(decodetest.EthIPv4TCP(80), decodetest.EthIPv4TCP(90), decodetest.EthIPv4TCP(100))
	hugeRec := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(hugeRec[24+16+80+8:], 300000) // record 2 claims 300000 bytes
	ng := []byte("\x0a\x0d\x0d\x0a\x08\x00\x00\x00")            // section header block claiming 8 bytes
	cases := []struct {
		name      string
		data      []byte
		wantLines int
		wantErr   string
	}{
		{"truncated in a record (a file still being written)", good[:len(good)-30], 2, "record 3 at byte 226: truncated: the file ends inside it"},
		{"record longer than 256 KiB", hugeRec, 1, "record 2"},
		{"not a capture file", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "expected a pcap or pcapng file"},
		{"empty file", nil, 0, "not a capture file"},
		{"pcapng block with a bad length", append(ng, make([]byte, 40)...), 0, "pcapng"},
	}
	// pcapng: section header (block 1, 28 bytes), interface (2, 20), then
	// packets of 80, 90 and 100 bytes (blocks 3-5 at bytes 48, 160, 284).
	ngGood := decodetest.PcapngFile(1, decodetest.EthIPv4TCP(80), decodetest.EthIPv4TCP(90), decodetest.EthIPv4TCP(100))
	ngDamaged := func(off int, v uint32) []byte {
		b := append([]byte(nil), ngGood...)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	ngSkipped := append(append([]byte(nil), ngGood[:160]...), 5, 0, 0, 0, 0, 0, 0, 0x80) // a 2 GB statistics block
	ngSkipped = append(ngSkipped, ngGood[160:]...)
	cases = append(cases, []struct {
		name      string
		data      []byte
		wantLines int
		wantErr   string
	}{
		{"pcapng truncated in a packet", ngGood[:len(ngGood)-30], 2,
			"pcapng block 5 (enhanced packet) at byte 284: truncated: the file ends inside it"},
		{"pcapng packet longer than its block", ngDamaged(284+20, 1000), 2,
			"pcapng block 5 (enhanced packet) at byte 284: captured length 1000 is longer than the block's 100 bytes"},
		{"pcapng block of 2 GB", ngDamaged(160+4, 1<<31), 1, "pcapng block 4 (enhanced packet) at byte 160: block of 2147483648 bytes"},
		{"pcapng skipped block of 2 GB in a small file", ngSkipped, 1, "pcapng block 4 (type 0x5) at byte 160: truncated"},
		{"pcapng block length not a multiple of 4", ngDamaged(160+4, 123), 1, "pcapng block 4 (enhanced packet) at byte 160: block length 123"},
		{"pcapng lengths disagree", ngDamaged(284+128, 136), 2, "pcapng block 5 (enhanced packet) at byte 284: block length 136 at its end differs"},
		{"pcapng packet on an undescribed interface", ngDamaged(160+8, 7), 1, "pcapng block 4 (enhanced packet) at byte 160: interface 7 was not described"},
		{"pcapng byte-order magic damaged", ngDamaged(8, 0x12345678), 0, "pcapng block 1 (section header) at byte 0: byte-order magic"},
	}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.pcap")
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runBinary(t, nil, "--no-drop", "--lines", "-r", path)
			if code != 1 || !strings.Contains(errOut, c.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, errOut, c.wantErr)
			}
			if n := strings.Count(out, "\n"); n != c.wantLines {
				t.Errorf("%d packets printed before the error, want %d:\n%s", n, c.wantLines, out)
			}
			if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
				t.Errorf("panic reached the user:\n%s", errOut)
			}
		})
	}
}

// TestOddRecordsAreShown: valid files tcpdump reads whose records
// l7sniff used to lose or misread. Each record is one line.
func TestOddRecordsAreShown(t *testing.T) {
	frame := decodetest.EthIPv4TCP(60)
	for _, c := range []struct {
		name, file string
		data       []byte
		want       []string // a substring of each line
	}{
		// 257 used to be cut to 8 bits and decoded as Ethernet.
		{"link type 257", "profibus.pcap", decodetest.PcapFile(257, frame, frame),
			[]string{"unsupported link type 257", "unsupported link type 257"}},
		// A zero-length record was taken for a live read timeout.
		{"zero-length record", "empty-record.pcap", decodetest.PcapFile(1, frame, nil, frame),
			[]string{"10.0.0.1", "0 of 14 bytes", "10.0.0.1"}},
		{"pcapng zero-length packet", "empty-record.pcapng", decodetest.PcapngFile(1, nil, frame),
			[]string{"0 of 14 bytes", "10.0.0.1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runBinary(t, nil, "--no-drop", "--lines", "-r", path)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if code != 0 || len(lines) != len(c.want) {
				t.Fatalf("exit %d, %d lines, want 0 and %d:\n%s%s", code, len(lines), len(c.want), out, errOut)
			}
			for i, w := range c.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d %q lacks %q", i+1, lines[i], w)
				}
			}
		})
	}
}

// TestEscapesNeverReachTheTerminal sends payloads carrying terminal escape
// sequences through every headless output.
func TestEscapesNeverReachTheTerminal(t *testing.T) {
	evil := []byte("GET /\x1b]0;pwned\x07 HTTP/1.1\r\nX: \x1b[2J\x1b[31m\r\n\r\n")
	tcp := decodetest.WithPayload(decodetest.EthIPv4TCP(54), evil)
	udp := append(decodetest.EthIPv6UDP(0), evil...)
	binary.BigEndian.PutUint16(udp[18:], uint16(8+len(evil)))
	binary.BigEndian.PutUint16(udp[54+4:], uint16(8+len(evil)))
	usb := decodetest.USBMon(64, evil)
	path := filepath.Join(t.TempDir(), "evil.pcap")
	if err := os.WriteFile(path, pcapFile(tcp, udp), 0o600); err != nil {
		t.Fatal(err)
	}
	usbPath := filepath.Join(t.TempDir(), "evil-usb.pcap")
	usbFile := decodetest.PcapFile(220, usb)
	if err := os.WriteFile(usbPath, usbFile, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--lines", "-x"},
		{"-T", "json"},
		{"-T", "fields", "-e", "frame.number", "-e", "l7sniff.app", "-e", "tcp.len", "-e", "usb.data_len"},
		{"--flows"},
		{"--flows", "--json"},
	} {
		for _, f := range []string{path, usbPath} {
			out, errOut, code := runBinary(t, nil, append([]string{"--no-drop", "-r", f}, args...)...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errOut)
			}
			if i := strings.IndexAny(out+errOut, "\x1b\x07"); i >= 0 {
				t.Errorf("%v on %s: raw escape byte in the output at %d:\n%q", args, filepath.Base(f), i, out)
			}
		}
	}
}

// TestWriteFileIsPrivateAndRefusesSymlinks checks -w: the file is created
// 0600 (captures hold other people's traffic), and a symlink planted at
// the path is refused rather than followed.
func TestWriteFileIsPrivateAndRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pcap")
	if err := os.WriteFile(in, pcapFile(decodetest.EthIPv4TCP(80)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.pcap")
	if _, errOut, code := runBinary(t, nil, "--no-drop", "-r", in, "-w", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("-w file mode %v, want 0600", st.Mode().Perm())
	}
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "planted.pcap")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runBinary(t, nil, "--no-drop", "-r", in, "-w", link); code == 0 || !strings.Contains(errOut, "planted.pcap") {
		t.Errorf("-w through a symlink: exit %d, stderr %q; want a refusal", code, errOut)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the symlink's target was overwritten: %q", b)
	}
}
