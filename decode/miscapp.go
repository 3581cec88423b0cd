package decode

// MiscKind says which of the small protocols a MiscApp holds.
type MiscKind uint8

// The small protocols.
const (
	MiscNone MiscKind = iota
	MiscSSH
	MiscDHCP
	MiscNTP
	MiscSIP
	MiscText // SMTP, FTP, POP3, IMAP: see MiscApp.Text.Proto
)

// MiscApp holds the application message of one packet for the small
// protocols: the SSH banner, DHCP, NTP, SIP and the mail/FTP command
// lines. Only the member Kind names is valid. It is a plain value meant
// to be reused, like Packet.
type MiscApp struct {
	Kind MiscKind
	// Found is set when the payload held a message of Kind; a packet of
	// an SSH or SMTP connection may carry none (binary SSH packets,
	// message content).
	Found bool
	SSH   SSH
	DHCP  DHCP
	NTP   NTP
	SIP   SIP
	Text  CmdLines
}

// Dissect picks the dissector for p's payload the way tshark 4.0 does by
// default (the lower port first, then the higher, then heuristics) and
// runs it. st carries SMTP's per-connection phase; nil treats every
// client line as a command.
func (m *MiscApp) Dissect(p *Packet, st *TextState) {
	m.Kind, m.Found = MiscNone, false
	if p.Quoted || p.Payload.Len == 0 {
		return
	}
	b, off, end := p.Data, p.Payload.Off, p.Payload.End()
	var sport, dport uint16
	udp := p.Has(LayerUDP)
	switch {
	case udp:
		sport, dport = p.UDP.SrcPort, p.UDP.DstPort
	case p.Has(LayerTCP):
		sport, dport = p.TCP.SrcPort, p.TCP.DstPort
	default:
		return
	}
	lo, hi := min(sport, dport), max(sport, dport)
	for _, port := range [2]uint16{lo, hi} {
		if k := miscByPort(port, udp); k != MiscNone {
			m.run(k, b, off, end, port == dport, textProtoPort(port), st)
			return
		}
	}
	// tshark's SIP heuristic (UDP and TCP) accepts a SIP start line on
	// any port nothing else claimed.
	if m.SIP.parse(b, off, end) {
		m.Kind, m.Found = MiscSIP, true
	}
}

// miscByPort returns the protocol tshark registers on a port.
func miscByPort(port uint16, udp bool) MiscKind {
	switch {
	case port == ntpPort:
		return MiscNTP
	case port == sipPort:
		return MiscSIP
	case udp && dhcpPort(port):
		return MiscDHCP
	case !udp && port == sshPort:
		return MiscSSH
	case !udp && textProtoPort(port) != TextNone:
		return MiscText
	}
	return MiscNone
}

func (m *MiscApp) run(k MiscKind, b []byte, off, end int, toPort bool, tp TextProto, st *TextState) {
	m.Kind = k
	switch k {
	case MiscSSH:
		m.Found = m.SSH.parse(b, off, end)
	case MiscDHCP:
		m.Found = m.DHCP.parse(b, off, end)
	case MiscNTP:
		m.Found = m.NTP.parse(b, off, end)
	case MiscSIP:
		m.Found = m.SIP.parse(b, off, end)
	case MiscText:
		m.Text.parse(tp, toPort, b, off, end, st)
		m.Found = m.Text.N > 0
	}
}
