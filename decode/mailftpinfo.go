package decode

import "fmt"

// textInfo is how tshark's Info column prefixes client and server lines.
var textInfo = [...]struct{ client, server, name string }{
	TextSMTP: {"C: ", "S: ", "Simple Mail Transfer Protocol"},
	TextFTP:  {"Request: ", "Response: ", "File Transfer Protocol (FTP)"},
	TextPOP:  {"C: ", "S: ", "Post Office Protocol"},
	TextIMAP: {"Request: ", "Response: ", "Internet Message Access Protocol"},
}

// appendTextInfo appends tshark's Info: "C: EHLO example.org",
// "S: 250 OK", "Request: USER anonymous"; several lines of one segment
// are joined by " | " as tshark's SMTP and IMAP do.
func appendTextInfo(p *Packet, dst []byte) []byte {
	c := &p.App.Misc.Text
	ti := &textInfo[c.Proto]
	if c.Request {
		dst = append(dst, ti.client...)
	} else {
		dst = append(dst, ti.server...)
	}
	if c.N == 0 {
		dst = append(dst, "DATA fragment, "...)
		return append(appendUint(dst, uint64(c.Len)), " bytes"...)
	}
	for i, l := range c.Lines[:c.N] {
		if i > 0 {
			dst = append(dst, " | "...)
		}
		dst = p.miscText(dst, l.Line)
	}
	if c.More > 0 {
		dst = append(appendUint(append(dst, " (+"...), uint64(c.More)), " lines)"...)
	}
	return dst
}

func textTree(t *treeBuilder) {
	p := t.p
	c := &p.App.Misc.Text
	t.app(0, textInfo[c.Proto].name, string(appendTextInfo(p, nil)), 0, c.Len)
	if c.Body {
		t.app(1, "Message content", "no command", 0, c.Len)
	}
	for _, l := range c.Lines[:c.N] {
		label := "Response"
		if c.Request {
			label = "Request"
		}
		t.app(1, label, p.miscString(l.Line), l.Line.Off, l.Line.Len)
		if l.Tag.Len > 0 {
			t.app(2, "Request tag", p.miscString(l.Tag), l.Tag.Off, l.Tag.Len)
		}
		switch {
		case c.Request && l.Cmd.Len > 0:
			t.app(2, "Command", p.miscString(l.Cmd), l.Cmd.Off, l.Cmd.Len)
		case l.Code >= 0:
			t.app(2, "Response code", fmt.Sprint(l.Code), l.Cmd.Off, l.Cmd.Len)
		}
		if l.Arg.Len > 0 {
			t.app(2, "Argument", p.miscString(l.Arg), l.Arg.Off, l.Arg.Len)
		}
	}
	if c.More > 0 {
		t.app(1, "Lines not shown", fmt.Sprint(c.More), 0, 0)
	}
}
