package automaton

import (
	"context"
	"math/rand/v2"
	"regexp/syntax"
	"testing"

	"l7sniff/patterns/internal/automaton/reference"
)

// splitBy cuts data into chunks at the positions drawn from seed.
func splitBy(data []byte, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, seed>>32))
	var chunks [][]byte
	for len(data) > 0 {
		n := rng.IntN(len(data) + 1)
		chunks = append(chunks, data[:n])
		data = data[n:]
	}
	return chunks
}

func FuzzFeed(f *testing.F) {
	f.Add([]byte("abc\x00dd\n"), uint64(1))
	f.Add([]byte("cxxabab ~~dd"), uint64(99))
	f.Add([]byte("\x01\x02a"), uint64(3))
	m, ref := compileBoth(f, oraclePatterns, Options{MaxBytes: 24})
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		if len(data) > 64 {
			return
		}
		chunks := splitBy(data, seed)
		want := ref.Run(chunks)
		if got, early := feedAll(m, chunks); !agree(got, early, want) {
			t.Fatalf("chunks %q: got %+v (early %v), want %+v", chunks, got, early, want)
		}
	})
}

func FuzzCompile(f *testing.F) {
	for _, e := range oraclePatterns {
		f.Add(e, "x"+e, []byte("abcab\x01dd"), uint64(5))
	}
	f.Add(`a{2,5}b`, `^[^a]`, []byte("aaab"), uint64(1))
	f.Fuzz(func(t *testing.T, e1, e2 string, data []byte, seed uint64) {
		if len(e1)+len(e2) > 60 || len(data) > 48 {
			return
		}
		var res []*syntax.Regexp
		for _, e := range []string{e1, e2} {
			re, err := parse(e, false)
			if err != nil {
				return
			}
			res = append(res, re)
		}
		m, err := Compile(context.Background(), res, Options{MaxBytes: 32, MaxMemory: 4 << 20})
		if err != nil {
			return // rejected, and did not crash
		}
		ref, err := reference.New(res, 32)
		if err != nil {
			t.Skip(err)
		}
		chunks := splitBy(data, seed)
		want := ref.Run(chunks)
		if got, early := feedAll(m, chunks); !agree(got, early, want) {
			t.Fatalf("%q %q chunks %q: got %+v (early %v), want %+v", e1, e2, chunks, got, early, want)
		}
	})
}
