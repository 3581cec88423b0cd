package decode

import (
	"bytes"
	"fmt"
)

// httpMsgIf returns the i-th HTTP message that is a request (req) or a
// response.
func (p *Packet) httpMsgIf(i int, req bool) (*HTTPMsg, bool) {
	if p.App.Layer != LayerHTTP {
		return nil, false
	}
	h := &p.App.HTTP
	for k := 0; k < h.NumMsgs; k++ {
		if m := &h.Msgs[k]; m.Request == req {
			if i == 0 {
				return m, true
			}
			i--
		}
	}
	return nil, false
}

// httpStartField is a part of the request (req) or status line.
func httpStartField(name, desc string, req bool, part func(m *HTTPMsg) span) Field {
	return nthTextField(name, desc, func(p *Packet, i int) ([]byte, bool) {
		m, ok := p.httpMsgIf(i, req)
		if !ok {
			return nil, false
		}
		s := part(m)
		return p.App.Bytes(s.Off, s.Len), s.Len > 0
	})
}

// httpHeaderField is the value of every header called header, in all the
// packet's messages.
func httpHeaderField(name, header string) Field {
	return nthTextField(name, "HTTP "+header+" header", func(p *Packet, i int) ([]byte, bool) {
		if p.App.Layer != LayerHTTP {
			return nil, false
		}
		h := &p.App.HTTP
		for k := 0; k < h.NumHdrs; k++ {
			hd := &h.Hdrs[k]
			if hd.Name == hd.Line || !bytes.EqualFold(p.App.Bytes(hd.Name.Off, hd.Name.Len), []byte(header)) {
				continue
			}
			if i == 0 {
				return p.App.Bytes(hd.Value.Off, hd.Value.Len), true
			}
			i--
		}
		return nil, false
	})
}

// httpLineField is every header line of requests (req) or responses with
// its line end, as tshark's http.request.line and http.response.line.
func httpLineField(name, desc string, req bool) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		if p.App.Layer != LayerHTTP {
			return dst, false
		}
		h := &p.App.HTTP
		for k := 0; k < h.NumHdrs; k++ {
			hd := &h.Hdrs[k]
			if h.Msgs[hd.Msg].Request != req {
				continue
			}
			if i == 0 {
				// The line end tshark includes: whatever follows the
				// line up to and including its '\n'.
				n := hd.Line.Len
				for b := p.App.Bytes(hd.Line.end(), 2); len(b) > 0 && n < hd.Line.Len+2; b = b[1:] {
					n++
					if b[0] == '\n' {
						break
					}
				}
				return appendText(dst, p.App.Bytes(hd.Line.Off, n)), true
			}
			i--
		}
		return dst, false
	})
}

var httpFields = []Field{
	httpStartField("http.request.method", "HTTP request method", true, func(m *HTTPMsg) span { return m.A }),
	httpStartField("http.request.uri", "HTTP request target", true, func(m *HTTPMsg) span { return m.B }),
	httpStartField("http.request.version", "HTTP request version", true, func(m *HTTPMsg) span { return m.Version }),
	httpStartField("http.response.version", "HTTP response version", false, func(m *HTTPMsg) span { return m.Version }),
	nthDecField("http.response.code", "HTTP status code", func(p *Packet, i int) (uint64, bool) {
		m, ok := p.httpMsgIf(i, false)
		if !ok || m.Code < 0 {
			return 0, false
		}
		return uint64(m.Code), true
	}),
	httpStartField("http.response.phrase", "HTTP reason phrase", false, func(m *HTTPMsg) span { return m.B }),
	httpHeaderField("http.host", "Host"),
	httpHeaderField("http.user_agent", "User-Agent"),
	httpHeaderField("http.content_type", "Content-Type"),
	httpHeaderField("http.content_length_header", "Content-Length"),
	httpHeaderField("http.server", "Server"),
	httpHeaderField("http.accept", "Accept"),
	httpHeaderField("http.accept_encoding", "Accept-Encoding"),
	httpHeaderField("http.accept_language", "Accept-Language"),
	httpHeaderField("http.referer", "Referer"),
	httpHeaderField("http.cookie", "Cookie"),
	httpHeaderField("http.set_cookie", "Set-Cookie"),
	httpHeaderField("http.location", "Location"),
	httpHeaderField("http.connection", "Connection"),
	httpHeaderField("http.authorization", "Authorization"),
	httpHeaderField("http.cache_control", "Cache-Control"),
	httpHeaderField("http.content_encoding", "Content-Encoding"),
	httpHeaderField("http.transfer_encoding", "Transfer-Encoding"),
	httpHeaderField("http.date", "Date"),
	httpHeaderField("http.last_modified", "Last-Modified"),
	httpHeaderField("http.upgrade", "Upgrade"),
	httpHeaderField("http.x_forwarded_for", "X-Forwarded-For"),
	httpLineField("http.request.line", "HTTP request header line", true),
	httpLineField("http.response.line", "HTTP response header line", false),
}

// appendHTTPInfo appends each message's start line, e.g.
// "GET /index.html HTTP/1.1" or "HTTP/1.1 200 OK".
func appendHTTPInfo(p *Packet, dst []byte) []byte {
	h := &p.App.HTTP
	for i := 0; i < h.NumMsgs; i++ {
		if i > 0 {
			dst = append(dst, " , "...)
		}
		l := h.Msgs[i].Line
		dst = appendText(dst, p.App.Bytes(l.Off, min(l.Len, 200)))
	}
	return dst
}

// httpTree adds a node per message: start line, its parts, the headers.
func httpTree(t *treeBuilder) {
	p := t.p
	h := &p.App.HTTP
	for i := 0; i < h.NumMsgs; i++ {
		m := &h.Msgs[i]
		text := func(s span) string { return string(appendText(nil, p.App.Bytes(s.Off, s.Len))) }
		t.app(0, "Hypertext Transfer Protocol", text(m.Line), m.Off, m.Len)
		t.app(1, "Start line", text(m.Line), m.Line.Off, m.Line.Len)
		if m.Request {
			t.app(2, "Method", text(m.A), m.A.Off, m.A.Len)
			t.app(2, "Request URI", text(m.B), m.B.Off, m.B.Len)
			t.app(2, "Version", text(m.Version), m.Version.Off, m.Version.Len)
		} else {
			t.app(2, "Version", text(m.Version), m.Version.Off, m.Version.Len)
			t.app(2, "Status code", text(m.A), m.A.Off, m.A.Len)
			t.app(2, "Reason phrase", text(m.B), m.B.Off, m.B.Len)
		}
		for _, hd := range h.Hdrs[m.FirstHdr : m.FirstHdr+m.NumHdr] {
			if hd.Name == hd.Line {
				t.app(1, "Header line", text(hd.Line), hd.Line.Off, hd.Line.Len)
				continue
			}
			t.app(1, text(hd.Name), text(hd.Value), hd.Line.Off, hd.Line.Len)
		}
		if !m.Complete {
			t.app(1, "Header block", fmt.Sprintf("incomplete: %d bytes", m.Len), m.Off, m.Len)
		}
	}
	if h.Dropped > 0 {
		t.app(0, "HTTP", fmt.Sprintf("%d more header lines not shown", h.Dropped), 0, 0)
	}
}
