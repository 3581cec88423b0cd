package automaton

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"testing"
)

// words is an alternation of n distinct lowercase words of length 8, the
// shape of the pattern bombs: every DFA state carries all n starts.
func words(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('|')
		}
		x := uint32(i) * 2654435761
		for range 8 {
			b.WriteByte('a' + byte(x%26))
			x /= 26
		}
	}
	return b.String()
}

// compileStats compiles exprs into a Machine and returns its statistics
// and error; the statistics are kept when the compile fails.
func compileStats(t testing.TB, ctx context.Context, exprs []string, opt Options) (Stats, int, error) {
	t.Helper()
	res := make([]*syntax.Regexp, len(exprs))
	for i, e := range exprs {
		res[i] = mustParse(t, e)
	}
	m := &Machine{}
	err := m.compile(ctx, res, opt)
	return m.stats, instCount(res), err
}

// instCount is the size of the NFA Compile builds for res, up to the first
// pattern it rejects.
func instCount(res []*syntax.Regexp) int {
	p := &prog{}
	for i, re := range res {
		if p.appendPattern(re, i) != nil {
			break
		}
	}
	return len(p.inst)
}

// overrun bounds how far a construction may go past a budget before the
// meter stops it: one look interval, plus the work of one state's
// successors, as the meter looks once per state and per new state. That
// work grows with the NFA (its leaves for each byte class); 300 steps per
// instruction is generous for the small patterns tested here.
func overrun(insts int) int64 { return checkEvery + int64(300*insts+300) }

func TestWorkBudgetRejectsOnlyTheCostlyPattern(t *testing.T) {
	exprs := []string{`^get /`, words(300)}
	for _, work := range []int64{1 << 16, 1 << 20} {
		st, insts, err := compileStats(t, context.Background(), exprs, Options{MaxWork: work})
		pe, ok := errors.AsType[*PatternError](err)
		if !ok || pe.Index != 1 || !errors.Is(err, errWork) {
			t.Fatalf("MaxWork %d: error %v, want a work-budget PatternError for pattern 1", work, err)
		}
		if st.PeakWork > work+overrun(insts) {
			t.Errorf("MaxWork %d: an attempt spent %d steps", work, st.PeakWork)
		}
	}
	// Under the default budget the same set compiles: the budget, not the
	// pattern, decided.
	if st, _, err := compileStats(t, context.Background(), exprs, Options{}); err != nil {
		t.Fatalf("default budget: %v", err)
	} else if st.PeakWork <= 1<<20 {
		t.Fatalf("the set needs only %d steps: the test proves nothing", st.PeakWork)
	}
}

func TestSetMemoryBudget(t *testing.T) {
	const maxMem = 1 << 20 // half of it for the state sets
	st, insts, err := compileStats(t, context.Background(), []string{`^get /`, words(2000)}, Options{MaxMemory: maxMem})
	pe, ok := errors.AsType[*PatternError](err)
	if !ok || pe.Index != 1 || !errors.Is(err, errSetMemory) {
		t.Fatalf("error %v, want a state-set memory PatternError for pattern 1", err)
	}
	if limit := int64(maxMem/2 + (insts+1)*(4*insts+stateOverhead)); st.PeakSets > limit {
		t.Errorf("state sets reached %d bytes, limit %d", st.PeakSets, limit)
	}
}

func TestNFASizeCap(t *testing.T) {
	_, _, err := compileStats(t, context.Background(), []string{`ok`, words(maxPatternInst / 8)}, Options{})
	if pe, ok := errors.AsType[*PatternError](err); !ok || pe.Index != 1 || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("error %v, want pattern 1 too large", err)
	}
}

// cancelAfter is a context that reports itself cancelled from its
// (after+1)th Err call on, counting the calls.
type cancelAfter struct {
	context.Context
	after, calls int
}

func (c *cancelAfter) Err() error {
	c.calls++
	if c.calls > c.after {
		return context.Canceled
	}
	return nil
}

// TestCompileStopsWhenCancelled cancels a long compile half-way: it must
// return context.Canceled at its next look, not finish the attempt.
func TestCompileStopsWhenCancelled(t *testing.T) {
	ctx := &cancelAfter{Context: context.Background(), after: 20}
	st, _, err := compileStats(t, ctx, []string{`^get /`, words(3000)}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if ctx.calls != ctx.after+1 {
		t.Errorf("ctx looked at %d times after the cancellation, want once", ctx.calls-ctx.after)
	}
	if st.Attempts == 0 || st.Work < 20*checkEvery/2 {
		t.Errorf("stats %+v: cancelled before the construction ran", st)
	}
}

// FuzzCompileBudget compiles random pattern sets under small random
// budgets: no panic, no error but the documented ones, and no attempt
// beyond its work or memory budget by more than the meter's overrun.
func FuzzCompileBudget(f *testing.F) {
	f.Add(`(a|b)*a(a|b){12}`, `^get /`, `x+y*`, uint64(1))
	f.Add(words(200), `.*abc`, `[a-z]{3,9}$`, uint64(7))
	f.Add(`(.{10}){10}`, `a|b|c|d`, `^$`, uint64(42))
	f.Fuzz(func(t *testing.T, e1, e2, e3 string, seed uint64) {
		if len(e1)+len(e2)+len(e3) > 4000 {
			return
		}
		var res []*syntax.Regexp
		for _, e := range []string{e1, e2, e3} {
			re, err := parse(e, seed&1 != 0)
			if err != nil {
				return
			}
			res = append(res, re)
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		opt := Options{MaxWork: 1 << (10 + rng.IntN(12)), MaxMemory: 1 << (18 + rng.IntN(5))}
		m := &Machine{}
		err := m.compile(context.Background(), res, opt)
		if _, ok := errors.AsType[*PatternError](err); err != nil && !ok && !strings.Contains(err.Error(), "no room for the cache") {
			t.Fatalf("unexpected error %v", err)
		}
		insts := instCount(res)
		if st := m.stats; st.PeakWork > opt.MaxWork+overrun(insts) {
			t.Fatalf("%s: an attempt spent %d steps of %d", opts(opt), st.PeakWork, opt.MaxWork)
		} else if limit := opt.MaxMemory/2 + int64((insts+1)*(4*insts+stateOverhead)); st.PeakSets > limit {
			t.Fatalf("%s: state sets reached %d bytes, limit %d", opts(opt), st.PeakSets, limit)
		}
	})
}

func opts(o Options) string { return fmt.Sprintf("MaxWork %d MaxMemory %d", o.MaxWork, o.MaxMemory) }
