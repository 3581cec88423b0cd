package decode

import "bytes"

// HTTP/1.x (RFC 9112) request and status lines and header fields. The
// body is not decoded: as tshark's default view with body reassembly off,
// a message is reported on the segment that completes its header block.

// HTTP is the HTTP state of a packet: its messages (several when requests
// are pipelined) and all their header fields in wire order.
type HTTP struct {
	Msgs    [maxHTTPMsgs]HTTPMsg
	NumMsgs int
	Hdrs    [maxHTTPHeaders]HTTPHeader
	NumHdrs int
	// Dropped counts header fields past Hdrs' room.
	Dropped int
}

// Bounds of the HTTP state.
const (
	maxHTTPMsgs    = 8
	maxHTTPHeaders = 96
)

// span is a run of bytes in App.Data.
type span struct{ Off, Len int }

func (s span) end() int { return s.Off + s.Len }

// HTTPMsg is one message's start line and header block. For a request,
// A, B and Version are the method, the request target and the version;
// for a response, Version, A and B are the version, the status code and
// the reason phrase.
type HTTPMsg struct {
	Off, Len   int // the start line and the header block, up to its final empty line (or the data's end)
	Request    bool
	Line       span // the start line, without its line end
	Version    span
	A, B       span
	Code       int // a response's status code
	Complete   bool
	FirstHdr   int
	NumHdr     int
	ContentLen int64 // Content-Length, -1 when absent or invalid
}

// HTTPHeader is one header field: its whole line, name and value (the
// value without surrounding white space).
type HTTPHeader struct {
	Msg         int
	Line        span // without its line end
	Name, Value span
}

func init() {
	register(&dissector{
		layer: LayerHTTP,
		// tshark 4.0's http.tcp.port range, and SSDP (HTTP over UDP).
		tcpPorts:  []uint16{80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710},
		udpPorts:  []uint16{1900},
		sniff:     func(b []byte, tcp bool) bool { return httpStart(b) },
		heuristic: func(b []byte, tcp, cut bool) bool { return tcp && httpHeuristic(b) },
		split:     splitHTTP,
		dissect:   dissectHTTP,
		info:      appendHTTPInfo,
		tree:      httpTree,
		fields:    httpFields,
	})
}

// httpMethods are the request methods tshark's HTTP dissector knows,
// those of SSDP and WebDAV included.
var httpMethods = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range httpMethodNames {
		m[name] = true
	}
	return m
}()

// httpMaxMethod is the longest method's length.
const httpMaxMethod = len("BASELINE-CONTROL")

var httpMethodNames = [...]string{
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH",
	"M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
	"REPORT", "CHECKOUT", "CHECKIN", "MERGE", "MKACTIVITY", "VERSION-CONTROL", "BASELINE-CONTROL",
	"MKWORKSPACE", "UPDATE", "LABEL", "UNCHECKOUT", "ORDERPATCH", "ACL", "BIND", "UNBIND",
	"REBIND", "MKCALENDAR", "POLL", "BCOPY", "BDELETE", "BMOVE", "BPROPFIND", "BPROPPATCH",
	"X-MS-ENUMATTS", "RPC_IN_DATA", "RPC_OUT_DATA", "PURGE",
}

// httpMethod returns the length of the known method b starts with, 0
// when there is none; a space must follow it.
func httpMethod(b []byte) int {
	if len(b) == 0 || b[0] < 'A' || b[0] > 'Z' {
		return 0 // most payloads on other ports
	}
	i := bytes.IndexByte(b[:min(len(b), httpMaxMethod+1)], ' ')
	if i <= 0 || !httpMethods[string(b[:i])] {
		return 0
	}
	return i
}

// httpStart reports whether b starts an HTTP message: a known method
// and a space, or "HTTP/" and a version (a status line).
func httpStart(b []byte) bool {
	return httpMethod(b) > 0 || len(b) >= 8 && string(b[:5]) == "HTTP/" && b[6] == '.'
}

// httpHeuristic is the check that claims a TCP payload on any port: a
// whole request line ending in an HTTP/1 version, or a status line.
func httpHeuristic(b []byte) bool {
	if !httpStart(b) {
		return false
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	} else {
		return false
	}
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if n := httpMethod(line); n > 0 {
		return bytes.HasSuffix(line, []byte(" HTTP/1.1")) || bytes.HasSuffix(line, []byte(" HTTP/1.0"))
	}
	return len(line) >= 12 && string(line[:7]) == "HTTP/1." && line[8] == ' ' && isDigits(line[9:12])
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// httpHeaderEnd returns the offset just past the empty line that ends
// the header block starting at b, -1 when b does not hold it yet.
func httpHeaderEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		line := b[i : i+j]
		i += j + 1
		if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
			return i
		}
	}
}

// splitHTTP frames HTTP for TCP reassembly: a header block is whole when
// its empty line has arrived. A body known by Content-Length is skipped
// to reach a pipelined message; otherwise the rest is body.
func splitHTTP(b []byte) (whole int, more bool) {
	for pos := 0; pos < len(b); {
		if !httpStart(b[pos:]) {
			return len(b), false
		}
		end := httpHeaderEnd(b[pos:])
		if end < 0 {
			return pos, true
		}
		cl := httpContentLength(b[pos : pos+end])
		if cl < 0 || int64(len(b)-pos-end) < cl {
			return len(b), false
		}
		pos += end + int(cl)
	}
	return len(b), false
}

// httpContentLength finds Content-Length in a header block, -1 if none.
func httpContentLength(h []byte) int64 {
	for len(h) > 0 {
		line := h
		if i := bytes.IndexByte(h, '\n'); i >= 0 {
			line, h = h[:i], h[i+1:]
		} else {
			h = nil
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("content-length")) {
			return parseDecimal(bytes.TrimSpace(value))
		}
	}
	return -1
}

// parseDecimal parses a non-negative decimal, -1 when b is not one.
func parseDecimal(b []byte) int64 {
	if !isDigits(b) || len(b) > 18 {
		return -1
	}
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	return n
}

// dissectHTTP decodes the messages in App.Data.
func dissectHTTP(p *Packet, tcp bool) {
	h := &p.App.HTTP
	h.NumMsgs, h.NumHdrs, h.Dropped = 0, 0, 0
	b := p.App.Data
	for pos := 0; pos < len(b) && h.NumMsgs < maxHTTPMsgs && httpStart(b[pos:]); {
		next := p.httpMessage(pos)
		m := &h.Msgs[h.NumMsgs-1]
		if !m.Complete || m.ContentLen < 0 || int64(len(b)-next) < m.ContentLen {
			return
		}
		pos = next + int(m.ContentLen)
	}
}

// httpMessage decodes the message starting at pos and returns where its
// header block ends.
func (p *Packet) httpMessage(pos int) int {
	h := &p.App.HTTP
	b := p.App.Data
	m := &h.Msgs[h.NumMsgs]
	msg := h.NumMsgs
	h.NumMsgs++
	*m = HTTPMsg{Off: pos, FirstHdr: h.NumHdrs, ContentLen: -1, Request: httpMethod(b[pos:]) > 0}
	line, next, ok := httpLine(b, pos)
	m.Line = line
	p.httpStartLine(m)
	for ok {
		var l span
		l, next, ok = httpLine(b, next)
		if l.Len == 0 {
			m.Complete = ok
			break
		}
		if h.NumHdrs == maxHTTPHeaders {
			h.Dropped++
			continue
		}
		hd := &h.Hdrs[h.NumHdrs]
		*hd = HTTPHeader{Msg: msg, Line: l, Name: l}
		if i := bytes.IndexByte(b[l.Off:l.end()], ':'); i >= 0 {
			hd.Name = trimSpan(b, span{l.Off, i})
			hd.Value = trimSpan(b, span{l.Off + i + 1, l.Len - i - 1})
			if bytes.EqualFold(b[hd.Name.Off:hd.Name.end()], []byte("content-length")) {
				m.ContentLen = parseDecimal(b[hd.Value.Off:hd.Value.end()])
			}
		}
		h.NumHdrs++
		m.NumHdr++
	}
	m.Len = next - pos
	if !m.Complete {
		p.fail(LayerHTTP, ShortMessage, m.Len, m.Len+2)
	}
	return next
}

// httpLine returns the line at pos (without its line end), where the
// next one starts, and whether the line had an end.
func httpLine(b []byte, pos int) (line span, next int, ok bool) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return span{pos, len(b) - pos}, len(b), false
	}
	n := i
	if n > 0 && b[pos+n-1] == '\r' {
		n--
	}
	return span{pos, n}, pos + i + 1, true
}

// httpStartLine splits the request or status line into its three parts.
func (p *Packet) httpStartLine(m *HTTPMsg) {
	b := p.App.Data
	l := m.Line
	sp1 := bytes.IndexByte(b[l.Off:l.end()], ' ')
	if sp1 < 0 {
		p.fail(LayerHTTP, Malformed, 0, 0)
		return
	}
	first := span{l.Off, sp1}
	rest := span{l.Off + sp1 + 1, l.Len - sp1 - 1}
	var second, third span
	if sp2 := bytes.IndexByte(b[rest.Off:rest.end()], ' '); sp2 >= 0 {
		second, third = span{rest.Off, sp2}, span{rest.Off + sp2 + 1, rest.Len - sp2 - 1}
	} else {
		second, third = rest, span{rest.end(), 0}
	}
	if m.Request {
		// The target may hold spaces no client should send; the
		// version is what follows the last one.
		if sp := bytes.LastIndexByte(b[rest.Off:rest.end()], ' '); sp >= 0 {
			second, third = span{rest.Off, sp}, span{rest.Off + sp + 1, rest.Len - sp - 1}
		}
		m.A, m.B, m.Version = first, second, third
		return
	}
	m.Version, m.A, m.B = first, second, third
	m.Code = int(parseDecimal(b[second.Off:second.end()]))
}

// trimSpan drops the spaces and tabs around s.
func trimSpan(b []byte, s span) span {
	for s.Len > 0 && (b[s.Off] == ' ' || b[s.Off] == '\t') {
		s.Off, s.Len = s.Off+1, s.Len-1
	}
	for s.Len > 0 && (b[s.end()-1] == ' ' || b[s.end()-1] == '\t') {
		s.Len--
	}
	return s
}
