package decode

// MiscField is one tshark 4.0 field of the small protocols. A field may
// occur several times in a packet (two dhcp.hw.mac_addr in a client's
// DHCP message, one smtp.response.code per line of a multi-line reply):
// Occurrence appends the i-th (0-based) and reports false past the last.
type MiscField struct {
	Name, Desc string
	occ        func(m *MiscApp, b, dst []byte, i int) ([]byte, bool)
}

// Occurrence appends the i-th occurrence of f in m (whose ranges point
// into b) to dst.
func (f *MiscField) Occurrence(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	return f.occ(m, b, dst, i)
}

// MiscFields lists the fields in the order of the corpus truth files.
var MiscFields = []MiscField{
	{"ssh.protocol", "SSH protocol version exchange line", func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
		if i != 0 || !m.is(MiscSSH) {
			return dst, false
		}
		return append(dst, bytesOf(b, m.SSH.Protocol)...), true
	}},
	{"dhcp.option.dhcp", "DHCP message type (option 53)", dhcpOpt(dhcpOptMsgType, 1, func(dst, v []byte) []byte {
		return appendUint(dst, uint64(v[0]))
	})},
	{"dhcp.hw.mac_addr", "DHCP client hardware address (chaddr, client identifier)", dhcpMACs},
	{"dhcp.option.hostname", "DHCP host name (option 12)", dhcpOpt(dhcpOptHostName, -1, func(dst, v []byte) []byte {
		return append(dst, v...)
	})},
	{"dhcp.option.requested_ip_address", "DHCP requested IP address (option 50)", dhcpOpt(dhcpOptRequestedIP, 4, appendIPv4)},
	{"ntp.flags.vn", "NTP version", ntpField(func(n *NTP) (uint8, bool) { return n.VN, n.Standard })},
	{"ntp.flags.mode", "NTP mode", ntpField(func(n *NTP) (uint8, bool) { return n.Mode, n.Standard })},
	{"ntp.stratum", "NTP stratum", ntpField(func(n *NTP) (uint8, bool) { return n.Stratum, n.HasStratum() })},
	{"sip.Method", "SIP request method", sipField(func(s *SIP) (Range, bool) { return s.Method, s.Request })},
	{"sip.Status-Code", "SIP response status code", sipField(func(s *SIP) (Range, bool) { return s.Code, !s.Request })},
	{"sip.r-uri", "SIP Request-URI", sipField(func(s *SIP) (Range, bool) { return s.URI, s.Request })},
	{"smtp.req.command", "SMTP command", textField(TextSMTP, true)},
	{"smtp.response.code", "SMTP reply code", textField(TextSMTP, false)},
	{"ftp.request.command", "FTP command", textField(TextFTP, true)},
	{"ftp.response.code", "FTP reply code", textField(TextFTP, false)},
	{"pop.request.command", "POP3 command", textField(TextPOP, true)},
	{"imap.request.command", "IMAP command", textField(TextIMAP, true)},
}

// is reports whether m holds a message of kind k.
func (m *MiscApp) is(k MiscKind) bool { return m.Kind == k && m.Found }

// dhcpOpt is the field of the value of each option code of length n
// (-1: any non-zero length).
func dhcpOpt(code uint8, n int, format func(dst, v []byte) []byte) func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	return func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
		if !m.is(MiscDHCP) {
			return dst, false
		}
		d := &m.DHCP
		for _, o := range d.Opts[:d.NumOpts] {
			if o.Code != code || (n < 0 && o.Value.Len == 0) || (n >= 0 && o.Value.Len != n) {
				continue
			}
			if i == 0 {
				return format(dst, bytesOf(b, o.Value)), true
			}
			i--
		}
		return dst, false
	}
}

// dhcpMACs yields chaddr when it is an Ethernet address, then the address
// of each Ethernet client identifier, in tshark's tree order.
func dhcpMACs(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	if !m.is(MiscDHCP) {
		return dst, false
	}
	d := &m.DHCP
	if d.HasEtherCHAddr() {
		if i == 0 {
			return appendMAC(dst, bytesOf(b, d.CHAddr)), true
		}
		i--
	}
	for _, o := range d.Opts[:d.NumOpts] {
		if mac, ok := o.ClientIDMAC(b); ok {
			if i == 0 {
				return appendMAC(dst, bytesOf(b, mac)), true
			}
			i--
		}
	}
	return dst, false
}

func ntpField(v func(n *NTP) (uint8, bool)) func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	return func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
		if i != 0 || !m.is(MiscNTP) {
			return dst, false
		}
		x, ok := v(&m.NTP)
		if !ok {
			return dst, false
		}
		return appendUint(dst, uint64(x)), true
	}
}

func sipField(v func(s *SIP) (Range, bool)) func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	return func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
		if i != 0 || !m.is(MiscSIP) {
			return dst, false
		}
		r, ok := v(&m.SIP)
		if !ok {
			return dst, false
		}
		return append(dst, bytesOf(b, r)...), true
	}
}

// textField yields the command word of each client line, or the code of
// each server reply line, of protocol t.
func textField(t TextProto, request bool) func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
	return func(m *MiscApp, b, dst []byte, i int) ([]byte, bool) {
		c := &m.Text
		if !m.is(MiscText) || c.Proto != t || c.Request != request {
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
				return append(dst, bytesOf(b, l.Cmd)...), true
			}
			return appendUint(dst, uint64(l.Code)), true
		}
		return dst, false
	}
}
