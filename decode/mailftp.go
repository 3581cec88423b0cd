package decode

// SMTP, FTP, POP3 and IMAP: line-based control connections whose command
// and reply lines CmdLines holds.

// TextProto names the line-based protocols.
type TextProto uint8

// Text protocols.
const (
	TextSMTP TextProto = iota
	TextFTP
	TextPOP
	TextIMAP
)

// The TCP ports tshark 4.0 gives them by default; it claims every segment
// there.
var (
	smtpPorts = []uint16{25, 587}
	ftpPorts  = []uint16{21}
	popPorts  = []uint16{110}
	imapPorts = []uint16{143}
)

// CmdLines is what one segment of an SMTP, FTP, POP3 or IMAP control
// connection says: client command lines or server reply lines.
type CmdLines struct {
	Proto TextProto
	// Request is set for data sent to the protocol's port.
	Request bool
	Lines   [MaxCmdLines]CmdLine
	N       int
	// More counts lines past MaxCmdLines, not kept.
	More int
	// Body is set when an SMTP client segment holds what is no command:
	// message content after DATA, credentials after AUTH, TLS after
	// STARTTLS.
	Body bool
	// Len is the segment's length.
	Len int
	// Truncated is set when the segment ends inside a line.
	Truncated bool
}

// MaxCmdLines bounds the lines kept per segment (SMTP pipelining sends a
// handful, a multi-line reply a few dozen).
const MaxCmdLines = 16

// CmdLine is one command or reply line.
type CmdLine struct {
	Line Range // without its line end
	// Tag is an IMAP command's tag; UID its "UID" prefix, after which
	// tshark names the command that follows (UID FETCH → FETCH).
	Tag, UID Range
	// Cmd is a request's command word, or a reply's 3-digit code
	// (SMTP, FTP; Code holds its value, -1 when the line has none).
	Cmd  Range
	Code int
	// Arg is what follows the command or code.
	Arg Range
}

func init() {
	for _, d := range []struct {
		layer  Layer
		proto  TextProto
		ports  []uint16
		fields []Field
	}{
		{LayerSMTP, TextSMTP, smtpPorts, []Field{textField("smtp.req.command", "SMTP command", LayerSMTP, true), textField("smtp.response.code", "SMTP reply code", LayerSMTP, false)}},
		{LayerFTP, TextFTP, ftpPorts, []Field{textField("ftp.request.command", "FTP command", LayerFTP, true), textField("ftp.response.code", "FTP reply code", LayerFTP, false)}},
		{LayerPOP, TextPOP, popPorts, []Field{textField("pop.request.command", "POP3 command", LayerPOP, true)}},
		{LayerIMAP, TextIMAP, imapPorts, []Field{textField("imap.request.command", "IMAP command", LayerIMAP, true)}},
	} {
		proto, ports := d.proto, d.ports
		register(&dissector{
			layer:    d.layer,
			tcpPorts: ports,
			dissect: func(p *Packet, tcp bool) {
				m := &p.App.Misc
				m.ToServer = toServer(p, tcp, ports)
				m.Text.parse(proto, m.ToServer, p.App.Data, 0, len(p.App.Data))
			},
			info:   appendTextInfo,
			tree:   textTree,
			fields: d.fields,
		})
	}
}

// parse reads the lines of one segment b[off:end] of protocol t, sent by
// the client when request is set.
//
// tshark keeps SMTP's phase per conversation (after DATA the client sends
// content, after AUTH credentials, after STARTTLS TLS). l7sniff decodes
// each frame on its own (the UI decodes again whatever it shows), so it
// tells a command segment by its first word instead: one that does not
// start with an SMTP verb is Body.
func (c *CmdLines) parse(t TextProto, request bool, b []byte, off, end int) {
	c.Proto, c.Request, c.N, c.More, c.Body, c.Len, c.Truncated = t, request, 0, 0, false, end-off, false
	body := false // inside SMTP message content
	for first := true; off < end; first = false {
		line, next, complete := nextLine(b, off, end)
		off = next
		c.Truncated = !complete
		l := CmdLine{Line: line, Code: -1}
		switch {
		case !request:
			l.replyLine(t, b)
			c.add(l)
		case body:
			// Dot-stuffing (RFC 5321 §4.5.2) leaves a lone "." only at
			// the end of the content; commands may follow it.
			body = !(line.Len == 1 && b[line.Off] == '.')
		default:
			l.requestLine(t, b)
			if t == TextSMTP && first && !smtpVerb(b, l.Cmd) {
				c.Body, body = true, true
				continue
			}
			c.add(l)
			switch {
			case t != TextSMTP:
			case isWord(b, l.Cmd, "DATA"):
				c.Body, body = true, true
			case isWord(b, l.Cmd, "BDAT"):
				// A BDAT chunk is counted bytes, not lines.
				c.Body = off < end
				return
			}
		}
		// tshark reads only the first line of FTP and POP segments;
		// SMTP and IMAP dissect every line.
		if t == TextFTP || t == TextPOP {
			return
		}
	}
}

func (c *CmdLines) add(l CmdLine) {
	if c.N < MaxCmdLines {
		c.Lines[c.N] = l
		c.N++
	} else {
		c.More++
	}
}

// requestLine splits a command line: "TAG COMMAND args" for IMAP,
// "COMMAND args" for the others. A first word that is not printable
// ASCII is no command (TLS after STARTTLS, binary junk).
func (l *CmdLine) requestLine(t TextProto, b []byte) {
	rest := l.Line
	if t == TextIMAP {
		l.Tag, rest = token(b, rest)
		if rest.Len == 0 || !printable(b, l.Tag) {
			l.Tag = Range{}
			return
		}
	}
	cmd, arg := token(b, rest)
	if !printable(b, cmd) {
		return
	}
	l.Cmd, l.Arg = cmd, arg
	if t == TextIMAP && isWord(b, l.Cmd, "UID") && l.Arg.Len > 0 {
		l.UID = l.Cmd
		l.Cmd, l.Arg = token(b, l.Arg)
	}
}

// replyLine splits a reply: SMTP and FTP lines carry a 3-digit code
// followed by a space (last line) or hyphen (more follow). A line without
// a code continues a multi-line reply.
func (l *CmdLine) replyLine(t TextProto, b []byte) {
	if t != TextSMTP && t != TextFTP {
		return
	}
	code, ok := threeDigits(b, l.Line)
	if !ok {
		return
	}
	l.Code, l.Cmd = code, Range{l.Line.Off, 3}
	if l.Line.Len > 4 {
		l.Arg = Range{l.Line.Off + 4, l.Line.Len - 4}
	}
}

// printable reports whether r is a non-empty run of visible ASCII.
func printable(b []byte, r Range) bool {
	for _, c := range bytesOf(b, r) {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return r.Len > 0
}

// isWord reports whether r is word (upper case), ASCII case-insensitively.
func isWord(b []byte, r Range, word string) bool {
	return r.Len == len(word) && hasPrefixFold(b, r.Off, r.End(), word)
}

// smtpVerbs are the SMTP commands of RFC 5321 and its extensions
// (AUTH, STARTTLS, BDAT, ETRN, ATRN), the old RFC 821 ones and
// Exchange's. A segment of message content can start with any word of
// the text ("Mail", "Data", "Help"), so the test wants them in upper
// case, as clients send them.
var smtpVerbs = [...]string{"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT",
	"AUTH", "STARTTLS", "ETRN", "ATRN", "TURN", "SEND", "SOML", "SAML", "XCLIENT", "XFORWARD", "XEXCH50", "X-EXPS", "X-LINK2STATE"}

func smtpVerb(b []byte, r Range) bool {
	for _, v := range smtpVerbs {
		if string(bytesOf(b, r)) == v {
			return true
		}
	}
	return false
}

// textField yields the command word of each client line, or the code of
// each server reply line, of the protocol dissector l decodes.
func textField(name, desc string, l Layer, request bool) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		m, ok := p.misc(l)
		c := &m.Text
		if !ok || c.Request != request {
			return dst, false
		}
		for _, l := range c.Lines[:c.N] {
			if l.Cmd.Len == 0 {
				continue
			}
			if i > 0 {
				i--
				continue
			}
			if request {
				return p.miscText(dst, l.Cmd), true
			}
			return appendUint(dst, uint64(l.Code)), true
		}
		return dst, false
	})
}
