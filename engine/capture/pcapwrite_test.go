package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"l7sniff/decode"
)

// TestCreateCaptureReplacesExistingFile: an existing file does not lend
// the capture its mode (0644 let anyone read other people's traffic),
// and a hard link to it is not written through.
func TestCreateCaptureReplacesExistingFile(t *testing.T) {
	dir := t.TempDir()
	path, other := filepath.Join(dir, "old.pcap"), filepath.Join(dir, "hardlink")
	if err := os.WriteFile(path, []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	w, err := CreatePcap(path, 0o600, decode.LinkEthernet, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 || st.Size() != 24 {
		t.Errorf("rewritten file: mode %v, %d bytes; want 0600 and a 24-byte pcap header", st.Mode().Perm(), st.Size())
	}
	if b, _ := os.ReadFile(other); string(b) != "old contents" {
		t.Errorf("the hard link's file was written through: %q", b)
	}
}

// TestCreateCaptureRefusesSymlinks: the refusal says what l7sniff
// refuses and why, not only ELOOP's "too many levels of symbolic links".
func TestCreateCaptureRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "victim"), filepath.Join(dir, "planted.pcap")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := CreatePcap(link, 0o600, decode.LinkEthernet, 0, true)
	if err == nil || !strings.Contains(err.Error(), "refuses to write through") || !strings.Contains(err.Error(), "overwrite") {
		t.Errorf("CreatePcap through a symlink: %v; want a refusal that says why", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the symlink's target changed: %q", b)
	}
}

// TestCreateCaptureLeavesDevices: a device is written as it is, never
// removed and replaced by a file.
func TestCreateCaptureLeavesDevices(t *testing.T) {
	w, err := CreatePcap(os.DevNull, 0o600, decode.LinkEthernet, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s after -w: %v, %v; want the character device", os.DevNull, st.Mode(), err)
	}
}

// TestPcapngWriterMixesLinkTypes writes packets of three link types
// (LINUX_SLL2 does not fit gopacket's 8-bit link type) and reads them back
// with pcapgo: each on an interface of its own type, bytes, lengths and
// microsecond timestamps intact. A pcap file refuses the second link type
// and says to write pcapng.
func TestPcapngWriterMixesLinkTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mixed.pcapng")
	w, err := CreateCapture(path, 0o600, WriteConfig{Pcapng: true, Buffered: true})
	if err != nil {
		t.Fatal(err)
	}
	links := []decode.LinkType{decode.LinkEthernet, decode.LinkLinuxSLL2, decode.LinkEthernet, 101}
	frames := [][]byte{bytes.Repeat([]byte{1}, 60), bytes.Repeat([]byte{2}, 33), bytes.Repeat([]byte{3}, 61), bytes.Repeat([]byte{4}, 20)}
	ts := int64(1_700_000_000_123_456_789)
	for i, f := range frames {
		if err := w.WriteFrame(ts+int64(i)*1e9, links[i], f, len(f)+i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range frames {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		intf, err := r.Interface(ci.InterfaceIndex)
		if err != nil {
			t.Fatal(err)
		}
		// pcapgo keeps the low byte of a link type: 276 reads as 20.
		wantTS := time.Unix(0, ts+int64(i)*1e9).Truncate(time.Microsecond)
		if intf.LinkType != layers.LinkType(uint8(links[i])) || !bytes.Equal(data, want) || ci.Length != len(want)+i || !ci.Timestamp.Equal(wantTS) {
			t.Errorf("packet %d: link %d, %d bytes (wire %d) at %v; want link %d, %d bytes (wire %d) at %v",
				i+1, intf.LinkType, len(data), ci.Length, ci.Timestamp, links[i], len(want), len(want)+i, wantTS)
		}
	}
	if n := r.NInterfaces(); n != 3 {
		t.Errorf("%d interfaces, want 3 (one per link type)", n)
	}

	p, err := CreateCapture(filepath.Join(t.TempDir(), "one.pcap"), 0o600, WriteConfig{Buffered: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.WriteFrame(ts, decode.LinkEthernet, frames[0], 60); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteFrame(ts, decode.LinkLinuxSLL2, frames[1], 33); err == nil || !strings.Contains(err.Error(), "pcapng") {
		t.Errorf("a second link type in a pcap file: %v; want an error pointing to pcapng", err)
	}
}

// TestPcapHeaderTakesFirstPacketsLinkType: a writer created before the
// link type is known (a pcapng stream) writes the first packet's.
func TestPcapHeaderTakesFirstPacketsLinkType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "late.pcap")
	w, err := CreateCapture(path, 0o600, WriteConfig{Buffered: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(1e18, decode.LinkLinuxSLL2, bytes.Repeat([]byte{1}, 40), 40); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := uint32(b[20]) | uint32(b[21])<<8; len(b) < 24 || got != 276 {
		t.Errorf("header link type %d, want 276", got)
	}
}

// BenchmarkPcapngWrite measures the -w step per packet in pcapng: no
// allocation.
func BenchmarkPcapngWrite(b *testing.B) {
	w, err := CreateCapture(filepath.Join(b.TempDir(), "b.pcapng"), 0o600, WriteConfig{Pcapng: true, Buffered: true})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	frame := bytes.Repeat([]byte{7}, 590)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for i := 0; b.Loop(); i++ {
		if err := w.WriteFrame(int64(i)*1e3, decode.LinkEthernet, frame, len(frame)); err != nil {
			b.Fatal(err)
		}
	}
}
