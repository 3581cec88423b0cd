package decode

import (
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// miscLayers are the layers of the small protocols.
var miscLayers = []Layer{LayerSSH, LayerDHCP, LayerNTP, LayerSIP, LayerSMTP, LayerFTP, LayerPOP, LayerIMAP}

// miscValues returns every small-protocol field p has, occurrences joined
// by ',' as -T fields -E occurrence=a prints them.
func miscValues(t *testing.T, p *Packet) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range dissectors {
		for _, l := range miscLayers {
			if d.layer != l {
				continue
			}
			for _, f := range d.fields {
				if v := fieldValue(t, p, f.Name); v != "" {
					out[f.Name] = v
				}
			}
		}
	}
	return out
}

// checkValues fails unless got holds exactly want.
func checkValues(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected %s = %q", what, k, g)
		}
	}
}

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

func dhcpPacket(t *testing.T, msg []byte) *Packet {
	t.Helper()
	return decodeApp(t, false, 67, msg, LayerDHCP)
}

func TestDHCPFields(t *testing.T) {
	p := dhcpPacket(t, dhcpMessage(dhcpDiscoverOpts()))
	checkValues(t, "discover", miscValues(t, p), map[string]string{
		"dhcp.option.dhcp":                 "1",
		"dhcp.hw.mac_addr":                 "02:00:00:00:00:0a,02:00:00:00:00:0a",
		"dhcp.option.hostname":             "host",
		"dhcp.option.requested_ip_address": "192.168.2.16",
	})
	if info, _ := p.AppendInfo(nil); string(info) != "DHCP Discover - Transaction ID 0x3903f326" {
		t.Errorf("Info %q", info)
	}
	if !p.Problem.OK() {
		t.Errorf("problem %v", p.Problem)
	}
	// IEEE 802 (hardware type 6) addresses count as MAC addresses too.
	b := dhcpMessage([]byte{53, 1, 1, 61, 7, 6, 2, 0, 0, 0, 0, 0x0b, 255})
	b[1] = 6
	if v := fieldValue(t, dhcpPacket(t, b), "dhcp.hw.mac_addr"); v != "02:00:00:00:00:0a,02:00:00:00:00:0b" {
		t.Errorf("IEEE 802 addresses %q", v)
	}
	// A host name whose length counts its NUL ends there, as in tshark.
	if v := fieldValue(t, dhcpPacket(t, dhcpMessage([]byte{53, 1, 3, 12, 3, 'p', 'c', 0, 255})), "dhcp.option.hostname"); v != "pc" {
		t.Errorf("NUL-terminated host name %q", v)
	}
	ack := dhcpMessage([]byte{53, 1, 5, 255})
	ack[0] = 2
	if info, _ := dhcpPacket(t, ack).AppendInfo(nil); string(info) != "DHCP ACK      - Transaction ID 0x3903f326" {
		t.Errorf("Info %q", info)
	}
	boot := dhcpMessage(nil)
	boot[dhcpMagicOff] = 0
	boot = append(boot, make([]byte, 60)...)
	p = dhcpPacket(t, boot)
	checkValues(t, "BOOTP", miscValues(t, p), map[string]string{"dhcp.hw.mac_addr": "02:00:00:00:00:0a"})
	if info, _ := p.AppendInfo(nil); string(info) != "Boot Request from 02:00:00:00:00:0a" {
		t.Errorf("Info %q", info)
	}
}

// TestDHCPOverload: options in the file field (option 52 = 1) count, read
// after the options field (RFC 2131 §4.1).
func TestDHCPOverload(t *testing.T) {
	b := dhcpMessage([]byte{53, 1, 3, 52, 1, 1, 255})
	copy(b[dhcpFileOff:], []byte{12, 2, 'f', 'n', 255})
	checkValues(t, "overloaded", miscValues(t, dhcpPacket(t, b)), map[string]string{
		"dhcp.option.dhcp": "3", "dhcp.hw.mac_addr": "02:00:00:00:00:0a", "dhcp.option.hostname": "fn"})
	// Without option 52 the same bytes are a boot file name.
	b = dhcpMessage([]byte{53, 1, 3, 255})
	copy(b[dhcpFileOff:], []byte{12, 2, 'f', 'n', 255})
	checkValues(t, "not overloaded", miscValues(t, dhcpPacket(t, b)), map[string]string{
		"dhcp.option.dhcp": "3", "dhcp.hw.mac_addr": "02:00:00:00:00:0a"})
}

func TestDHCPBadInput(t *testing.T) {
	full := dhcpMessage(dhcpDiscoverOpts())
	sname := dhcpMessage([]byte{52, 1, 2, 255})
	copy(sname[dhcpSNameOff+60:], []byte{12, 10})
	for _, c := range []struct {
		name string
		b    []byte
		kind ProblemKind
		opts int
	}{
		{"header cut", full[:100], ShortMessage, 0},
		{"vendor area cut", full[:238], ShortMessage, 0},
		{"option length past the end", dhcpMessage([]byte{53, 1, 1, 12, 200, 'x'}), ShortMessage, 1},
		{"option code without length", dhcpMessage([]byte{53, 1, 1, 12}), ShortMessage, 1},
		{"no End option", dhcpMessage([]byte{53, 1, 1}), NoProblem, 1},
		// sname has a fixed size: an option overrunning it is malformed.
		{"sname overrun", sname, Malformed, 1},
	} {
		p := dhcpPacket(t, c.b)
		if p.Problem.Kind != c.kind || p.Problem.Kind != NoProblem && p.Problem.Layer != LayerDHCP || p.App.Misc.DHCP.NumOpts != c.opts {
			t.Errorf("%s: problem %v (%v), %d options; want kind %v, %d options", c.name, p.Problem, p.Problem.Kind, p.App.Misc.DHCP.NumOpts, c.kind, c.opts)
		}
	}
}

// TestDHCPOptionBound: options past MaxDHCPOptions are counted, and the
// scan still reaches the End option.
func TestDHCPOptionBound(t *testing.T) {
	var opts []byte
	for range MaxDHCPOptions + 10 {
		opts = append(opts, 12, 1, 'x')
	}
	p := dhcpPacket(t, dhcpMessage(append(opts, 255)))
	if d := &p.App.Misc.DHCP; d.NumOpts != MaxDHCPOptions || d.DroppedOpts != 10 || !p.Problem.OK() {
		t.Errorf("kept %d, dropped %d, problem %v", d.NumOpts, d.DroppedOpts, p.Problem)
	}
	if v := fieldValue(t, p, "dhcp.option.hostname"); v != strings.TrimSuffix(strings.Repeat("x,", MaxDHCPOptions), ",") {
		t.Errorf("host names %q", v)
	}
}

// TestMiscStaleState: a reused Packet does not show the previous frame's
// small-protocol fields.
func TestMiscStaleState(t *testing.T) {
	var p Packet
	for _, f := range [][]byte{
		decodetest.UDPFrame(68, 67, dhcpMessage(dhcpDiscoverOpts())),
		decodetest.UDPFrame(40000, 53, make([]byte, 12)),
	} {
		Decode(LinkEthernet, f, len(f), &p)
	}
	checkValues(t, "DNS after DHCP", miscValues(t, &p), map[string]string{})
}

func TestSSHBanner(t *testing.T) {
	for _, c := range []struct {
		in, want, info string
		short          bool
	}{
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x00\x01", "SSH-2.0-OpenSSH_9.2p1 Debian-2", "Client: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2)", false},
		{"SSH-1.99-x\n", "SSH-1.99-x", "Client: Protocol (SSH-1.99-x)", false},
		{"SSH-2.0-cut", "SSH-2.0-cut", "Client: Protocol (SSH-2.0-cut)", true},
		{"\x00\x00\x05\xdc\x0a\x14", "", "Client: Binary packet (len=6)", false},
	} {
		p := decodeApp(t, true, 22, []byte(c.in), LayerSSH)
		if v := fieldValue(t, p, "ssh.protocol"); v != c.want {
			t.Errorf("%q: ssh.protocol %q", c.in, v)
		}
		if info, _ := p.AppendInfo(nil); string(info) != c.info {
			t.Errorf("%q: Info %q", c.in, info)
		}
		if short := p.Problem.Kind == ShortMessage; short != c.short {
			t.Errorf("%q: problem %v", c.in, p.Problem)
		}
	}
	// From the server's port it is the server's banner.
	f := decodetest.TCPFrame(22, 40000, []byte("SSH-2.0-srv\r\n"))
	var p Packet
	Decode(LinkEthernet, f, len(f), &p)
	if info, _ := p.AppendInfo(nil); string(info) != "Server: Protocol (SSH-2.0-srv)" {
		t.Errorf("server Info %q", info)
	}
}

// TestSSHSplit: a banner cut before its line end is held back for the
// next segment; binary packets and whole banners pass.
func TestSSHSplit(t *testing.T) {
	for _, c := range []struct {
		in    string
		whole int
		more  bool
	}{
		{"SSH-2.0-Open", 0, true},
		{"SSH-2.0-OpenSSH\r\n", 17, false},
		{"SSH-2.0-OpenSSH\r\n\x00\x00", 19, false},
		{"\x00\x00\x01\x00", 4, false},
	} {
		if whole, more, _ := TCPMessages(40000, 22, []byte(c.in)); whole != c.whole || more != c.more {
			t.Errorf("%q: whole %d more %v", c.in, whole, more)
		}
	}
}

func TestNTPModes(t *testing.T) {
	client := make([]byte, 48)
	client[0] = 0x23 // LI 0, VN 4, mode 3
	server := append([]byte{0x24, 2}, make([]byte, 46)...)
	ctrl := []byte{0x16, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	for _, c := range []struct {
		name, info string
		b          []byte
		want       map[string]string
		short      bool
	}{
		{"client", "NTP Version 4, client", client, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "3", "ntp.stratum": "0"}, false},
		{"server", "NTP Version 4, server", server, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "4", "ntp.stratum": "2"}, false},
		// Control and private messages have no stratum; their other
		// fields are tshark's ntpctrl/ntppriv ones.
		{"control", "NTP Version 2, control", ctrl, map[string]string{"ntp.flags.vn": "2", "ntp.flags.mode": "6"}, false},
		{"private", "NTP Version 2, private", []byte{0x17, 0x00, 0x03, 0x2a}, map[string]string{"ntp.flags.vn": "2", "ntp.flags.mode": "7"}, false},
		{"one byte", "NTP Version 4, client", []byte{0x23}, map[string]string{"ntp.flags.vn": "4", "ntp.flags.mode": "3"}, true},
	} {
		p := decodeApp(t, false, 123, c.b, LayerNTP)
		checkValues(t, c.name, miscValues(t, p), c.want)
		if info, _ := p.AppendInfo(nil); string(info) != c.info {
			t.Errorf("%s: Info %q", c.name, info)
		}
		if short := p.Problem.Kind == ShortMessage; short != c.short {
			t.Errorf("%s: problem %v", c.name, p.Problem)
		}
	}
}

func TestSIPStartLine(t *testing.T) {
	for _, c := range []struct{ in, method, uri, code, info string }{
		{"INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n\r\n", "INVITE", "sip:bob@example.com", "", "Request: INVITE sip:bob@example.com"},
		{"SIP/2.0 180 Ringing\r\n", "", "", "180", "Status: 180 Ringing"},
		{"SIP/2.0 200\r\n", "", "", "200", "Status: 200"},
	} {
		p := decodeApp(t, false, 5060, []byte(c.in), LayerSIP)
		v := miscValues(t, p)
		if v["sip.Method"] != c.method || v["sip.r-uri"] != c.uri || v["sip.Status-Code"] != c.code {
			t.Errorf("%q: %v", c.in, v)
		}
		if info, _ := p.AppendInfo(nil); string(info) != c.info {
			t.Errorf("%q: Info %q", c.in, info)
		}
		// The heuristic finds SIP on other ports, UDP and TCP.
		decodeApp(t, false, 40001, []byte(c.in), LayerSIP)
		decodeApp(t, true, 40001, []byte(c.in), LayerSIP)
	}
	for _, in := range []string{
		"GET / HTTP/1.1\r\n", "SIP/2.0 20 OK\r\n", "SIP/2.0 2000 OK\r\n",
		"INVITE sip:x SIP/2.00\r\n", "IN(VITE sip:x SIP/2.0\r\n", "INVITE SIP/2.0\r\n",
	} {
		if p := decodeApp(t, false, 40001, []byte(in), LayerNone); p.App.Layer == LayerSIP {
			t.Errorf("%q taken for SIP", in)
		}
	}
}

// textRun sends segments (">" client, "<" server) of one connection to
// port and returns each one's commands or reply codes and its Info.
func textRun(t *testing.T, port uint16, layer Layer, segs ...string) (fields, infos []string) {
	t.Helper()
	for _, s := range segs {
		var f []byte
		if s[0] == '>' {
			f = decodetest.TCPFrame(40000, port, []byte(s[1:]))
		} else {
			f = decodetest.TCPFrame(port, 40000, []byte(s[1:]))
		}
		var p Packet
		Decode(LinkEthernet, f, len(f), &p)
		if p.App.Layer != layer {
			t.Fatalf("%q decoded as %v", s, p.App.Layer)
		}
		var vals []string
		for _, v := range miscValues(t, &p) {
			vals = append(vals, v)
		}
		fields = append(fields, strings.Join(vals, ";"))
		info, _ := p.AppendInfo(nil)
		infos = append(infos, string(info))
	}
	return fields, infos
}

func TestSMTPLines(t *testing.T) {
	got, infos := textRun(t, 25, LayerSMTP,
		"<220 mx ESMTP\r\n",
		">EHLO me\r\n",
		"<250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
		">MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
		">Subject: QUIT\r\n\r\nRCPT is not a command here\r\n.\r\n",
		">dXNlcg==\r\n",
		">\x16\x03\x01\x02\x00\x01",
		">DATA\r\nFrom: x\r\n",
		">last line\r\n.\r\nQUIT\r\n",
		">BDAT 5 LAST\r\nQUIT\n",
		">Mail servers relay it.\r\n",
	)
	want := []string{"220", "EHLO", "250,250,250", "MAIL,RCPT,DATA", "", "", "", "DATA", "QUIT", "BDAT", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SMTP:\n got %q\nwant %q", got, want)
	}
	wantInfo := []string{"S: 220 mx ESMTP", "C: EHLO me", "S: 250-mx | 250-PIPELINING | 250 8BITMIME",
		"C: MAIL FROM:<a@b> | RCPT TO:<c@d> | DATA", "C: DATA fragment, 48 bytes", "C: DATA fragment, 10 bytes",
		"C: DATA fragment, 6 bytes", "C: DATA", "C: QUIT", "C: BDAT 5 LAST", "C: DATA fragment, 24 bytes"}
	if strings.Join(infos, "|") != strings.Join(wantInfo, "|") {
		t.Errorf("SMTP Info:\n got %q\nwant %q", infos, wantInfo)
	}
}

func TestFTPPOPIMAPLines(t *testing.T) {
	// FTP and POP: the first line only, as tshark; a reply continuation
	// line has no code.
	got, infos := textRun(t, 21, LayerFTP, "<211-Features:\r\n MDTM\r\n211 End\r\n", "< EPSV\r\n211 End\r\n", ">USER x\r\nPASS y\r\n")
	if strings.Join(got, "|") != "211||USER" || infos[2] != "Request: USER x" || infos[0] != "Response: 211-Features:" {
		t.Errorf("FTP: %q %q", got, infos)
	}
	if got, _ = textRun(t, 110, LayerPOP, ">user a\r\n", ">AGRpZ2l0YWw=\r\n", "<+OK\r\n"); strings.Join(got, "|") != "user|AGRpZ2l0YWw=|" {
		t.Errorf("POP: %q", got)
	}
	// IMAP: every line; the tag is no command; UID names the next word.
	if got, _ = textRun(t, 143, LayerIMAP, ">a1 LOGIN u p\r\na2 uid fetch 1:* (FLAGS)\r\n", ">a3\r\n", "<* OK\r\n", ">\x16\x03\x01 x\r\n"); strings.Join(got, "|") != "LOGIN,fetch|||" {
		t.Errorf("IMAP: %q", got)
	}
}

// TestTextLineBound: lines past MaxCmdLines are counted, not kept.
func TestTextLineBound(t *testing.T) {
	p := decodeApp(t, true, 143, []byte(strings.Repeat("a NOOP\r\n", MaxCmdLines+5)), LayerIMAP)
	if c := &p.App.Misc.Text; c.N != MaxCmdLines || c.More != 5 || c.Truncated {
		t.Errorf("kept %d, more %d, truncated %v", c.N, c.More, c.Truncated)
	}
	p = decodeApp(t, true, 25, []byte("NOOP\r\nHEL"), LayerSMTP)
	if c := &p.App.Misc.Text; c.N != 2 || !c.Truncated {
		t.Errorf("cut line: %d lines, truncated %v", c.N, c.Truncated)
	}
}

// TestSIPOverTCP: a segment carries every whole message (tshark reports
// each), and the framing holds back one whose body is still missing.
func TestSIPOverTCP(t *testing.T) {
	reg := "REGISTER sip:a SIP/2.0\r\nContent-Length: 4\r\n\r\nbody"
	ok := "SIP/2.0 200 OK\r\nl: 0\r\n\r\n"
	p := decodeApp(t, true, 5060, []byte(reg+ok+reg), LayerSIP)
	checkValues(t, "three messages", miscValues(t, p), map[string]string{
		"sip.Method": "REGISTER,REGISTER", "sip.r-uri": "sip:a,sip:a", "sip.Status-Code": "200"})
	if info, _ := p.AppendInfo(nil); string(info) != "Request: REGISTER sip:a | Status: 200 OK | Request: REGISTER sip:a" {
		t.Errorf("Info %q", info)
	}
	for _, c := range []struct {
		in    string
		whole int
		more  bool
	}{
		{reg, len(reg), false},
		{reg + ok, len(reg + ok), false},
		{reg[:len(reg)-1], 0, true},
		{reg + ok[:10], len(reg), true},
		{"INVITE sip:a SIP/2.0\r\nContent-Length: x\r\n\r\n", 43, false},
	} {
		if whole, more, _ := TCPMessages(40000, 5060, []byte(c.in)); whole != c.whole || more != c.more {
			t.Errorf("%q: whole %d more %v, want %d %v", c.in, whole, more, c.whole, c.more)
		}
	}
	// Over UDP a datagram is one message.
	p = decodeApp(t, false, 5060, []byte(reg+ok), LayerSIP)
	if v := fieldValue(t, p, "sip.Status-Code"); v != "" {
		t.Errorf("UDP: second message read: %q", v)
	}
}
