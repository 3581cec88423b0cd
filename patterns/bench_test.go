package patterns

import (
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"unsafe"

	"l7sniff/internal/corpustest"
	"l7sniff/patterns/internal/automaton"
)

// benchNoBudget is the byte budget of the throughput benchmarks: large
// enough that no stream stops scanning because of it, so they measure
// scanning, not the early exit real flows take after 12000 bytes.
const benchNoBudget = 1 << 31

// loadProtocols loads the 113 patterns of l7-protocols/protocols.
func loadProtocols(tb testing.TB, maxBytes int) *Set {
	tb.Helper()
	set, errs := Options{MaxBytes: maxBytes}.Load(filepath.Join(corpustest.Dir(tb), "l7-protocols", "protocols"))
	for _, e := range errs {
		tb.Logf("load: %v", e)
	}
	return set
}

// workload is a pool of chunks with the real-traffic size mix, each assigned
// to one of the concurrent streams, interleaved at random.
type workload struct {
	chunks [][]byte
	stream []int32 // stream[i] receives chunks[i]
	bytes  int64
}

// chunkSize draws from the size mix of real traffic: 50% 40–135 B, 35%
// 1419–1500 B, 15% in between.
func chunkSize(rng *rand.Rand) int {
	switch p := rng.IntN(100); {
	case p < 50:
		return 40 + rng.IntN(96)
	case p < 85:
		return 1419 + rng.IntN(82)
	default:
		return 136 + rng.IntN(1419-136)
	}
}

// textWords make text-like payload: protocol-ish words, numbers, headers
// and line ends, in both cases.
var textWords = []string{
	"the", "of", "and", "to", "in", "is", "that", "for", "with", "as", "on",
	"Host:", "Accept:", "Cookie:", "session", "user", "data", "value",
	"http", "www", "index", "html", "json", "server", "client", "request",
	"2024", "404", "1.1", "42", "0x1f", "a=b", "id=17", "\r\n", "\r\n",
	"<div>", "</p>", "{", "}", ":", ",", ".", "-", "/", "?", "=", "&",
	"Lorem", "ipsum", "dolor", "sit", "amet", "TIME", "Content", "Mozilla",
}

func newWorkload(streams int, text bool) *workload {
	rng := rand.New(rand.NewPCG(42, uint64(streams)))
	w := &workload{}
	const total = 32 << 20
	for w.bytes < total {
		c := make([]byte, chunkSize(rng))
		if text {
			for i := 0; i < len(c); {
				word := textWords[rng.IntN(len(textWords))]
				i += copy(c[i:], word)
				if i < len(c) {
					c[i] = ' '
					i++
				}
			}
		} else {
			for i := range c {
				c[i] = byte(rng.Uint32())
			}
		}
		w.chunks = append(w.chunks, c)
		w.stream = append(w.stream, int32(rng.IntN(streams)))
		w.bytes += int64(len(c))
	}
	return w
}

// BenchmarkStream feeds the workload through the streaming matcher. A
// stream that reaches a verdict starts over as a new connection, so every
// chunk is scanned.
func BenchmarkStream(b *testing.B) {
	set := loadProtocols(b, benchNoBudget)
	for _, kind := range []string{"text", "random"} {
		for _, n := range []int{1, 1000, 100000} {
			b.Run(kind+"/streams="+strconv.Itoa(n), func(b *testing.B) {
				w := newWorkload(n, kind == "text")
				streams := make([]Stream, n)
				for i := range streams {
					streams[i] = set.NewStream()
				}
				for i := range w.chunks { // warm the cache as a long run would
					s := &streams[w.stream[i]]
					if s.Feed(w.chunks[i]).Done() {
						*s = set.NewStream()
					}
				}
				b.SetBytes(w.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					for i, c := range w.chunks {
						s := &streams[w.stream[i]]
						if s.Feed(c).Done() {
							*s = set.NewStream()
						}
					}
				}
				b.ReportMetric(float64(unsafe.Sizeof(automaton.State{})), "state-B/stream")
				b.ReportMetric(float64(unsafe.Sizeof(Stream{})), "Stream-B")
				b.ReportMetric(float64(set.Stats().Flushes), "flushes")
			})
		}
	}
}

// BenchmarkCompile loads and compiles the 113 protocol patterns and reports
// the automaton's size.
func BenchmarkCompile(b *testing.B) {
	dir := filepath.Join(corpustest.Dir(b), "l7-protocols", "protocols")
	var set *Set
	for b.Loop() {
		set, _ = Load(dir)
	}
	st := set.Stats()
	b.ReportMetric(float64(st.Memory+st.CacheMax)/(1<<20), "MiB-cap")
	b.ReportMetric(float64(st.Memory)/(1<<20), "MiB-tables")
	b.ReportMetric(float64(st.Components), "components")
	b.ReportMetric(float64(st.States), "dfa-states")
	b.ReportMetric(float64(st.StateBits), "state-bits")
	// Construction steps do not depend on the machine's load: they show
	// what a change to the grouping costs when timings are noisy.
	b.ReportMetric(float64(st.Attempts), "attempts")
	b.ReportMetric(float64(st.Work)/1e6, "Msteps")
}
