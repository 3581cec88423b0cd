package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"

	"l7sniff/decode"
	"l7sniff/engine/capture"
)

// TestDemoVerdicts checks the recorded demo capture against what
// testdata/README.md says each flow is, the port guesses and the
// mismatch flags included.
func TestDemoVerdicts(t *testing.T) {
	e, err := runEngine(t, Config{Source: SourceConfig{File: demoPcap}})
	if err != nil {
		t.Fatal(err)
	}
	flows := e.Flows()
	for _, c := range []struct {
		port, app, guess string
		n                int
		mismatch         bool
	}{
		{"80", "http", "http", 6, false},
		{"53", "dns", "dns", 7, false},
		{"22", "ssh", "ssh", 2, false},
		{"8443", "ssh", "ssl", 1, true},
		{"443", "ssl", "ssl", 5, false},
		{"6881", "bittorrent", "bittorrent", 3, false},
		{"8080", "bittorrent", "http", 1, true},
	} {
		got := flowsTo(flows, c.port)
		if len(got) != c.n {
			t.Errorf("port %s: %d flows, want %d", c.port, len(got), c.n)
		}
		for _, f := range got {
			if f.App != c.app || f.PortGuess != c.guess || f.Mismatch != c.mismatch {
				t.Errorf("%s → %s: verdict %s, guess %s, mismatch %v; want %s, %s, %v",
					f.A(), f.B(), f.App, f.PortGuess, f.Mismatch, c.app, c.guess, c.mismatch)
			}
		}
	}
}

// TestSSHOn443 is the design's example of a port-guess mismatch, in a
// generated capture: an SSH server answering on port 443.
func TestSSHOn443(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	const cli, srv = "192.0.2.1", "192.0.2.2"
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	frames := []testFrame{
		{ms(0), tcpFrame(t, cli, srv, 50000, 443, "S", nil)},
		{ms(1), tcpFrame(t, srv, cli, 443, 50000, "SA", nil)},
		{ms(2), tcpFrame(t, cli, srv, 50000, 443, "A", nil)},
		{ms(3), tcpFrame(t, srv, cli, 443, 50000, "PA", []byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))},
		// The same on its own port: no mismatch.
		{ms(4), tcpFrame(t, cli, srv, 50001, 22, "S", nil)},
		{ms(5), tcpFrame(t, srv, cli, 22, 50001, "PA", []byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range e.Flows() {
		wantMismatch := f.B() == srv+":443"
		wantGuess := map[bool]string{true: "ssl", false: "ssh"}[wantMismatch]
		if f.A() != cli+":50000" && f.A() != cli+":50001" {
			t.Errorf("flow %s → %s: initiator not the client", f.A(), f.B())
		}
		if f.App != "ssh" || f.PortGuess != wantGuess || f.Mismatch != wantMismatch {
			t.Errorf("%s → %s: %s, guess %s, mismatch %v", f.A(), f.B(), f.App, f.PortGuess, f.Mismatch)
		}
	}
}

// TestCount: Count stops after that many packets, which are the file's
// first ones.
func TestCount(t *testing.T) {
	_, recs := readCapture(t, demoPcap)
	var got [][]byte
	e, err := runEngine(t, Config{Source: SourceConfig{File: demoPcap}, Count: 7,
		Packet: func(p *decode.Packet, _ *PacketInfo) error {
			got = append(got, append([]byte(nil), p.Data...))
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || e.Stats().Packets != 7 {
		t.Fatalf("%d packets delivered, %d counted; want 7", len(got), e.Stats().Packets)
	}
	for i := range got {
		if !bytes.Equal(got[i], recs[i].data) {
			t.Errorf("packet %d is not the file's record %d", i+1, i+1)
		}
	}
}

// TestStdin reads the capture from standard input ("-r -").
func TestStdin(t *testing.T) {
	_, recs := readCapture(t, demoPcap)
	f, err := os.Open(demoPcap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = saved })
	e, err := runEngine(t, Config{Source: SourceConfig{File: "-"}})
	if err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Packets != uint64(len(recs)) || st.Source != "stdin" {
		t.Errorf("stdin: %d packets from %q, want %d from stdin", st.Packets, st.Source, len(recs))
	}
}

// recordOffsets returns where each record of a classic pcap file starts.
func recordOffsets(t *testing.T, data []byte) []int {
	t.Helper()
	var out []int
	for off := 24; off+16 <= len(data); {
		out = append(out, off)
		off += 16 + int(binary.LittleEndian.Uint32(data[off+8:]))
	}
	return out
}

// TestTruncatedFile: a file cut inside a record (its header or its data)
// is an error naming that record, and every packet before it went
// through the whole pipeline (here: into a -w file).
func TestTruncatedFile(t *testing.T) {
	data, err := os.ReadFile(demoPcap)
	if err != nil {
		t.Fatal(err)
	}
	_, recs := readCapture(t, demoPcap)
	offs := recordOffsets(t, data)
	if len(offs) != len(recs) {
		t.Fatalf("%d record offsets, %d records", len(offs), len(recs))
	}
	const keep = 100 // whole records kept
	for _, cut := range []struct {
		name string
		at   int
	}{
		{"in a record header", offs[keep] + 7},
		{"in a record's data", offs[keep] + 16 + 10},
	} {
		t.Run(cut.name, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "cut.pcap"), filepath.Join(dir, "out.pcap")
			if err := os.WriteFile(in, data[:cut.at], 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := New(Config{Source: SourceConfig{File: in}, Patterns: defaultSet(t)})
			if err != nil {
				t.Fatal(err)
			}
			w, err := capture.CreatePcap(out, 0o600, e.Source().LinkType(), 0, true)
			if err != nil {
				t.Fatal(err)
			}
			e.SetWriter(w)
			runErr := e.Run(t.Context())
			w.Close()
			if runErr == nil || !strings.Contains(runErr.Error(), fmt.Sprintf("record %d", keep+1)) ||
				!strings.Contains(runErr.Error(), "truncated") {
				t.Errorf("error %v, want one naming record %d as truncated", runErr, keep+1)
			}
			if got := e.Stats().Packets; got != keep {
				t.Errorf("%d packets processed, want the %d before the cut", got, keep)
			}
			_, written := readCapture(t, out)
			if len(written) != keep {
				t.Fatalf("%d packets written, want %d", len(written), keep)
			}
			for i := range written {
				if !bytes.Equal(written[i].data, recs[i].data) {
					t.Errorf("written packet %d differs from the input", i+1)
				}
			}
		})
	}
}

// TestPcapWriterRoundTrip writes records and reads them back with pcapgo.
func TestPcapWriterRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.pcap")
	w, err := capture.CreatePcap(path, 0o600, decode.LinkEthernet, 128, true)
	if err != nil {
		t.Fatal(err)
	}
	ts := []int64{1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 1_700_000_002_999_999_999}
	frames := [][]byte{filled(60, 1), filled(128, 2), filled(14, 3)}
	wire := []int{60, 1514, 14} // the second was snapped at 128
	for i := range frames {
		if err := w.WritePacket(ts[i], frames[i], wire[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	link, recs := readCapture(t, path)
	if link != layers.LinkTypeEthernet || len(recs) != len(frames) {
		t.Fatalf("link %v, %d records", link, len(recs))
	}
	for i, r := range recs {
		wantTS := time.Unix(0, ts[i]).Truncate(time.Microsecond)
		if !r.ci.Timestamp.Equal(wantTS) || r.ci.CaptureLength != len(frames[i]) || r.ci.Length != wire[i] || !bytes.Equal(r.data, frames[i]) {
			t.Errorf("record %d: %v caplen %d len %d; want %v %d %d", i+1, r.ci.Timestamp, r.ci.CaptureLength, r.ci.Length,
				wantTS, len(frames[i]), wire[i])
		}
	}

	// The engine's -w output of a real capture is the capture.
	out := filepath.Join(t.TempDir(), "demo-out.pcap")
	e, err := New(Config{Source: SourceConfig{File: demoPcap}, Patterns: defaultSet(t)})
	if err != nil {
		t.Fatal(err)
	}
	w, err = capture.CreatePcap(out, 0o600, e.Source().LinkType(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	e.SetWriter(w)
	if err := e.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, orig := readCapture(t, demoPcap)
	_, copied := readCapture(t, out)
	if len(copied) != len(orig) {
		t.Fatalf("%d records written, %d read", len(copied), len(orig))
	}
	for i := range orig {
		a, b := orig[i], copied[i]
		if !a.ci.Timestamp.Equal(b.ci.Timestamp) || a.ci.Length != b.ci.Length || !bytes.Equal(a.data, b.data) {
			t.Errorf("record %d differs after the round trip", i+1)
		}
	}
}
