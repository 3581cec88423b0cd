package automaton

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomSet draws a pattern set of anchored and unanchored patterns, some
// with loops, over a small alphabet so that their DFAs interact.
func randomSet(rng *rand.Rand) []string {
	word := func() string {
		b := make([]byte, 1+rng.IntN(5))
		for i := range b {
			b[i] = "abcdx"[rng.IntN(5)]
		}
		return string(b)
	}
	exprs := make([]string, 2+rng.IntN(40))
	for i := range exprs {
		e := word()
		switch rng.IntN(3) {
		case 1:
			e += "[^x]*" + word()
		case 2:
			e += "(" + word() + "|" + word() + ")" + word()
		}
		if rng.IntN(2) == 0 {
			e = "^" + e
		}
		exprs[i] = e
	}
	return exprs
}

// TestHeadTailMatchesSequential checks that grouping the head and the tail
// at once gives what grouping them in turn gives: the same components, or
// the same error, whether the speculative tail is kept or built again.
func TestHeadTailMatchesSequential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 17))
	kept, redone, failed := 0, 0, 0
	for range 60 {
		exprs := randomSet(rng)
		p := &prog{}
		for i, e := range exprs {
			if err := p.appendPattern(mustParse(t, e), i); err != nil {
				t.Fatal(err)
			}
		}
		anch, rest := packOrder(p, len(exprs))
		maxMem := int64(1) << (14 + rng.IntN(8))
		limit := []int{8, 24, 64, 512}[rng.IntN(4)]
		lim := newMeter(context.Background(), DefaultMaxWork, 1<<30)
		name := fmt.Sprintf("%q maxMem %d limit %d", exprs, maxMem, limit)

		var cst, sst Stats
		chd, ctl, cerr := packHeadTail(p, anch, rest, maxMem, limit, lim, &cst)
		shd, serr := packGroups(p, anch, maxMem, limit, maxGroups, lim, &sst)
		var stl []*dfa
		if serr == nil {
			stl, serr = packGroups(p, rest, maxMem-memoryOf(shd), limit, maxGroups-len(shd), lim, &sst)
		}
		if fmt.Sprint(cerr) != fmt.Sprint(serr) {
			t.Fatalf("%s: error %v, sequential %v", name, cerr, serr)
		}
		if cerr == nil && (!sameDFAs(chd, shd) || !sameDFAs(ctl, stl)) {
			t.Fatalf("%s: components differ from the sequential grouping", name)
		}
		if cerr != nil {
			failed++
		}
		if cst.Attempts == sst.Attempts {
			kept++
		} else {
			redone++
		}
	}
	if kept == 0 || redone == 0 || failed == 0 || failed == redone {
		t.Fatalf("speculative tail kept %d times, built again %d, %d errors: each path must be exercised", kept, redone, failed)
	}
	t.Logf("speculative tail kept %d times, built again %d, %d errors", kept, redone, failed)
}

func sameDFAs(a, b []*dfa) bool {
	return slices.EqualFunc(a, b, func(x, y *dfa) bool {
		return x.cls == y.cls && x.stride == y.stride && x.special == y.special && x.start == y.start &&
			slices.Equal(x.trans, y.trans) && slices.Equal(x.match, y.match) && slices.Equal(x.eof, y.eof)
	})
}
