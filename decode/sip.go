package decode

// SIP is the start line of a SIP message (RFC 3261 §7.1, §7.2): a
// request's method and Request-URI, or a response's status code and
// reason phrase. Headers and body are not dissected.
type SIP struct {
	Off     int
	Request bool
	Method  Range // requests
	URI     Range // requests: the Request-URI
	Status  int   // responses: the status code
	Code    Range // responses: the status code's digits
	Phrase  Range // responses: the reason phrase
	Line    Range // the start line without its end
	// Truncated is set when the data ends inside the start line.
	Truncated bool
}

// sipPort is SIP's UDP and TCP port; on other ports tshark 4.0's SIP
// heuristic (on by default) accepts a datagram whose first line is a
// SIP start line, which is what parse checks.
const sipPort = 5060

const sipVersion = "SIP/2.0"

// parse reads the start line at b[off:end]; false when it is not a SIP
// request or status line, which is also the heuristic test.
func (s *SIP) parse(b []byte, off, end int) bool {
	line, _, complete := nextLine(b, off, end)
	*s = SIP{Off: off, Line: line, Truncated: !complete}
	if hasPrefix(b, line, sipVersion+" ") {
		rest := Range{line.Off + len(sipVersion) + 1, line.Len - len(sipVersion) - 1}
		code, ok := threeDigits(b, rest)
		if !ok || rest.Len > 3 && b[rest.Off+3] != ' ' {
			return false
		}
		s.Status, s.Code = code, Range{rest.Off, 3}
		if rest.Len > 4 {
			s.Phrase = Range{rest.Off + 4, rest.Len - 4}
		}
		return true
	}
	method, rest := token(b, line)
	uri, ver := token(b, rest)
	if method.Len == 0 || uri.Len == 0 || ver.Len != len(sipVersion) || !hasPrefix(b, ver, sipVersion) {
		return false
	}
	for _, c := range bytesOf(b, method) {
		if !isTokenChar(c) {
			return false
		}
	}
	s.Request, s.Method, s.URI = true, method, uri
	return true
}

// hasPrefix reports whether the bytes of r start with prefix.
func hasPrefix(b []byte, r Range, prefix string) bool {
	return r.Len >= len(prefix) && string(b[r.Off:r.Off+len(prefix)]) == prefix
}

// isTokenChar reports whether c may appear in an RFC 3261 token (the
// method): alphanumerics and -.!%*_+`'~.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '!', '%', '*', '_', '+', '`', '\'', '~':
		return true
	}
	return false
}
