package ui

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// safe makes s fit to print: packets, pattern files, file names and
// device names are data from outside, and a terminal obeys any escape
// sequence it is sent, so nothing from them reaches the screen raw.
// Control characters become '.', bytes that are not UTF-8 become \xHH,
// and so do invisible format characters (bidi overrides, zero-width
// joiners) that could make the screen lie about what a packet holds.
func safe(s string) string {
	if isPlain(s) {
		return s
	}
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			out = append(out, `\x`...)
			out = appendHex2(out, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			out = append(out, '.')
		case !unicode.IsPrint(r) && r != ' ':
			for j := range n {
				out = append(out, `\x`...)
				out = appendHex2(out, s[i+j])
			}
		default:
			out = append(out, s[i:i+n]...)
		}
		i += n
	}
	return string(out)
}

// isPlain reports whether s is printable ASCII, the common case that
// needs no copy.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func appendHex2(dst []byte, b byte) []byte {
	if b < 0x10 {
		dst = append(dst, '0')
	}
	return strconv.AppendUint(dst, uint64(b), 16)
}

// printable maps one payload byte to what the follow-stream and hex
// views show: itself when it is printable ASCII, '.' otherwise.
func printable(b byte) byte {
	if b < 0x20 || b > 0x7e {
		return '.'
	}
	return b
}
