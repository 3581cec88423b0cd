package decode

// Misc holds the message of the small protocols (misc.go, ssh.go,
// dhcp.go, ntp.go, sip.go, mailftp.go): App.Layer says which member is
// valid. Offsets are into App.Data.
type Misc struct {
	// ToServer is set when the packet goes to the protocol's port (tshark's
	// test for a request: the destination port is the one the dissector was
	// chosen by).
	ToServer bool
	SSH      SSH
	DHCP     DHCP
	NTP      NTP
	SIP      SIP
	Text     CmdLines
}

// toServer reports whether p goes to one of ports rather than from it.
func toServer(p *Packet, tcp bool, ports []uint16) bool {
	dport, sport := p.UDP.DstPort, p.UDP.SrcPort
	if tcp {
		dport, sport = p.TCP.DstPort, p.TCP.SrcPort
	}
	// tshark tries the lower port first, so when both ports are the
	// protocol's, the lower one is the server's.
	for _, port := range ports {
		if port == min(sport, dport) {
			return dport == port
		}
	}
	for _, port := range ports {
		if port == dport {
			return true
		}
	}
	return false
}

// miscText appends a span of App.Data as tshark's format_text shows it.
func (p *Packet) miscText(dst []byte, r Range) []byte {
	return appendText(dst, p.App.Bytes(r.Off, r.Len))
}

// miscString is miscText for the tree.
func (p *Packet) miscString(r Range) string { return string(p.miscText(nil, r)) }

// misc returns the packet's small-protocol state when dissector l decoded
// it: the state of a reused Packet may hold an earlier frame's message.
func (p *Packet) misc(l Layer) (*Misc, bool) { return &p.App.Misc, p.App.Layer == l }
