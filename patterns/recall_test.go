package patterns

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/internal/corpustest"
)

// sampleProtocol names the pattern a sample file is about: the longest
// protocol name that the file name starts with ("http-digg-304-1" is
// http, "aresdownload-a" is ares), or "" when none fits.
func sampleProtocol(set *Set, sample string) string {
	best := ""
	for _, p := range set.Patterns() {
		if strings.HasPrefix(sample, p.Name) && len(p.Name) > len(best) {
			best = p.Name
		}
	}
	return best
}

// feedChunks feeds data to a new stream of set, size bytes at a time
// (all at once when size is 0), and returns the verdict.
func feedChunks(set *Set, data []byte, size int) Verdict {
	st := set.NewStream()
	if size == 0 {
		return st.Feed(data)
	}
	v := st.Verdict()
	for len(data) > 0 && !v.Done() {
		n := min(size, len(data))
		v = st.Feed(data[:n])
		data = data[n:]
	}
	return v
}

// TestSampleRecall feeds every sample of the l7-protocols collection
// (testing/data/<proto>-<n>) to the whole collection, as one chunk and in
// 1400-byte chunks, and prints which pattern matched, as a markdown table
// for README's limits section.
func TestSampleRecall(t *testing.T) {
	dir := corpustest.Dir(t, "l7-protocols")
	set, _ := collection()
	samples, err := filepath.Glob(filepath.Join(dir, "testing", "data", "*"))
	if err != nil || len(samples) == 0 {
		t.Fatalf("no samples (%v)", err)
	}
	var table strings.Builder
	table.WriteString("| sample | expected | one chunk | 1400-byte chunks |\n|---|---|---|---|\n")
	hits, total := 0, 0
	for _, f := range samples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		want := sampleProtocol(set, name)
		whole, chunked := feedChunks(set, data, 0), feedChunks(set, data, 1400)
		mark := func(v Verdict) string {
			if want != "" && v.Name() == want {
				return "**" + v.Name() + "**"
			}
			return v.Name()
		}
		if want == "" {
			want = "(no pattern)"
		} else {
			total++
			if whole.Name() == want {
				hits++
			}
		}
		fmt.Fprintf(&table, "| %s | %s | %s | %s |\n", name, want, mark(whole), mark(chunked))
	}
	t.Logf("sample recall: %d of %d samples with a pattern matched it (one chunk)\n%s", hits, total, table.String())
	// The figure at the time of writing; a drop is a regression in the
	// translation or the automaton.
	if hits < recallFloor {
		t.Errorf("sample recall %d below the recorded %d", hits, recallFloor)
	}
}

const recallFloor = 86
