package decode

import "fmt"

// SIP is the SIP messages of one datagram or segment: over UDP one, over
// TCP each whole message, as tshark dissects them.
type SIP struct {
	Msgs [MaxSIPMessages]SIPMsg
	N    int
	// More counts messages past MaxSIPMessages, not kept.
	More int
}

// MaxSIPMessages bounds the SIP messages kept per TCP segment.
const MaxSIPMessages = 4

// SIPMsg is the start line of a SIP message (RFC 3261 §7.1, §7.2): a
// request's method and Request-URI, or a response's status code and
// reason phrase. Other headers and the body are not dissected.
type SIPMsg struct {
	Request bool
	Method  Range // requests
	URI     Range // requests: the Request-URI
	Status  int   // responses: the status code
	Code    Range // responses: the status code's digits
	Phrase  Range // responses: the reason phrase
	Line    Range // the start line without its end
	// Len is the message's length: headers and, over TCP, the body
	// Content-Length announces.
	Len int
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
		split:     splitSIP,
		heuristic: func(b []byte, tcp, cut bool) bool { return sniffSIP(b, tcp) },
		dissect:   dissectSIP,
		info:      appendSIPInfo,
		tree:      sipTree,
		fields: []Field{
			sipField("sip.Method", "SIP request method", true, func(s *SIPMsg) Range { return s.Method }),
			nthDecField("sip.Status-Code", "SIP response status code", func(p *Packet, i int) (uint64, bool) {
				if s, ok := p.sipMsg(i, false); ok {
					return uint64(s.Status), true
				}
				return 0, false
			}),
			sipField("sip.r-uri", "SIP Request-URI", true, func(s *SIPMsg) Range { return s.URI }),
		},
	})
}

func sipField(name, desc string, request bool, v func(s *SIPMsg) Range) Field {
	return nthTextField(name, desc, func(p *Packet, i int) ([]byte, bool) {
		s, ok := p.sipMsg(i, request)
		if !ok {
			return nil, false
		}
		r := v(s)
		return p.App.Bytes(r.Off, r.Len), true
	})
}

// sipMsg returns the i-th request (or response) of the packet.
func (p *Packet) sipMsg(i int, request bool) (*SIPMsg, bool) {
	m, ok := p.misc(LayerSIP)
	if !ok {
		return nil, false
	}
	for k := range m.SIP.Msgs[:m.SIP.N] {
		s := &m.SIP.Msgs[k]
		if s.Request != request {
			continue
		}
		if i == 0 {
			return s, true
		}
		i--
	}
	return nil, false
}

// sniffSIP is the SIP heuristic: the first line is a request or status
// line. Methods are upper-case tokens in practice, which lets the test
// reject most payloads at their first byte.
func sniffSIP(b []byte, tcp bool) bool {
	if len(b) == 0 || b[0] < 'A' || b[0] > 'Z' {
		return false
	}
	var s SIPMsg
	return s.parse(b, 0, len(b))
}

// splitSIP frames SIP over TCP: each message is its header block and the
// body its Content-Length announces (RFC 3261 §18.3).
func splitSIP(b []byte) (whole int, more bool) {
	for whole < len(b) {
		n, ok := sipMessageLen(b, whole, len(b))
		if !ok {
			return whole, true
		}
		whole += n
	}
	return whole, false
}

// sipMessageLen returns the length of the message at b[off:end]: up to
// the empty line that ends its headers, plus Content-Length (0 when the
// header is absent); ok is false when the message continues past end.
func sipMessageLen(b []byte, off, end int) (n int, ok bool) {
	body := 0
	for pos := off; pos < end; {
		line, next, complete := nextLine(b, pos, end)
		if !complete {
			return 0, false
		}
		if line.Len == 0 && pos > off {
			if next+body > end {
				return 0, false
			}
			return next + body - off, true
		}
		if v, ok := sipContentLength(b, line); ok {
			body = v
		}
		pos = next
	}
	return 0, false
}

// sipContentLength reads a Content-Length header line (or its compact
// form "l"); ok is false for other lines.
func sipContentLength(b []byte, line Range) (int, bool) {
	name, rest := line, Range{}
	for i := line.Off; i < line.End(); i++ {
		if b[i] == ':' {
			name, rest = Range{line.Off, i - line.Off}, Range{i + 1, line.End() - i - 1}
			break
		}
	}
	for name.Len > 0 && (b[name.End()-1] == ' ' || b[name.End()-1] == '\t') {
		name.Len--
	}
	if rest.Off == 0 || !isWord(b, name, "CONTENT-LENGTH") && !isWord(b, name, "L") {
		return 0, false
	}
	v, digits := 0, 0
	for _, c := range bytesOf(b, rest) {
		switch {
		case c >= '0' && c <= '9' && v < 1<<24:
			v = v*10 + int(c-'0')
			digits++
		case c == ' ' || c == '\t':
			if digits > 0 {
				return v, true
			}
		default:
			return 0, false
		}
	}
	return v, digits > 0
}

// dissectSIP dissects one message over UDP, every whole one over TCP.
func dissectSIP(p *Packet, tcp bool) {
	s := &p.App.Misc.SIP
	b := p.App.Data
	s.N, s.More = 0, 0
	for off := 0; off < len(b); {
		var msg SIPMsg
		if !msg.parse(b, off, len(b)) {
			if s.N == 0 {
				p.fail(LayerSIP, Malformed, off, 0)
			}
			return
		}
		n, whole := sipMessageLen(b, off, len(b))
		if !whole {
			n = len(b) - off
		}
		msg.Len = n
		if msg.Truncated {
			p.fail(LayerSIP, ShortMessage, len(b)-off, len(b)-off+1)
		}
		if s.N < MaxSIPMessages {
			s.Msgs[s.N] = msg
			s.N++
		} else {
			s.More++
		}
		if !tcp || !whole {
			return
		}
		off += n
	}
}

// parse reads the start line at b[off:end]; false when it is not a SIP
// request or status line.
func (s *SIPMsg) parse(b []byte, off, end int) bool {
	line, _, complete := nextLine(b, off, end)
	*s = SIPMsg{Line: line, Truncated: !complete}
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
	sip := &p.App.Misc.SIP
	for i := range sip.Msgs[:sip.N] {
		if i > 0 {
			dst = append(dst, " | "...)
		}
		dst = p.appendSIPMsgInfo(dst, &sip.Msgs[i])
	}
	return dst
}

func (p *Packet) appendSIPMsgInfo(dst []byte, s *SIPMsg) []byte {
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
	sip := &p.App.Misc.SIP
	for i := range sip.Msgs[:sip.N] {
		s := &sip.Msgs[i]
		start := s.Line.Off
		t.app(0, "Session Initiation Protocol", string(p.appendSIPMsgInfo(nil, s)), start, s.Len)
		t.sipStartLine(s)
	}
	if sip.More > 0 {
		t.app(0, "SIP messages not shown", fmt.Sprint(sip.More), 0, 0)
	}
}

func (t *treeBuilder) sipStartLine(s *SIPMsg) {
	p := t.p
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
