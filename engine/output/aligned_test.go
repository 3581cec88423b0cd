package output

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestWriteAlignedMatchesTabwriter compares writeAligned with
// text/tabwriter, the writer it replaces in the flow report, on random
// tables: empty cells, multi-byte runes, a last column with and without
// text.
func TestWriteAlignedMatchesTabwriter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "-", "TCP", "10.0.0.1:443", "[fd00::1]:53", "pkts A→B", "ünïcødé", "ssl", "MISMATCH", "a b c"}
	for round := range 200 {
		cols, rows := 1+r.IntN(6), r.IntN(8)
		lines := make([]string, rows)
		for i := range lines {
			cells := make([]string, cols+1)
			for c := range cells {
				cells[c] = words[r.IntN(len(words))]
			}
			lines[i] = strings.Join(cells, "\t") + "\n"
		}
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		for _, l := range lines {
			fmt.Fprint(tw, l)
		}
		tw.Flush()
		var got bytes.Buffer
		if err := writeAligned(&got, rows, func(i int, b []byte) []byte { return append(b, lines[i]...) }); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("round %d: got\n%q\nwant (tabwriter)\n%q", round, got.String(), want.String())
		}
	}
}
