package patterns

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseHeader(t *testing.T) {
	src := "# SMTP - Simple Mail Transfer Protocol - RFC 2821\r\n" +
		"# Pattern attributes: great notsofast fast\n" +
		"# Protocol groups: mail ietf_internet_standard\n" +
		"# Wiki: http://www.protocolinfo.org/wiki/SMTP\n" +
		"#\n\n   \n" +
		"smtp\n" +
		"# a comment between name and regex\n" +
		"^220[\\x09-\\x0d -~]* (e?smtp|simple mail)\n" +
		"userspace pattern=^220[\\x09-\\x0d -~]* (E?SMTP|[Ss]imple [Mm]ail)\n" +
		"userspace flags=REG_NOSUB REG_EXTENDED\n"
	p, err := Parse("dir/smtp.pat", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{
		Description: "SMTP - Simple Mail Transfer Protocol - RFC 2821",
		Attributes:  []string{"great", "notsofast", "fast"},
		Groups:      []string{"mail", "ietf_internet_standard"},
		Wiki:        "http://www.protocolinfo.org/wiki/SMTP",
	}
	if p.Meta.Description != want.Description || !slices.Equal(p.Meta.Attributes, want.Attributes) ||
		!slices.Equal(p.Meta.Groups, want.Groups) || p.Meta.Wiki != want.Wiki {
		t.Errorf("Meta = %+v, want %+v", p.Meta, want)
	}
	if p.Name != "smtp" || p.Line != 11 || !strings.HasPrefix(p.Source, "^220") || !strings.Contains(p.Source, "E?SMTP") {
		t.Errorf("got name %q line %d source %q", p.Name, p.Line, p.Source)
	}
	if p.Flags != Extended|NoSub {
		t.Errorf("flags %v, want REG_EXTENDED|REG_NOSUB (REG_ICASE dropped)", p.Flags)
	}
	// Without REG_ICASE the override is case-sensitive.
	if goMatch(t, p.Regexp, "220 mail esmtp") || !goMatch(t, p.Regexp, "220 mail ESMTP") {
		t.Error("userspace flags not applied")
	}
}

func TestParsePriority(t *testing.T) {
	for _, c := range []struct {
		header string
		want   int
	}{
		{"", 0},
		{"# Pattern attributes: good subset\n", -1},
		{"# Pattern attributes: ok overmatch\n", 1},
		{"# Pattern attributes: ok overmatch\n# l7sniff-priority: -7\n", -7},
	} {
		p, err := Parse("x.pat", []byte("# X\n"+c.header+"x\nabc\n"))
		if err != nil || p.Priority != c.want {
			t.Errorf("header %q: priority %v (%v), want %d", c.header, p, err, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		src    string
		line   int
		code   ErrorCode
		reason string
	}{
		{"", 0, ErrNoName, "no protocol name"},
		{"# only a comment\n", 1, ErrNoName, "no protocol name"},
		{"# c\nfoo\n", 2, ErrNoRegex, "no regex line"},
		{"# c\nbar\nabc\n", 2, ErrNameMismatch, "does not match the file name"},
		{"foo\nabc\nmore\n", 3, ErrExtraLine, "unexpected line"},
		{"foo\n(a)\\1\n", 2, ErrRegex, "backreference"},
		{"foo\nabc\nuserspace flags=REG_BOGUS\n", 3, ErrFlags, "unknown regcomp flag"},
		{"foo\nabc\nuserspace pattern\n", 3, ErrUserspace, "without '='"},
		{"foo\nabc\nuserspace pattern=a\nuserspace pattern=b\n", 4, ErrUserspace, "second"},
		{"# Foo\n# l7sniff-priority: high\nfoo\nabc\n", 2, ErrHeader, "want an integer"},
	} {
		_, err := Parse("d/foo.pat", []byte(c.src))
		le, ok := err.(*LoadError)
		if !ok || le.File != "d/foo.pat" || le.Line != c.line || le.Code != c.code || !strings.Contains(le.Reason, c.reason) {
			t.Errorf("Parse(%q) = %v (code %d), want d/foo.pat:%d: ...%s... (code %d)", c.src, err, codeOf(err), c.line, c.reason, c.code)
		}
	}
}

func TestParsePseudo(t *testing.T) {
	p, err := Parse("unknown.pat", []byte("# Unknown\n\nunknown\n.\n"))
	if err != nil || !p.Pseudo || p.Regexp != nil {
		t.Fatalf("unknown.pat: %+v, %v", p, err)
	}
}

func TestLoadErrorFormat(t *testing.T) {
	if got := (&LoadError{File: "a.pat", Line: 3, Reason: "bad"}).Error(); got != "a.pat:3: bad" {
		t.Errorf("got %q", got)
	}
}

// codeOf is err's LoadError code, 0 when it is not a *LoadError.
func codeOf(err error) ErrorCode {
	if le, ok := err.(*LoadError); ok {
		return le.Code
	}
	return 0
}

// TestLoadErrorCodes: the problems Load meets beyond one file's syntax
// carry their own codes: a directory that cannot be read, a protocol
// loaded twice (the later directory loses), a regex the automaton cannot
// take.
func TestLoadErrorCodes(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, d := range []string{first, second} {
		if err := os.WriteFile(filepath.Join(d, "foo.pat"), []byte("foo\nabc\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(first, "no such dir")
	set, errs := Load(first, second, missing)
	want := map[ErrorCode]bool{ErrDuplicate: true, ErrRead: true}
	for _, e := range errs {
		if !want[e.Code] {
			t.Errorf("unexpected %v (code %d)", &e, e.Code)
		}
		delete(want, e.Code)
	}
	if len(want) != 0 || set.Len() != 1 {
		t.Errorf("codes not reported: %v (errors %v); %d patterns, want 1", want, errs, set.Len())
	}
}
