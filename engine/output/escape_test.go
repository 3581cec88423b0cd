package output

import (
	"strings"
	"testing"
	"unicode"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},                     // an escape sequence loses its ESC
		{"x\r\n\ty\x07\x7f", `x\x0d\x0a\x09y\x07\x7f`}, // controls, BEL, DEL
		{"\xff\xfeok", `\xff\xfeok`},                   // not UTF-8
		{"\xc2", `\xc2`},                               // a sequence cut short
		{"10.0.0.1 → 10.0.0.2 café", "10.0.0.1 → 10.0.0.2 café"},
		{"ab\u202ecd", `ab\xe2\x80\xaecd`}, // bidi override
		{"a\u200db", `a\xe2\x80\x8db`},     // zero-width joiner
		{"\u009b31m", `\xc2\x9b31m`},       // C1 CSI
		{"\u0085", `\xc2\x85`},             // C1 NEL
		{"\ufffd", "\ufffd"},               // a real replacement character is text
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := string(AppendEscaped([]byte(">"), []byte(c.in))); got != ">"+c.want {
			t.Errorf("AppendEscaped(bytes %q) = %q, want %q", c.in, got, ">"+c.want)
		}
		if got := string(AppendEscaped([]byte(">"), c.in)); got != ">"+c.want {
			t.Errorf("AppendEscaped(string %q) = %q, want %q", c.in, got, ">"+c.want)
		}
	}
}

// TestAppendEscapedAllocs: -T fields escapes every value of every packet.
func TestAppendEscapedAllocs(t *testing.T) {
	s := strings.Repeat("GET /\x1b[2J\u009b \xff café ", 8)
	in := []byte(s)
	dst := make([]byte, 0, 4*len(in))
	if n := testing.AllocsPerRun(100, func() { dst = AppendEscaped(dst[:0], in) }); n != 0 {
		t.Errorf("AppendEscaped(bytes): %v allocs per call, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { dst = AppendEscaped(dst[:0], s) }); n != 0 {
		t.Errorf("AppendEscaped(string): %v allocs per call, want 0", n)
	}
}

// BenchmarkAppendEscaped: a field value as -T fields prints it, plain
// ASCII (the common case) and with controls and UTF-8 to escape.
func BenchmarkAppendEscaped(b *testing.B) {
	for _, c := range []struct{ name, in string }{
		{"ascii", "GET /index.html HTTP/1.1 Host: www.example.com"},
		{"mixed", "GET /\x1b[2J\u009b café \xff HTTP/1.1 Host: www.example.com"},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := []byte(c.in)
			dst := make([]byte, 0, 4*len(in))
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendEscaped(dst[:0], in)
			}
		})
	}
}

// TestPrintableShortcut holds the Arrows shortcut of printable to
// unicode.IsPrint over the whole block, so it can only save time.
func TestPrintableShortcut(t *testing.T) {
	for r := rune(0x2190); r <= 0x21ff; r++ {
		if !unicode.IsPrint(r) {
			t.Errorf("U+%04X is in the shortcut but not printable", r)
		}
	}
}
