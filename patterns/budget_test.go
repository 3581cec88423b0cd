package patterns

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// FuzzLoadUnderBudget loads random sets of three .pat files under small
// random compile budgets, through the same build as Load: no panic, and
// every file ends up either compiled or reported with its file and line,
// however the budget cut the compile.
func FuzzLoadUnderBudget(f *testing.F) {
	f.Add(`^get /`, `(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)`, `[\x09-\x0d -~]*x`, uint8(3))
	f.Add(`x|y|z`, `(.{10}){10}`, `^\x03[]Z].?.?\x05$`, uint8(200))
	f.Add(strings.Repeat("abcdefgh|", 300)+"x", `.*a.*b.*c`, `[[:alpha:]]+$`, uint8(77))
	f.Fuzz(func(t *testing.T, e0, e1, e2 string, budget uint8) {
		if len(e0)+len(e1)+len(e2) > 4000 {
			return
		}
		var files []scanned
		for i, e := range []string{e0, e1, e2} {
			name := fmt.Sprintf("p%d", i)
			sc := scanned{file: name + ".pat", rel: name + ".pat"}
			if p, err := Parse(sc.file, []byte(name+"\n"+strings.ReplaceAll(e, "\n", "")+"\n")); err != nil {
				sc.err = err.(*LoadError)
			} else {
				sc.pattern = p
			}
			files = append(files, sc)
		}
		o := Options{MaxWork: 1 << (8 + budget%14), MaxMemory: 1 << (18 + budget/14%5)}
		s := o.build(context.Background(), files, nil)
		whole := false // the set as a whole was refused (too little memory)
		reported := map[string]bool{}
		for _, e := range s.Errors() {
			if e.File == "(pattern set)" {
				whole = true
				continue
			}
			if e.Line == 0 {
				t.Errorf("error without a line: %v", &e)
			}
			reported[e.File] = true
		}
		for _, sc := range files {
			switch compiled := s.patternFor(sc.file) != nil; {
			case compiled && reported[sc.file]:
				t.Errorf("%s: compiled and reported: %v", sc.file, s.Errors())
			case !compiled && !reported[sc.file] && !whole:
				t.Errorf("%s: neither compiled nor reported: %v", sc.file, s.Errors())
			}
		}
		st := s.NewStream()
		st.Feed([]byte(e0 + e1 + e2))
	})
}
