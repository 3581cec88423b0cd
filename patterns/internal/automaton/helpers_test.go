package automaton

import (
	"regexp/syntax"
	"testing"
	"unicode"
)

// parse parses expr in Go syntax into the byte alphabet Compile expects:
// . is any byte, ^/$ are text anchors, and with fold the ASCII letters match
// both cases through explicit classes.
func parse(expr string, fold bool) (*syntax.Regexp, error) {
	re, err := syntax.Parse(expr, syntax.Perl|syntax.DotNL)
	if err != nil {
		return nil, err
	}
	if fold {
		asciiFold(re)
	}
	return re, nil
}

func mustParse(t testing.TB, expr string) *syntax.Regexp {
	t.Helper()
	re, err := parse(expr, false)
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	return re
}

// asciiFold makes every ASCII letter in re match both of its cases.
func asciiFold(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 1 {
			if c := foldClass([]rune{re.Rune[0], re.Rune[0]}); len(c) > 2 {
				re.Op, re.Rune = syntax.OpCharClass, c
			}
			return
		}
		subs := make([]*syntax.Regexp, len(re.Rune))
		for i, r := range re.Rune {
			subs[i] = &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}}
			asciiFold(subs[i])
		}
		*re = syntax.Regexp{Op: syntax.OpConcat, Sub: subs}
	case syntax.OpCharClass:
		re.Rune = foldClass(re.Rune)
	}
	for _, s := range re.Sub {
		asciiFold(s)
	}
}

// foldClass adds the other ASCII case of every letter in the ranges.
func foldClass(ranges []rune) []rune {
	var out []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		out = append(out, ranges[i], ranges[i+1])
		for r := max(ranges[i], 'A'); r <= min(ranges[i+1], 'z'); r++ {
			if r <= 'Z' || r >= 'a' {
				o := unicode.SimpleFold(r)
				out = append(out, o, o)
			}
		}
	}
	cc := &syntax.Regexp{Op: syntax.OpCharClass, Rune: out}
	// Re-parse through the simplifier's normal form: sort and merge.
	s, _ := syntax.Parse(cc.String(), syntax.Perl)
	if s == nil || s.Op != syntax.OpCharClass {
		return out
	}
	return s.Rune
}
