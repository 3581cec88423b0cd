package decode

import "fmt"

// SIP is the start line of a SIP message (RFC 3261 §7.1, §7.2): a
// request's method and Request-URI, or a response's status code and
// reason phrase. Headers and body are not dissected.
type SIP struct {
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

// sipPorts: tshark 4.0 gives SIP UDP and TCP port 5060; its SIP
// heuristic (on by default, UDP and TCP) accepts a SIP start line on any
// other port, which sniffSIP checks.
var sipPorts = []uint16{5060}

const sipVersion = "SIP/2.0"

func init() {
	register(&dissector{
		layer:     LayerSIP,
		tcpPorts:  sipPorts,
		udpPorts:  sipPorts,
		sniff:     sniffSIP,
		heuristic: func(b []byte, tcp, cut bool) bool { return sniffSIP(b, tcp) },
		dissect:   dissectSIP,
		info:      appendSIPInfo,
		tree:      sipTree,
		fields: []Field{
			sipField("sip.Method", "SIP request method", func(s *SIP) (Range, bool) { return s.Method, s.Request }),
			nthDecField("sip.Status-Code", "SIP response status code", func(p *Packet, i int) (uint64, bool) {
				m, ok := p.misc(LayerSIP)
				return uint64(m.SIP.Status), ok && i == 0 && !m.SIP.Request
			}),
			sipField("sip.r-uri", "SIP Request-URI", func(s *SIP) (Range, bool) { return s.URI, s.Request }),
		},
	})
}

func sipField(name, desc string, v func(s *SIP) (Range, bool)) Field {
	return nthTextField(name, desc, func(p *Packet, i int) ([]byte, bool) {
		m, ok := p.misc(LayerSIP)
		r, has := v(&m.SIP)
		return p.App.Bytes(r.Off, r.Len), ok && has && i == 0
	})
}

// sniffSIP is the SIP heuristic: the first line is a request or status
// line. Methods are upper-case tokens in practice, which lets the test
// reject most payloads at their first byte.
func sniffSIP(b []byte, tcp bool) bool {
	if len(b) == 0 || b[0] < 'A' || b[0] > 'Z' {
		return false
	}
	var s SIP
	return s.parse(b, 0, len(b))
}

func dissectSIP(p *Packet, tcp bool) {
	s := &p.App.Misc.SIP
	b := p.App.Data
	s.parse(b, 0, len(b))
	if s.Truncated {
		p.fail(LayerSIP, ShortMessage, len(b), len(b)+1)
	}
}

// parse reads the start line at b[off:end]; false when it is not a SIP
// request or status line.
func (s *SIP) parse(b []byte, off, end int) bool {
	line, _, complete := nextLine(b, off, end)
	*s = SIP{Line: line, Truncated: !complete}
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

// appendSIPInfo appends tshark's Info: "Request: INVITE sip:bob@example.com"
// or "Status: 200 OK".
func appendSIPInfo(p *Packet, dst []byte) []byte {
	s := &p.App.Misc.SIP
	if s.Request {
		dst = p.miscText(append(dst, "Request: "...), s.Method)
		return p.miscText(append(dst, ' '), s.URI)
	}
	dst = appendUint(append(dst, "Status: "...), uint64(s.Status))
	if s.Phrase.Len > 0 {
		dst = p.miscText(append(dst, ' '), s.Phrase)
	}
	return dst
}

func sipTree(t *treeBuilder) {
	p := t.p
	s := &p.App.Misc.SIP
	t.app(0, "Session Initiation Protocol", string(appendSIPInfo(p, nil)), 0, len(p.App.Data))
	if s.Request {
		t.app(1, "Request-Line", p.miscString(s.Line), s.Line.Off, s.Line.Len)
		t.app(2, "Method", p.miscString(s.Method), s.Method.Off, s.Method.Len)
		t.app(2, "Request-URI", p.miscString(s.URI), s.URI.Off, s.URI.Len)
		return
	}
	t.app(1, "Status-Line", p.miscString(s.Line), s.Line.Off, s.Line.Len)
	t.app(2, "Status-Code", fmt.Sprint(s.Status), s.Code.Off, s.Code.Len)
	if s.Phrase.Len > 0 {
		t.app(2, "Reason phrase", p.miscString(s.Phrase), s.Phrase.Off, s.Phrase.Len)
	}
}
