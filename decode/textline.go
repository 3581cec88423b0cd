package decode

// nextLine finds the line that starts at off in b[:end], the way
// Wireshark's tvb_find_line_end does: a line ends at "\r\n", "\n" or a
// lone "\r". It returns the line without its end and where the next line
// starts; complete is false when b ends before any line end, in which case
// the line runs to end (a dissector reports it as truncated).
func nextLine(b []byte, off, end int) (line Range, next int, complete bool) {
	for i := off; i < end; i++ {
		switch b[i] {
		case '\n':
			return Range{off, i - off}, i + 1, true
		case '\r':
			if i+1 < end && b[i+1] == '\n' {
				return Range{off, i - off}, i + 2, true
			}
			return Range{off, i - off}, i + 1, true
		}
	}
	return Range{off, end - off}, end, false
}

// token returns the run of bytes in r up to the first space (tshark's
// get_token_len), and the rest of r after the spaces that follow it.
func token(b []byte, r Range) (tok, rest Range) {
	i := r.Off
	for i < r.End() && b[i] != ' ' {
		i++
	}
	tok = Range{r.Off, i - r.Off}
	for i < r.End() && b[i] == ' ' {
		i++
	}
	return tok, Range{i, r.End() - i}
}

// bytesOf returns the bytes of r in b.
func bytesOf(b []byte, r Range) []byte { return b[r.Off:r.End()] }

// hasPrefixFold reports whether b[off:end] starts with prefix, ASCII
// case-insensitively (prefix is upper case).
func hasPrefixFold(b []byte, off, end int, prefix string) bool {
	if end-off < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := b[off+i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// threeDigits parses the 3-digit reply code at the start of r (SMTP, FTP,
// SIP); ok is false when r does not start with three digits.
func threeDigits(b []byte, r Range) (code int, ok bool) {
	if r.Len < 3 {
		return 0, false
	}
	for i := r.Off; i < r.Off+3; i++ {
		if b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		code = code*10 + int(b[i]-'0')
	}
	return code, true
}
