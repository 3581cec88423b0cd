package patterns

import (
	"context"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// goMatch runs Go's regexp on the translated tree, each input byte as the
// rune of the same value (the automaton's alphabet), NULs stripped.
func goMatch(t *testing.T, re *syntax.Regexp, input string) bool {
	t.Helper()
	rx, err := regexp.Compile(re.String())
	if err != nil {
		t.Fatalf("translated %v does not compile in Go: %v", re, err)
	}
	rs := make([]rune, 0, len(input))
	for i := 0; i < len(input); i++ {
		if input[i] != 0 {
			rs = append(rs, rune(input[i]))
		}
	}
	return rx.MatchString(string(rs))
}

// The expectations below were checked against glibc 2.36
// regcomp/regexec with the same flags.
func TestTranslateRules(t *testing.T) {
	ere := DefaultFlags
	bre := NoSub
	cases := []struct {
		rule, src string
		flags     Flags
		match     []string
		noMatch   []string
	}{
		{"\\xHH is a byte", `^\x16\x03`, ere, []string{"\x16\x03\x01"}, []string{"x16x03"}},
		{"\\x5c becomes a backslash that escapes", `a\x5c\x2eb`, ere, []string{"a.b"}, []string{"axb"}},
		{"\\x2e becomes the any-byte operator", `a\x2eb`, ere, []string{"a.b", "axb"}, []string{"ab"}},
		{"backslash is ordinary in brackets (finger)", `^[a-z0-9\-_]+$`, ere, []string{"ab\\c_", "a]^"}, []string{"a-b", "a.b"}},
		{"] first in a bracket is literal (ares)", `^\x03[]Z]$`, ere, []string{"\x03]", "\x03z"}, []string{"\x03[", "\x03a"}},
		{"] after ^ is literal", `^[^]a]$`, ere, []string{"b"}, []string{"]", "A"}},
		{"- first and last is literal", `^[-a][b-]$`, ere, []string{"-b", "a-"}, []string{"ab-"}},
		{"POSIX classes", `^[[:alpha:]][[:digit:]][[:space:]][[:punct:]]$`, ere, []string{"a1 !", "Z9\t~"}, []string{"11 !", "a1 a"}},
		{"[:lower:] means alpha under REG_ICASE", `^[[:lower:]]$`, ere, []string{"a", "A"}, []string{"1"}},
		{"dot matches newline", `^a.b$`, ere, []string{"a\nb", "a\xffb"}, []string{"ab"}},
		{"bytes >= 0x80 are single bytes", `^\xff\x80$`, ere, []string{"\xff\x80"}, []string{"\u00ff\u0080"}},
		{"ASCII case folding only", `^ab\xe0$`, ere, []string{"AB\xe0", "aB\xe0"}, []string{"AB\xc0"}},
		{"[A-z] upper-cases to [A-Z] like glibc", `^[A-z]$`, ere, []string{"a", "Q"}, []string{"_", "`"}},
		{"escaped lower-case letter never matches under REG_ICASE", `x\d`, ere, nil, []string{"xd", "xD"}},
		{"no REG_ICASE: case matters (smtp)", `^220 E?SMTP`, Extended | NoSub, []string{"220 ESMTP"}, []string{"220 esmtp"}},
		{"a** is allowed", `^ba**$`, ere, []string{"b", "baaa"}, []string{"bb"}},
		{"intervals, and glibc's {,n}", `^a{2,3}b{,1}$`, ere, []string{"aa", "aaab"}, []string{"a", "aaaa", "aabb"}},
		{"unmatched ) and lone } are literal", `^a)}$`, ere, []string{"a)}"}, nil},
		{"empty alternative", `^(|a)b$`, ere, []string{"b", "ab"}, []string{"bb"}},
		{"GNU \\w and \\s", `^\w\s$`, ere, []string{"_ ", "a\t"}, []string{"- "}},
		{"BRE: ? is literal (x11's userspace pattern)", `^[lB].?\x0b`, bre, []string{"lx?\x0b", "B??\x0b"}, []string{"lx\x0b", "b?\x0b"}},
		{"BRE: \\( \\) \\{ \\} \\| are operators", `^\(ab\)\{2\}\|^c`, bre, []string{"abab", "c"}, []string{"ab"}},
		{"BRE: * first is literal", `^*a`, bre, []string{"*a"}, []string{"a"}},
		{"NUL in the payload is stripped", `^ab$`, ere, []string{"a\x00b"}, nil},
	}
	for _, c := range cases {
		re, err := Translate(c.src, c.flags)
		if err != nil {
			t.Errorf("%s: Translate(%q): %v", c.rule, c.src, err)
			continue
		}
		for _, in := range c.match {
			if !goMatch(t, re, in) {
				t.Errorf("%s: %q (%v) does not match %q", c.rule, c.src, re, in)
			}
		}
		for _, in := range c.noMatch {
			if goMatch(t, re, in) {
				t.Errorf("%s: %q (%v) matches %q", c.rule, c.src, re, in)
			}
		}
	}
}

func TestTranslateRejects(t *testing.T) {
	cases := []struct{ src, reason string }{
		{`(a)\1`, "backreference"},
		{`\bfoo`, "word-boundary"},
		{`ab\x00`, "NUL byte"},
		{`*a`, "nothing to repeat"},
		{`a|+`, "nothing to repeat"},
		{`^*`, "nothing to repeat"},
		{`a{x}`, "invalid interval"},
		{`a{3,2}`, "minimum above maximum"},
		{`a{2000}`, "above 1000"},
		{`[abc`, "unmatched ["},
		{`(ab`, "unmatched ("},
		{`[z-a]`, "invalid range"},
		{`[[:nope:]]`, "unknown character class"},
		{`[[.ab.]]`, "collating element"},
		{`ab\`, "trailing backslash"},
	}
	for _, c := range cases {
		if _, err := Translate(c.src, DefaultFlags); err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("Translate(%q) = %v, want an error about %q", c.src, err, c.reason)
		}
	}
	if _, err := Translate("a", DefaultFlags|Newline); err == nil {
		t.Error("REG_NEWLINE accepted")
	}
}

// TestTranslateAlphabet checks the promise to the automaton: no FoldCase
// flag left, no rune above 0xff.
func TestTranslateAlphabet(t *testing.T) {
	re, err := Translate(`^(get|post) [\x80-\xff]k*s?[^a]\xe0`, DefaultFlags)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkAlphabet(re); err != nil {
		t.Fatalf("%v: %v", re, err)
	}
}

// FuzzCompile feeds random pattern text through translation and
// compilation: errors are fine, panics are not.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{`^[a-z][a-z0-9\-_]+\x0d\x0a`, `^\x03[]Z].?.?\x05$`, `a**{2}`, `[[:alpha:]]|(x|)`, `\x5c\x2e`, `\(a\)\{1,\}`} {
		f.Add(s, uint8(DefaultFlags))
	}
	f.Fuzz(func(t *testing.T, src string, flags uint8) {
		data := "fuzz\n" + strings.ReplaceAll(src, "\n", "") + "\n"
		if Flags(flags)&Extended == 0 {
			data += "userspace flags=REG_NOSUB\n"
		}
		p, err := Parse("fuzz.pat", []byte(data))
		if err != nil {
			return
		}
		st := (&Set{patterns: []*Pattern{p}, maxBytes: DefaultMaxBytes})
		st.compile(context.Background(), Options{}, nil)
		s := st.NewStream()
		s.Feed([]byte(src))
	})
}
