package patterns

import (
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
		reason string
	}{
		{"", 0, "no protocol name"},
		{"# only a comment\n", 1, "no protocol name"},
		{"# c\nfoo\n", 2, "no regex line"},
		{"# c\nbar\nabc\n", 2, "does not match the file name"},
		{"foo\nabc\nmore\n", 3, "unexpected line"},
		{"foo\n(a)\\1\n", 2, "backreference"},
		{"foo\nabc\nuserspace flags=REG_BOGUS\n", 3, "unknown regcomp flag"},
		{"foo\nabc\nuserspace pattern\n", 3, "without '='"},
		{"# Foo\n# l7sniff-priority: high\nfoo\nabc\n", 2, "want an integer"},
	} {
		_, err := Parse("d/foo.pat", []byte(c.src))
		le, ok := err.(*LoadError)
		if !ok || le.File != "d/foo.pat" || le.Line != c.line || !strings.Contains(le.Reason, c.reason) {
			t.Errorf("Parse(%q) = %v, want d/foo.pat:%d: ...%s...", c.src, err, c.line, c.reason)
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
