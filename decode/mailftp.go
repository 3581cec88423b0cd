package decode

// TextProto names the line-based protocols whose command and reply lines
// CmdLines holds.
type TextProto uint8

// Text protocols, with the TCP ports tshark 4.0 gives them by default.
const (
	TextNone TextProto = iota
	TextSMTP           // 25, 587
	TextFTP            // 21
	TextPOP            // 110
	TextIMAP           // 143
)

var textProtoNames = [...]string{TextNone: "", TextSMTP: "SMTP", TextFTP: "FTP", TextPOP: "POP", TextIMAP: "IMAP"}

func (t TextProto) String() string { return textProtoNames[t] }

// textProtoPort returns the text protocol tshark runs on a TCP port.
func textProtoPort(port uint16) TextProto {
	switch port {
	case 25, 587:
		return TextSMTP
	case 21:
		return TextFTP
	case 110:
		return TextPOP
	case 143:
		return TextIMAP
	}
	return TextNone
}

// CmdLines is what one segment of an SMTP, FTP, POP3 or IMAP control
// connection says: client command lines or server reply lines.
type CmdLines struct {
	Proto TextProto
	// Request is set for data sent to the protocol's port (tshark's
	// test: the destination port is the one the dissector was chosen by).
	Request bool
	Lines   [MaxCmdLines]CmdLine
	N       int
	// More counts lines past MaxCmdLines, not kept.
	More int
	// Body is set when the segment is SMTP message content (after DATA)
	// or authentication data, so its lines are no commands.
	Body bool
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

// TextState is the per-connection state an SMTP dissection needs, as
// tshark keeps it per conversation: after DATA the client sends message
// content, after AUTH credentials, after STARTTLS TLS. The zero value is
// a connection in the command phase. Other protocols need none.
type TextState struct {
	smtp smtpPhase
}

type smtpPhase uint8

const (
	smtpCommands smtpPhase = iota
	smtpData               // DATA sent: client lines are content until "."
	smtpAuth               // AUTH sent: client lines are credentials until a non-334 reply
	smtpStartTLS           // STARTTLS sent: a 220 reply starts TLS
	smtpTLS                // STARTTLS accepted: the rest is TLS
)

// parse reads the lines of one segment b[off:end] of protocol t, sent by
// the client when request is set. st, when not nil, carries SMTP's phase
// between segments; without it every client line reads as a command.
func (c *CmdLines) parse(t TextProto, request bool, b []byte, off, end int, st *TextState) {
	*c = CmdLines{Proto: t, Request: request}
	if st == nil {
		st = &TextState{}
	}
	if t == TextSMTP && st.smtp == smtpTLS {
		c.Body = true
		return
	}
	for off < end {
		line, next, complete := nextLine(b, off, end)
		off = next
		c.Truncated = !complete
		if request && t == TextSMTP && st.smtp == smtpData {
			c.Body = true
			if line.Len == 1 && b[line.Off] == '.' {
				st.smtp = smtpCommands
			}
			continue
		}
		if request && t == TextSMTP && st.smtp == smtpAuth {
			c.Body = true
			continue
		}
		l := CmdLine{Line: line, Code: -1}
		if request {
			l.requestLine(t, b)
			if t == TextSMTP {
				st.smtp = smtpAfter(b, l.Cmd, st.smtp)
			}
		} else {
			l.replyLine(t, b)
			if t == TextSMTP {
				st.smtp = smtpReply(l.Code, st.smtp)
			}
		}
		c.add(l)
		// tshark reads only the first line of FTP and POP segments;
		// SMTP and IMAP dissect every line.
		if t == TextFTP || t == TextPOP {
			break
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
// "COMMAND args" for the others.
func (l *CmdLine) requestLine(t TextProto, b []byte) {
	rest := l.Line
	if t == TextIMAP {
		l.Tag, rest = token(b, rest)
		if rest.Len == 0 {
			return
		}
	}
	l.Cmd, l.Arg = token(b, rest)
	if t == TextIMAP && l.Cmd.Len == 3 && hasPrefixFold(b, l.Cmd.Off, l.Cmd.End(), "UID") && l.Arg.Len > 0 {
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

// smtpAfter is the phase after client command cmd.
func smtpAfter(b []byte, cmd Range, ph smtpPhase) smtpPhase {
	switch {
	case cmd.Len == 4 && hasPrefixFold(b, cmd.Off, cmd.End(), "DATA"):
		return smtpData
	case cmd.Len == 4 && hasPrefixFold(b, cmd.Off, cmd.End(), "AUTH"):
		return smtpAuth
	case cmd.Len == 8 && hasPrefixFold(b, cmd.Off, cmd.End(), "STARTTLS"):
		return smtpStartTLS
	}
	return ph
}

// smtpReply is the phase after a server reply line with code: a refused
// DATA or STARTTLS, or the end of an AUTH exchange, returns the client to
// commands.
func smtpReply(code int, ph smtpPhase) smtpPhase {
	switch {
	case code < 0:
		return ph
	case ph == smtpData && code != 354 && code >= 400:
		return smtpCommands
	case ph == smtpAuth && code != 334:
		return smtpCommands
	case ph == smtpStartTLS && code == 220:
		return smtpTLS
	case ph == smtpStartTLS:
		return smtpCommands
	}
	return ph
}
