package automaton

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"sync"
	"testing"
	"unsafe"

	"l7sniff/patterns/internal/automaton/reference"
)

// outcome is how a fed stream ended, in reference.Outcome's terms, plus
// whether the automaton gave up before its budget.
func feedAll(m *Machine, chunks [][]byte) (out reference.Outcome, early bool) {
	var sp Spill
	st, n := m.Start(&sp), uint32(0)
	for i, c := range chunks {
		tag, s := m.Feed(&st, &sp, &n, c)
		switch s {
		case Matched:
			return reference.Outcome{Tag: tag, Chunk: i}, false
		case GaveUp:
			budget := n >= m.maxBytes
			return reference.Outcome{Tag: -1, Chunk: i, Budget: budget}, !budget
		}
	}
	return reference.Outcome{Tag: -1, Chunk: -1}, false
}

// agree reports whether the automaton's outcome is the reference's, where
// giving up early is right only if the reference never matches.
func agree(got reference.Outcome, early bool, want reference.Outcome) bool {
	if early {
		return want.Tag == -1 && (!want.Budget || got.Chunk <= want.Chunk)
	}
	return got == want
}

func compileBoth(t testing.TB, exprs []string, opt Options) (*Machine, *reference.Matcher) {
	t.Helper()
	res := make([]*syntax.Regexp, len(exprs))
	for i, e := range exprs {
		res[i] = mustParse(t, e)
	}
	m, err := Compile(context.Background(), res, opt)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	maxBytes := opt.MaxBytes
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	ref, err := reference.New(res, maxBytes)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	return m, ref
}

// checkSplits compares the automaton with the reference on data fed whole,
// split at every position, and split at random into many chunks.
func checkSplits(t *testing.T, m *Machine, ref *reference.Matcher, data []byte, rng *rand.Rand) {
	t.Helper()
	check := func(chunks [][]byte) {
		t.Helper()
		want := ref.Run(chunks)
		if got, early := feedAll(m, chunks); !agree(got, early, want) {
			t.Fatalf("chunks %q: got %+v (early %v), want %+v", chunks, got, early, want)
		}
	}
	check([][]byte{data})
	for i := 0; i <= len(data); i++ {
		check([][]byte{data[:i], data[i:]})
	}
	for range 4 {
		var chunks [][]byte
		for rest := data; len(rest) > 0; {
			n := 1 + rng.IntN(min(len(rest), 7))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		check(chunks)
	}
}

func TestSemantics(t *testing.T) {
	tests := []struct {
		name   string
		exprs  []string
		opt    Options
		chunks []string
		tag    int
		status Status
		at     int // chunk of the final status
	}{
		{"anchored", []string{`^abc`}, Options{}, []string{"ab", "c"}, 0, Matched, 1},
		{"dead from the start, no tail", []string{`^a$b`}, Options{}, []string{"ab"}, -1, GaveUp, 0},
		{"anchor after NULs", []string{`^abc`}, Options{}, []string{"\x00\x00a", "\x00bc"}, 0, Matched, 1},
		{"anchor is not a chunk start", []string{`^abc`}, Options{}, []string{"x", "abc"}, -1, GaveUp, 0},
		{"unanchored straddles", []string{`hello`}, Options{}, []string{"xxhel", "", "lo"}, 0, Matched, 2},
		{"$ at chunk end", []string{`ab$`}, Options{}, []string{"xab", "c"}, 0, Matched, 0},
		{"$ not inside a chunk", []string{`ab$`}, Options{}, []string{"xabc", "d"}, -1, Running, 1},
		{"$ at a later chunk end", []string{`ab$`}, Options{}, []string{"a", "x", "ab"}, 0, Matched, 2},
		{"^...$", []string{`^ab$`}, Options{}, []string{"a", "b"}, 0, Matched, 1},
		{"^...$ dies", []string{`^ab$`}, Options{}, []string{"ab", "c"}, 0, Matched, 0},
		{"lower tag wins in a chunk", []string{`b`, `a`}, Options{}, []string{"ab"}, 0, Matched, 0},
		{"earlier chunk wins", []string{`b`, `a`}, Options{}, []string{"a", "b"}, 1, Matched, 0},
		{"budget", []string{`abcde`}, Options{MaxBytes: 4}, []string{"ab", "cde"}, -1, GaveUp, 1},
		{"budget cuts $", []string{`abc$`}, Options{MaxBytes: 3}, []string{"ab", "cd"}, 0, Matched, 1},
		{"NULs outside the budget", []string{`abcd`}, Options{MaxBytes: 4}, []string{"a\x00b\x00c", "\x00d"}, 0, Matched, 1},
		{"all NULs", []string{`^a`}, Options{}, []string{"\x00\x00", "a"}, 0, Matched, 1},
		{"no pattern", nil, Options{}, []string{"a"}, -1, GaveUp, 0},
		{"dot is any byte", []string{`^a.b`}, Options{}, []string{"a\nb"}, 0, Matched, 0},
		{"empty match", []string{`x*`}, Options{}, []string{"a"}, 0, Matched, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := compileBoth(t, tc.exprs, tc.opt)
			var sp Spill
			st, n := m.Start(&sp), uint32(0)
			tag, s, at := -1, Running, -1
			for i, c := range tc.chunks {
				tag, s = m.Feed(&st, &sp, &n, []byte(c))
				at = i
				if s != Running {
					break
				}
			}
			if tag != tc.tag || s != tc.status || at != tc.at {
				t.Errorf("got tag %d %v at chunk %d, want tag %d %v at %d", tag, s, at, tc.tag, tc.status, tc.at)
			}
			if s != Running {
				if tag2, s2 := m.Feed(&st, &sp, &n, []byte("abcde")); tag2 != tag || s2 != s {
					t.Errorf("verdict changed to %d %v", tag2, s2)
				}
			}
		})
	}
}

func TestRejects(t *testing.T) {
	for _, e := range []string{`\bfoo`, `(?m)^foo`, `\x{100}`} {
		if _, err := Compile(context.Background(), []*syntax.Regexp{mustParse(t, `ok`), mustParse(t, e)}, Options{}); err == nil {
			t.Errorf("%q: no error", e)
		} else if pe, ok := err.(*PatternError); !ok || pe.Index != 1 {
			t.Errorf("%q: error %v is not a PatternError for pattern 1", e, err)
		}
	}
}

// oraclePatterns exercise the structures that make DFAs grow: loops after
// anchors, loops between literals, printable runs, $ and priorities.
var oraclePatterns = []string{
	`^ab+c`, `b[a-c]*d$`, `c.*a.*b`, `^(a|b)..c$`, `[ -~]*dd`,
	`^\x01.?.?a`, `abab`, `a[^b]c`, `(?i:ba)C`, `^$`, `d.?d.?d`,
}

// TestOracle compares the automaton with the reference matcher, with its
// tuples packed in the State and spilled (a State of 1 bit).
func TestOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, opt := range []Options{{}, {MaxBytes: 9}, {stateBits: 1}, {MaxBytes: 9, stateBits: 1}} {
		m, ref := compileBoth(t, oraclePatterns, opt)
		if m.Spills() != (opt.stateBits == 1) {
			t.Fatalf("%+v: Spills() = %v with %d bits of states", opt, m.Spills(), m.stats.StateBits)
		}
		for range 300 {
			data := make([]byte, rng.IntN(14))
			for i := range data {
				data[i] = "abcdABCD\x00\x01 \n"[rng.IntN(12)]
			}
			checkSplits(t, m, ref, data, rng)
		}
	}
}

// TestCacheThrash gives the cache room for a handful of states, so that it
// is flushed over and over while many goroutines feed interleaved streams,
// and checks every verdict.
func TestCacheThrash(t *testing.T) {
	m, ref := compileBoth(t, oraclePatterns, Options{MaxMemory: 48 << 10})
	for _, p := range []*product{m.head, m.tail} {
		if p.maxRows > 32 {
			t.Fatalf("a cache has %d rows, want a small cache", p.maxRows)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			type stream struct {
				st     State
				n      uint32
				sp     Spill
				chunks [][]byte
				tag    int
				status Status
				at     int
			}
			streams := make([]stream, 50)
			for i := range streams {
				streams[i].st = m.Start(&streams[i].sp)
				streams[i].at = -1
			}
			for round := range 12 {
				for i := range streams {
					s := &streams[i]
					c := make([]byte, rng.IntN(5))
					for j := range c {
						c[j] = "abcd \x01"[rng.IntN(6)]
					}
					s.chunks = append(s.chunks, c)
					if s.status == Running {
						s.tag, s.status = m.Feed(&s.st, &s.sp, &s.n, c)
						s.at = round
					}
				}
			}
			for _, s := range streams {
				want := ref.Run(s.chunks)
				got := reference.Outcome{Tag: s.tag, Chunk: s.at}
				early := false
				switch s.status {
				case Running:
					got.Chunk = -1
				case GaveUp:
					early = true
				}
				if !agree(got, early, want) {
					errs <- fmt.Errorf("chunks %q: got %+v, want %+v", s.chunks, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := m.Stats(); st.Flushes < 10 {
		t.Errorf("only %d flushes: the test does not thrash the cache", st.Flushes)
	}
}

func TestFeedAllocs(t *testing.T) {
	m, _ := compileBoth(t, oraclePatterns, Options{MaxBytes: 1 << 30})
	chunk := []byte("dcba dcba ab\x00cd cabd  ~~ bd")
	var sp Spill
	st, n := m.Start(&sp), uint32(0)
	for range 100 {
		m.Feed(&st, &sp, &n, chunk)
	}
	if a := testing.AllocsPerRun(100, func() { m.Feed(&st, &sp, &n, chunk) }); a != 0 {
		t.Errorf("Feed allocates %v times", a)
	}
}

func TestStateSize(t *testing.T) {
	if n := unsafe.Sizeof(State{}); n > 16 {
		t.Errorf("State is %d bytes", n)
	}
}

// TestPackRoundTrip stores and loads tuples in a layout of 127 bits whose
// fields straddle the State's two words, and checks that a stored tuple
// is undecided and decides as it should.
func TestPackRoundTrip(t *testing.T) {
	widths := []int{16, 16, 16, 10, 5, 16, 16, 16, 16} // 127: the fifth field is bits 58..62, the sixth 63..78
	// A head of 58 bits, so that a field of the tail straddles the words.
	m := &Machine{heads: 4}
	off := 0
	for _, w := range widths {
		m.fields = append(m.fields, field{off: uint8(off), width: uint8(w)})
		off += w
	}
	if off != stateBits {
		t.Fatalf("layout of %d bits, want %d", off, stateBits)
	}
	m.headBits = headMask(m.fields, m.heads)
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		var q [maxGroups]uint16
		for c, w := range widths {
			q[c] = uint16(rng.Uint32() & (1<<w - 1))
		}
		if rng.IntN(2) == 0 {
			clear(q[:m.heads])
		}
		var st State
		m.store(&st, nil, &q, true)
		if got := m.load(&st, nil, true); got != q {
			t.Fatalf("stored %v, loaded %v", q, got)
		}
		if tag, s := st.Outcome(); s != Running || tag != -1 {
			t.Fatalf("stored %v: outcome %d %v", q, tag, s)
		}
		head := m.headAlive(&st, nil)
		if head == zero(q[:m.heads]) {
			t.Fatalf("stored %v: head alive %v", q, head)
		}
		if !head { // the tail's part alone
			var tail State
			if m.store(&tail, nil, &q, false); tail != st || m.load(&st, nil, false) != q {
				t.Fatalf("stored %v with a dead head: %v, loaded %v", q, tail, m.load(&st, nil, false))
			}
		}
	}
	var st State
	if st.decide(7); fmt.Sprint(st.Outcome()) != "7 matched" {
		t.Errorf("decided on tag 7: %v", fmt.Sprint(st.Outcome()))
	}
	if st.GiveUp(); fmt.Sprint(st.Outcome()) != "7 matched" {
		t.Errorf("a match given up: %v", fmt.Sprint(st.Outcome()))
	}
	st = State{}
	if st.GiveUp(); fmt.Sprint(st.Outcome()) != "-1 gave up" {
		t.Errorf("given up: %v", fmt.Sprint(st.Outcome()))
	}
}

// racePatterns are unanchored, with loops that random data enters and
// never leaves (eE.*zz: z never comes), so that race's two runs sometimes
// never meet.
var racePatterns = []string{
	`abcab`, `c.*dd.*a$`, `b[a-c]*d$`, `(?i:bacd)`, `^ab+c`, `d.?d.?dab`, `eE.*zz`,
}

// TestOracleLongChunks feeds chunks long enough for race, with splits
// everywhere, on both pattern sets.
func TestOracleLongChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i, exprs := range [][]string{oraclePatterns, racePatterns, racePatterns} {
		m, ref := compileBoth(t, exprs, Options{MaxBytes: 1 << 20, stateBits: i - 1}) // the last spills
		for range 40 {
			data := make([]byte, raceMin+rng.IntN(250))
			for i := range data {
				data[i] = "abcdeABCDE\x00\x01 \n"[rng.IntN(14)]
			}
			checkSplits(t, m, ref, data, rng)
		}
	}
}

// TestRace checks race against the plain loop from every tail state, and
// that its parts' runs met and never met, and that it stopped at special
// transitions.
func TestRace(t *testing.T) {
	m, _ := compileBoth(t, racePatterns, Options{MaxBytes: 1 << 20})
	p := m.tail
	const alphabet = "abcdeABCDE \x00"
	// Compute every transition of the states the alphabet reaches, so that
	// race mostly meets ordinary ones.
	var sp Spill
	st := m.Start(&sp)
	q := m.load(&st, &sp, true)
	var gen *generation
	for complete := false; !complete; { // until no flush interrupts
		gen, _ = p.rowOf(p.cache.Load(), q[m.heads:len(m.comps)])
		complete = true
		for row := uint32(1); complete && row < uint32(gen.rows); row++ {
			for _, b := range []byte(alphabet) {
				if gen.trans[row*p.stride+uint32(p.cls[b])].Load() == 0 {
					if g, _ := p.step(gen, row*p.stride, b); g != gen {
						complete = false
						break
					}
				}
			}
		}
	}
	plain := func(s uint32, data []byte) uint32 {
		for _, b := range data {
			if s = gen.trans[s+uint32(p.cls[b])].Load(); int32(s) <= 0 {
				t.Fatalf("plain loop met special transition %#x", s)
			}
		}
		return s
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var met, apart, stopped int
	for row := uint32(1); row < uint32(gen.rows); row++ {
		for range 20 {
			chunk := make([]byte, raceMin+rng.IntN(200))
			for i := range chunk {
				chunk[i] = alphabet[rng.IntN(len(alphabet))]
			}
			start := row * p.stride
			s, rest := race(gen, &p.cls, start, chunk)
			if want := plain(start, chunk[:len(chunk)-len(rest)]); s != want {
				t.Fatalf("race from row %d over %q: state %d, plain loop %d", row, chunk, s, want)
			}
			if len(rest) >= raceWays {
				stopped++
				continue
			}
			h := len(chunk) / raceWays
			for w := 1; w < raceWays; w++ {
				sa, sb := plain(start, chunk[:w*h]), start
				for _, b := range chunk[w*h : (w+1)*h] {
					if sa == sb {
						break
					}
					sa, sb = plain(sa, []byte{b}), plain(sb, []byte{b})
				}
				if sa == sb {
					met++
				} else {
					apart++
				}
			}
		}
	}
	t.Logf("%d states: met %d, never met %d, stopped %d", gen.rows-1, met, apart, stopped)
	if met == 0 || apart == 0 || stopped == 0 {
		t.Errorf("race outcomes not all exercised: met %d, never met %d, stopped %d", met, apart, stopped)
	}
}
