package decode

// Constructors for application fields, which can occur several times in
// a packet: occurrence i of a per-message field is message i's value.

// nthField is a field whose occurrences nth appends.
func nthField(name, desc string, nth func(p *Packet, i int, dst []byte) ([]byte, bool)) Field {
	return Field{Name: name, Desc: desc, nth: nth}
}

// nthDecField prints occurrence i of a number in decimal.
func nthDecField(name, desc string, v func(p *Packet, i int) (uint64, bool)) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		n, ok := v(p, i)
		if !ok {
			return dst, false
		}
		return appendUint(dst, n), true
	})
}

// nthHexField prints occurrence i of a number as tshark's 0x-prefixed,
// zero-padded hex.
func nthHexField(name, desc string, digits int, v func(p *Packet, i int) (uint64, bool)) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		n, ok := v(p, i)
		if !ok {
			return dst, false
		}
		return appendHex(dst, n, digits), true
	})
}

// nthTextField prints occurrence i, a span of App.Data, as text with the
// bytes tshark would not print raw escaped (see appendText).
func nthTextField(name, desc string, v func(p *Packet, i int) ([]byte, bool)) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		b, ok := v(p, i)
		if !ok {
			return dst, false
		}
		return appendText(dst, b), true
	})
}

// appendText appends b as tshark's format_text does: printable ASCII as
// is, other bytes as C escapes (\r, \n, \t, \ooo octal).
func appendText(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		// Copy a run of printable ASCII at once: most text is one.
		j := i
		for j < len(b) && b[j] >= 0x20 && b[j] < 0x7f {
			j++
		}
		dst = append(dst, b[i:j]...)
		if i = j; i == len(b) {
			break
		}
		dst = appendTextByte(dst, b[i])
	}
	return dst
}

func appendTextByte(dst []byte, c byte) []byte {
	switch {
	case c >= 0x20 && c < 0x7f:
		return append(dst, c)
	case c == '\r':
		return append(dst, '\\', 'r')
	case c == '\n':
		return append(dst, '\\', 'n')
	case c == '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
}
