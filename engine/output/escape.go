package output

import (
	"unicode"
	"unicode/utf8"
)

// Escape returns s fit to print on a terminal. Packets, pattern files and
// their names, host names, rule files and device names come from outside,
// and a terminal obeys any control sequence it is sent, so every such
// string goes through Escape (or AppendEscaped) before it is printed, in
// every mode. Printable text, UTF-8 included, passes unchanged; anything
// else becomes \xHH per byte: C0 controls and DEL, C1 controls
// (U+0080–U+009F: "\xc2\x9b" is CSI to many terminals), bytes that are
// not UTF-8, and invisible format characters (bidi overrides, zero-width
// joiners) that could make the screen lie about what a packet holds.
func Escape(s string) string {
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			return string(AppendEscaped(make([]byte, 0, len(s)+16), s))
		}
	}
	return s
}

// AppendEscaped appends b (a string or bytes) to dst escaped as Escape
// does. It allocates only when dst must grow, so per-packet output can
// use it.
func AppendEscaped[T string | []byte](dst []byte, b T) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(b); {
		// Copy a run of printable ASCII at once: most values are one.
		j := i
		for j < len(b) && plain(b[j]) {
			j++
		}
		dst = append(dst, b[i:j]...)
		if i = j; i == len(b) {
			break
		}
		r, n := rune(b[i]), 1
		if b[i] >= utf8.RuneSelf {
			// A rune is at most 4 bytes: converting those few does
			// not allocate.
			r, n = utf8.DecodeRuneInString(string(b[i:min(i+utf8.UTFMax, len(b))]))
		}
		// Invalid UTF-8 decodes as RuneError of width 1; a C1 control
		// is not IsPrint.
		if r == utf8.RuneError && n == 1 || !printable(r) {
			for j := i; j < i+n; j++ {
				dst = append(dst, '\\', 'x', hex[b[j]>>4], hex[b[j]&0xf])
			}
		} else {
			dst = append(dst, b[i:i+n]...)
		}
		i += n
	}
	return dst
}

// printable is unicode.IsPrint, with a shortcut for the Arrows block
// (all printable): l7sniff's own line summaries put one on every line
// ("a → b"), and IsPrint finds it by a search through its tables.
func printable(r rune) bool { return r >= 0x2190 && r <= 0x21ff || unicode.IsPrint(r) }

// plain reports whether c is printable ASCII, which passes as is.
func plain(c byte) bool { return c >= 0x20 && c < 0x7f }
