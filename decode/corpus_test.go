package decode

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/gopacket/pcap"
	"github.com/google/gopacket/pcapgo"
)

// corpusDir finds ../shared/corpus beside the repository. Tests that need
// it skip without it, except in CI, where its absence is a failure.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if err == nil {
		if _, err = os.Stat(dir); err == nil {
			return dir
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("corpus not found at %s: CI must have ../shared beside the repo", dir)
	}
	t.Skipf("corpus not found at %s (../shared absent); skipping", dir)
	return ""
}

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
	// libpcap, unlike pcapgo, accepts records longer than the file's snap
	// length, as some of the corpus's fuzzer-made files have.
	h, err := pcap.OpenOffline(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer h.Close()
	for {
		data, ci, err := h.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s frame %d: %v", path, len(out)+1, err)
		}
		out = append(out, frame{FromGopacket(h.LinkType()), data, ci.Length})
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

// agreement counts, per field, the frames compared and agreed.
type agreement map[string]*[2]int

func (a agreement) add(field string, ok bool) {
	c := a[field]
	if c == nil {
		c = new([2]int)
		a[field] = c
	}
	c[0]++
	if ok {
		c[1]++
	}
}

func (a agreement) log(t *testing.T) {
	names := make([]string, 0, len(a))
	for n := range a {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-36s %8s %8s %8s\n", "field", "frames", "agree", "%")
	for _, n := range names {
		c := a[n]
		fmt.Fprintf(&sb, "%-36s %8d %8d %7.2f%%\n", n, c[0], c[1], 100*float64(c[1])/float64(c[0]))
	}
	t.Log(sb.String())
}

// knownDifferences lists the (capture, frame, field) cells where l7sniff
// deliberately differs from tshark, with the reason. Keep it short.
var knownDifferences = map[string]string{
	"tcpdump-ipv6_missing_jumbo_payload_option#1 frame.cap_len": "the record is longer than the file's snap length (198 > 119): libpcap, which l7sniff reads files with, clips it to 119; tshark keeps 198",
}

// TestNetworkCorpusAgainstTshark decodes every network capture of the
// corpus and compares every field it knows with tshark's truth table.
func TestNetworkCorpusAgainstTshark(t *testing.T) {
	compareCorpus(t, "decode")
}

func compareCorpus(t *testing.T, sub string) {
	dir := filepath.Join(corpusDir(t), sub)
	caps, _ := filepath.Glob(filepath.Join(dir, "pcap", "*"))
	if len(caps) == 0 {
		t.Fatalf("no captures in %s", dir)
	}
	agree := agreement{}
	var p Packet
	var buf []byte
	failures := 0
	for _, c := range caps {
		name := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
		header, rows := readTruth(t, filepath.Join(dir, "truth", name+".tsv"))
		frames := readCapture(t, c)
		if len(frames) != len(rows) {
			t.Errorf("%s: %d frames, truth has %d rows", name, len(frames), len(rows))
			continue
		}
		for i, fr := range frames {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			p.Number = i + 1
			for col, fname := range header {
				f, ok := LookupField(fname)
				if !ok {
					continue
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				var has bool
				buf, has = f.Append(buf[:0], &p)
				got := ""
				if has {
					got = string(buf)
				}
				key := fmt.Sprintf("%s#%d %s", name, i+1, fname)
				_, known := knownDifferences[key]
				agree.add(fname, got == want || known)
				if got != want && !known {
					failures++
					if failures <= 60 {
						t.Errorf("%s: got %q, tshark %q (%s)", key, got, want, rows[i][3])
					}
				}
			}
		}
	}
	agree.log(t)
	if failures > 60 {
		t.Errorf("... %d mismatches in all", failures)
	}
}
