package decode

import (
	"strings"
	"testing"
)

// dhcpMessage returns a BOOTREQUEST from 02:00:00:00:00:0a with xid
// 0x3903f326, the magic cookie and opts.
func dhcpMessage(opts []byte) []byte {
	b := make([]byte, dhcpOptsOff, dhcpOptsOff+len(opts))
	b[0], b[1], b[2] = 1, 1, 6
	be.PutUint32(b[4:], 0x3903f326)
	copy(b[dhcpCHAddrOff:], []byte{2, 0, 0, 0, 0, 0x0a})
	be.PutUint32(b[dhcpMagicOff:], dhcpMagic)
	return append(b, opts...)
}

func dhcpDiscoverOpts() []byte {
	return []byte{
		53, 1, 1, // Discover
		61, 7, 1, 2, 0, 0, 0, 0, 0x0a, // client identifier: Ethernet
		50, 4, 192, 168, 2, 16, // requested address
		0,                         // pad
		12, 4, 'h', 'o', 's', 't', // host name
		255,
	}
}

// dhcpOverloadOpts says file holds options; dhcpMessage leaves file
// zero, which reads as pad options, so tests fill it.
func dhcpOverloadOpts() []byte { return []byte{53, 1, 3, 52, 1, 1, 255} }

// miscValues runs every MiscField over m and joins occurrences with ','
// the way the corpus test and tshark do.
func miscValues(m *MiscApp, b []byte) map[string]string {
	out := map[string]string{}
	for i := range MiscFields {
		var vals []string
		for occ := 0; ; occ++ {
			v, ok := MiscFields[i].Occurrence(m, b, nil, occ)
			if !ok {
				break
			}
			vals = append(vals, string(v))
		}
		if vals != nil {
			out[MiscFields[i].Name] = strings.Join(vals, ",")
		}
	}
	return out
}

func dhcpApp(t *testing.T, b []byte) (*MiscApp, map[string]string) {
	t.Helper()
	m := &MiscApp{Kind: MiscDHCP}
	m.Found = m.DHCP.parse(b, 0, len(b))
	return m, miscValues(m, b)
}

func TestDHCPFields(t *testing.T) {
	b := dhcpMessage(dhcpDiscoverOpts())
	m, v := dhcpApp(t, b)
	want := map[string]string{
		"dhcp.option.dhcp":                 "1",
		"dhcp.hw.mac_addr":                 "02:00:00:00:00:0a,02:00:00:00:00:0a",
		"dhcp.option.hostname":             "host",
		"dhcp.option.requested_ip_address": "192.168.2.16",
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	if len(v) != len(want) {
		t.Errorf("fields %v, want only %v", v, want)
	}
	if d := &m.DHCP; d.Truncated || d.Malformed || d.XID != 0x3903f326 || d.NumOpts != 4 {
		t.Errorf("DHCP %+v", d)
	}
}

// TestDHCPOverload: options in the file field (option 52 = 1) count, read
// after the options field (RFC 2131 §4.1).
func TestDHCPOverload(t *testing.T) {
	b := dhcpMessage(dhcpOverloadOpts())
	copy(b[dhcpFileOff:], []byte{12, 2, 'f', 'n', 255})
	_, v := dhcpApp(t, b)
	if v["dhcp.option.hostname"] != "fn" || v["dhcp.option.dhcp"] != "3" {
		t.Errorf("overloaded file options not read: %v", v)
	}
	// Without option 52 the same bytes are a boot file name.
	b = dhcpMessage([]byte{53, 1, 3, 255})
	copy(b[dhcpFileOff:], []byte{12, 2, 'f', 'n', 255})
	if _, v = dhcpApp(t, b); v["dhcp.option.hostname"] != "" {
		t.Errorf("file field read as options without overload: %v", v)
	}
}

func TestDHCPBadInput(t *testing.T) {
	full := dhcpMessage(dhcpDiscoverOpts())
	for _, c := range []struct {
		name                 string
		b                    []byte
		truncated, malformed bool
		opts                 int
	}{
		{"header cut", full[:100], true, false, 0},
		{"vendor area cut", full[:238], true, false, 0},
		{"option length past the end", dhcpMessage([]byte{53, 1, 1, 12, 200, 'x'}), true, false, 1},
		{"option code without length", dhcpMessage([]byte{53, 1, 1, 12}), true, false, 1},
		{"no End option", dhcpMessage([]byte{53, 1, 1}), false, false, 1},
	} {
		m, _ := dhcpApp(t, c.b)
		d := &m.DHCP
		if !m.Found || d.Truncated != c.truncated || d.Malformed != c.malformed || d.NumOpts != c.opts {
			t.Errorf("%s: found=%v truncated=%v malformed=%v opts=%d, want truncated=%v malformed=%v opts=%d",
				c.name, m.Found, d.Truncated, d.Malformed, d.NumOpts, c.truncated, c.malformed, c.opts)
		}
	}
	// An overloaded sname whose option overruns the 64-byte field is
	// malformed, not truncated.
	b := dhcpMessage([]byte{52, 1, 2, 255})
	copy(b[dhcpSNameOff+60:], []byte{12, 10})
	if m, _ := dhcpApp(t, b); !m.DHCP.Malformed || m.DHCP.Truncated {
		t.Errorf("sname overrun: %+v", m.DHCP)
	}
	// BOOTP without the cookie: no options.
	b = dhcpMessage(dhcpDiscoverOpts())
	b[dhcpMagicOff] = 0
	if m, v := dhcpApp(t, b); m.DHCP.Magic || m.DHCP.NumOpts != 0 || v["dhcp.hw.mac_addr"] != "02:00:00:00:00:0a" {
		t.Errorf("BOOTP: %+v %v", m.DHCP, v)
	}
}

// TestDHCPOptionBound: options past MaxDHCPOptions are counted, and the
// options after them still end the scan cleanly.
func TestDHCPOptionBound(t *testing.T) {
	var opts []byte
	for range MaxDHCPOptions + 10 {
		opts = append(opts, 12, 1, 'x')
	}
	m, _ := dhcpApp(t, dhcpMessage(append(opts, 255)))
	if d := &m.DHCP; d.NumOpts != MaxDHCPOptions || d.DroppedOpts != 10 || d.Truncated || d.Malformed {
		t.Errorf("kept %d, dropped %d (truncated %v malformed %v)", d.NumOpts, d.DroppedOpts, d.Truncated, d.Malformed)
	}
}

func TestSSHBanner(t *testing.T) {
	for _, c := range []struct {
		in, want  string
		found     bool
		truncated bool
	}{
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x00\x01", "SSH-2.0-OpenSSH_9.2p1 Debian-2", true, false},
		{"SSH-1.99-x\n", "SSH-1.99-x", true, false},
		{"SSH-2.0-cut", "SSH-2.0-cut", true, true},
		{"\x00\x00\x05\xdc\x0a\x14", "", false, false},
		{"SSH", "", false, false},
	} {
		b := []byte(c.in)
		var s SSH
		found := s.parse(b, 0, len(b))
		if found != c.found || found && (string(bytesOf(b, s.Protocol)) != c.want || s.Truncated != c.truncated) {
			t.Errorf("%q: found=%v %q truncated=%v", c.in, found, bytesOf(b, s.Protocol), s.Truncated)
		}
	}
}

func TestNTPModes(t *testing.T) {
	client := make([]byte, 48)
	client[0], client[1] = 0x23, 0 // LI 0, VN 4, mode 3
	server := append([]byte{0x24, 2}, make([]byte, 46)...)
	ctrl := []byte{0x16, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	for _, c := range []struct {
		name string
		b    []byte
		want map[string]string
	}{
		{"client", client, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "3", "ntp.stratum": "0"}},
		{"server", server, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "4", "ntp.stratum": "2"}},
		// tshark shows control and private messages as ntpctrl/ntppriv.
		{"control", ctrl, map[string]string{}},
		{"one byte", []byte{0x23}, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "3"}},
	} {
		m := &MiscApp{Kind: MiscNTP}
		m.Found = m.NTP.parse(c.b, 0, len(c.b))
		v := miscValues(m, c.b)
		if len(v) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, v, c.want)
		}
		for k, w := range c.want {
			if v[k] != w {
				t.Errorf("%s: %s = %q, want %q", c.name, k, v[k], w)
			}
		}
		if trunc := len(c.b) < 48 && m.NTP.Standard; m.NTP.Truncated != trunc {
			t.Errorf("%s: truncated %v", c.name, m.NTP.Truncated)
		}
	}
}

func TestSIPStartLine(t *testing.T) {
	for _, c := range []struct{ in, method, uri, code string }{
		{"INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n\r\n", "INVITE", "sip:bob@example.com", ""},
		{"SIP/2.0 180 Ringing\r\n", "", "", "180"},
		{"SIP/2.0 200\r\n", "", "", "200"},
		{"GET / HTTP/1.1\r\n", "", "", ""},
		{"SIP/2.0 20 OK\r\n", "", "", ""},
		{"SIP/2.0 2000 OK\r\n", "", "", ""},
		{"INVITE sip:x SIP/2.00\r\n", "", "", ""},
		{"IN(VITE sip:x SIP/2.0\r\n", "", "", ""},
	} {
		b := []byte(c.in)
		m := &MiscApp{Kind: MiscSIP}
		m.Found = m.SIP.parse(b, 0, len(b))
		v := miscValues(m, b)
		if v["sip.Method"] != c.method || v["sip.r-uri"] != c.uri || v["sip.Status-Code"] != c.code {
			t.Errorf("%q: %v", c.in, v)
		}
	}
}

// textRun feeds segments (">" client, "<" server) of one connection of
// protocol tp through one TextState and returns the commands and codes.
func textRun(tp TextProto, segs ...string) []string {
	var st TextState
	var out []string
	for _, s := range segs {
		req := s[0] == '>'
		b := []byte(s[1:])
		var c CmdLines
		c.parse(tp, req, b, 0, len(b), &st)
		var words []string
		for _, l := range c.Lines[:c.N] {
			if req {
				words = append(words, string(bytesOf(b, l.Cmd)))
			} else if l.Code >= 0 {
				words = append(words, itoa(l.Code))
			}
		}
		out = append(out, strings.Join(words, ","))
	}
	return out
}

func TestSMTPPhases(t *testing.T) {
	got := textRun(TextSMTP,
		"<220 mx ESMTP\r\n",
		">EHLO me\r\n",
		"<250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
		">MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
		"<250 ok\r\n250 ok\r\n354 go\r\n",
		">Subject: QUIT\r\n\r\nRCPT is not a command here\r\n",
		">.\r\n",
		"<250 queued\r\n",
		">AUTH LOGIN\r\n",
		"<334 VXNlcm5hbWU6\r\n",
		">dXNlcg==\r\n",
		"<334 UGFzc3dvcmQ6\r\n",
		">cGFzcw==\r\n",
		"<235 ok\r\n",
		">DATA\r\n",
		"<554 no valid recipients\r\n",
		">STARTTLS\r\n",
		"<220 go ahead\r\n",
		">\x16\x03\x01\x02\x00\x01",
	)
	want := []string{"220", "EHLO", "250,250,250", "MAIL,RCPT,DATA", "250,250,354", "", "", "250",
		"AUTH", "334", "", "334", "", "235", "DATA", "554", "STARTTLS", "220", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SMTP:\n got %q\nwant %q", got, want)
	}
}

func TestFTPPOPIMAPLines(t *testing.T) {
	// FTP and POP: the first line only, as tshark; a reply continuation
	// line has no code.
	if got := textRun(TextFTP, "<211-Features:\r\n MDTM\r\n211 End\r\n", "< EPSV\r\n211 End\r\n", ">USER x\r\nPASS y\r\n"); strings.Join(got, "|") != "211||USER" {
		t.Errorf("FTP: %q", got)
	}
	if got := textRun(TextPOP, ">user a\r\n", ">AGRpZ2l0YWw=\r\n", "<+OK\r\n"); strings.Join(got, "|") != "user|AGRpZ2l0YWw=|" {
		t.Errorf("POP: %q", got)
	}
	// IMAP: every line; the tag is no command; UID names the next word.
	if got := textRun(TextIMAP, ">a1 LOGIN u p\r\na2 uid fetch 1:* (FLAGS)\r\n", ">a3\r\n", "<* OK\r\n"); strings.Join(got, "|") != "LOGIN,fetch||" {
		t.Errorf("IMAP: %q", got)
	}
}

// TestTextLineBound: lines past MaxCmdLines are counted, not kept.
func TestTextLineBound(t *testing.T) {
	b := []byte(strings.Repeat("NOOP\r\n", MaxCmdLines+5))
	var c CmdLines
	c.parse(TextSMTP, true, b, 0, len(b), nil)
	if c.N != MaxCmdLines || c.More != 5 || c.Truncated {
		t.Errorf("kept %d, more %d, truncated %v", c.N, c.More, c.Truncated)
	}
	b = []byte("NOOP\r\nHEL")
	c.parse(TextSMTP, true, b, 0, len(b), nil)
	if c.N != 2 || !c.Truncated {
		t.Errorf("cut line: %d lines, truncated %v", c.N, c.Truncated)
	}
}
