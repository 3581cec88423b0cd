package patterns

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp/syntax"
	"testing"

	"l7sniff/internal/corpustest"
	"l7sniff/patterns/internal/automaton/reference"
)

// TestOracleCollection checks the streaming verdict of the whole public
// collection against Go's regexp re-run over the growing buffer, on every
// sample of testing/data plus random and printable data: fed whole, split at
// every position (of a short prefix, where the anchored patterns decide),
// and split at random into many chunks.
func TestOracleCollection(t *testing.T) {
	l7 := filepath.Join(corpustest.Dir(t), "l7-protocols")
	var dirs []string
	for _, d := range []string{"protocols", "extra", "file_types", "malware"} {
		dirs = append(dirs, filepath.Join(l7, d))
	}
	samples, _ := filepath.Glob(filepath.Join(l7, "testing", "data", "*"))
	rng := rand.New(rand.NewPCG(7, 11))
	var inputs [][]byte
	for _, f := range samples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for range 20 {
		r, p := make([]byte, 64+rng.IntN(3000)), make([]byte, 64+rng.IntN(3000))
		for i := range r {
			r[i] = byte(rng.Uint32())
		}
		for i := range p {
			p[i] = byte(' ' + rng.IntN(95))
			if rng.IntN(30) == 0 {
				p[i] = '\n'
			}
		}
		inputs = append(inputs, r, p)
	}
	for _, budget := range []int{DefaultMaxBytes, 96} {
		set, _ := Options{MaxBytes: budget}.Load(dirs...)
		var res []*syntax.Regexp
		for _, p := range set.Patterns() {
			res = append(res, p.Regexp)
		}
		ref, err := reference.New(res, budget)
		if err != nil {
			t.Fatal(err)
		}
		feed := func(chunks [][]byte) {
			t.Helper()
			want := ref.Run(chunks)
			st := set.NewStream()
			got := reference.Outcome{Tag: -1, Chunk: -1}
			for i, c := range chunks {
				if v := st.Feed(c); v.Done() {
					got.Chunk = i
					if p := v.Pattern(); p != nil {
						got.Tag = indexOf(set, p)
					}
					break
				}
			}
			early := got.Chunk >= 0 && got.Tag < 0 && !want.Budget
			if early && want.Tag < 0 || !early && got.Tag == want.Tag && got.Chunk == want.Chunk {
				return
			}
			t.Fatalf("budget %d, chunk sizes %v: got %+v, want %+v", budget, sizes(chunks), got, want)
		}
		for _, data := range inputs {
			if budget == DefaultMaxBytes {
				feed([][]byte{data})
				var chunks [][]byte
				for rest := data; len(rest) > 0; {
					n := 1 + rng.IntN(min(len(rest), 300))
					chunks, rest = append(chunks, rest[:n]), rest[n:]
				}
				feed(chunks)
				continue
			}
			for i := 0; i <= min(len(data), budget+1); i++ {
				feed([][]byte{data[:i], data[i:]})
			}
		}
	}
}

func indexOf(set *Set, p *Pattern) int {
	for i, q := range set.patterns {
		if q == p {
			return i
		}
	}
	return -1
}

func sizes(chunks [][]byte) []int {
	var n []int
	for _, c := range chunks {
		n = append(n, len(c))
	}
	return n
}
