//go:build hyperscan

package patterns

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"
	"time"

	"l7sniff/patterns/internal/hyperscan"
)

// pcre writes re (runes are bytes) in the syntax Hyperscan reads, every
// byte outside [0-9A-Za-z] escaped as \xHH so that nothing is read as UTF-8.
func pcre(sb *strings.Builder, re *syntax.Regexp) {
	lit := func(r rune) {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			sb.WriteRune(r)
		} else {
			fmt.Fprintf(sb, `\x%02x`, min(r, 255))
		}
	}
	// atom writes a sub-expression a quantifier can apply to.
	atom := func(sub *syntax.Regexp) {
		single := sub.Op == syntax.OpCharClass || sub.Op == syntax.OpAnyChar ||
			sub.Op == syntax.OpAnyCharNotNL || sub.Op == syntax.OpLiteral && len(sub.Rune) == 1 && sub.Flags&syntax.FoldCase == 0
		if !single {
			sb.WriteString("(?:")
		}
		pcre(sb, sub)
		if !single {
			sb.WriteString(")")
		}
	}
	switch re.Op {
	case syntax.OpEmptyMatch:
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			sb.WriteString("(?i:")
		}
		for _, r := range re.Rune {
			lit(r)
		}
		if re.Flags&syntax.FoldCase != 0 {
			sb.WriteString(")")
		}
	case syntax.OpCharClass:
		sb.WriteString("[")
		for i := 0; i+1 < len(re.Rune) && re.Rune[i] <= 255; i += 2 {
			lit(re.Rune[i])
			if re.Rune[i+1] != re.Rune[i] {
				sb.WriteString("-")
				lit(re.Rune[i+1])
			}
		}
		sb.WriteString("]")
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		sb.WriteString(".")
	case syntax.OpBeginText:
		sb.WriteString("^")
	case syntax.OpEndText:
		sb.WriteString(`\z`)
	case syntax.OpCapture:
		atom(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpAlternate {
				atom(sub)
			} else {
				pcre(sb, sub)
			}
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				sb.WriteString("|")
			}
			pcre(sb, sub)
		}
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		atom(re.Sub[0])
		sb.WriteString(map[syntax.Op]string{syntax.OpStar: "*", syntax.OpPlus: "+", syntax.OpQuest: "?"}[re.Op])
	case syntax.OpRepeat:
		atom(re.Sub[0])
		if re.Max < 0 {
			fmt.Fprintf(sb, "{%d,}", re.Min)
		} else {
			fmt.Fprintf(sb, "{%d,%d}", re.Min, re.Max)
		}
	default:
		panic("pcre: unexpected " + re.Op.String())
	}
}

// hsDatabase compiles the set's patterns for Hyperscan stream mode.
func hsDatabase(b *testing.B, set *Set) *hyperscan.Database {
	var exprs []string
	for _, p := range set.Patterns() {
		var sb strings.Builder
		sb.WriteString("(?:")
		pcre(&sb, p.Regexp)
		sb.WriteString(")")
		exprs = append(exprs, sb.String())
	}
	t0 := time.Now()
	db, err := hyperscan.Compile(exprs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("hyperscan: %d patterns compiled in %v", len(exprs), time.Since(t0))
	return db
}

// BenchmarkHyperscan feeds the workload of BenchmarkStream to Hyperscan
// stream mode with the same patterns, one open stream per flow.
func BenchmarkHyperscan(b *testing.B) {
	set := loadProtocols(b, benchNoBudget)
	db := hsDatabase(b, set)
	defer db.Close()
	for _, kind := range []string{"text", "random"} {
		for _, n := range []int{1, 1000, 100000} {
			b.Run(kind+"/streams="+strconv.Itoa(n), func(b *testing.B) {
				w := newWorkload(n, kind == "text")
				streams := make([]hyperscan.Stream, n)
				for i := range streams {
					var err error
					if streams[i], err = db.Open(); err != nil {
						b.Fatal(err)
					}
				}
				defer func() {
					for _, s := range streams {
						db.CloseStream(s)
					}
				}()
				b.SetBytes(w.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					for i, c := range w.chunks {
						db.Scan(streams[w.stream[i]], c)
					}
				}
				b.ReportMetric(float64(db.StreamSize()), "state-B/stream")
			})
		}
	}
}

// BenchmarkHyperscanCompile times hs_compile_multi on the same patterns.
func BenchmarkHyperscanCompile(b *testing.B) {
	set := loadProtocols(b, benchNoBudget)
	for b.Loop() {
		hsDatabase(b, set).Close()
	}
}
