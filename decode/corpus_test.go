package decode

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"l7sniff/decode/decodetest"
	"l7sniff/internal/corpustest"
)

// frame is one record of a capture file.
type frame struct {
	link    LinkType
	data    []byte
	wireLen int
}

// readCapture reads every frame of a pcap or pcapng file.
func readCapture(t testing.TB, path string) []frame {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, err := br.Peek(4)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []frame
	if string(magic) == "\x0a\x0d\x0d\x0a" {
		r, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatalf("%s frame %d: %v", path, len(out)+1, err)
			}
			intf, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				t.Fatalf("%s frame %d: %v", path, len(out)+1, err)
			}
			out = append(out, frame{FromGopacket(intf.LinkType), data, ci.Length})
		}
	}
	r, err := pcapgo.NewReader(br)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// Some corpus files hold records longer than their snap length, which
	// tshark and tcpdump accept; so does l7sniff's reader.
	r.SetSnaplen(262144)
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s frame %d: %v", path, len(out)+1, err)
		}
		out = append(out, frame{FromGopacket(r.LinkType()), data, ci.Length})
	}
}

// readTruth reads a tshark truth TSV: header and rows.
func readTruth(t testing.TB, path string) ([]string, [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	var rows [][]string
	for _, l := range lines[1:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return strings.Split(lines[0], "\t"), rows
}

// knownDifferences lists the "capture#frame field" cells where l7sniff
// deliberately differs from tshark on the network corpus, with the reason.
// Keep it short; today it is empty.
var knownDifferences = map[string]string{}

// TestNetworkCorpusAgainstTshark decodes every network capture of the
// corpus and compares every field it knows with tshark's truth table.
func TestNetworkCorpusAgainstTshark(t *testing.T) {
	compareCorpus(t, "decode", knownDifferences, func(p *Packet, column string) (string, bool) {
		f, ok := LookupField(column)
		if !ok {
			return "", false
		}
		v, has := f.Append(nil, p)
		if !has {
			return "", true
		}
		return string(v), true
	})
}

// corpusColumn returns a frame's value for one truth column; ok is false
// for columns the test does not compare.
type corpusColumn func(p *Packet, column string) (value string, ok bool)

// compareCorpus decodes every capture under corpus/sub in order (with a
// USBState, as tshark keeps its USB conversations) and compares the
// columns value knows with the truth tables, cell by cell. It prints a
// per-column agreement table and fails on any difference not in known.
func compareCorpus(t *testing.T, sub string, known map[string]string, value corpusColumn) {
	dir := filepath.Join(corpustest.Dir(t), sub)
	caps, _ := filepath.Glob(filepath.Join(dir, "pcap", "*"))
	if len(caps) == 0 {
		t.Fatalf("no captures in %s", dir)
	}
	agree := decodetest.Agreement{}
	var p Packet
	failures := 0
	for _, c := range caps {
		name := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
		header, rows := readTruth(t, filepath.Join(dir, "truth", name+".tsv"))
		frames := readCapture(t, c)
		if len(frames) != len(rows) {
			t.Errorf("%s: %d frames, truth has %d rows", name, len(frames), len(rows))
			continue
		}
		var state USBState
		for i, fr := range frames {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			p.Number = i + 1
			state.Track(&p)
			for col, column := range header {
				got, ok := value(&p, column)
				if !ok {
					continue
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				key := fmt.Sprintf("%s#%d %s", name, i+1, column)
				_, isKnown := known[key]
				agree.Add(column, got == want || isKnown)
				if got != want && !isKnown {
					failures++
					if failures <= 60 {
						t.Errorf("%s: got %q, tshark %q (%s)", key, got, want, rows[i][3])
					}
				}
			}
		}
	}
	t.Log(agree.Table())
	if failures > 60 {
		t.Errorf("... %d mismatches in all", failures)
	}
}
