package decode

import "fmt"

// SSH is an SSH protocol version exchange line (RFC 4253 §4.2), the one
// thing of SSH that is readable on the wire: "SSH-2.0-OpenSSH_9.2p1 Debian".
// What follows it is binary packets, which l7sniff does not dissect.
type SSH struct {
	// Banner is set when the segment holds the identification line.
	Banner bool
	// Protocol is the identification string without its line end
	// (tshark's ssh.protocol).
	Protocol Range
	// Len is the segment's length, for the Info of binary packets.
	Len int
	// complete is false when the data ends before the line does.
	complete bool
}

// sshPorts are the ports tshark 4.0 gives SSH by default; it has no SSH
// heuristic, so SSH elsewhere is not dissected.
var sshPorts = []uint16{22}

func init() {
	register(&dissector{
		layer:    LayerSSH,
		tcpPorts: sshPorts,
		split:    splitSSH,
		dissect:  dissectSSH,
		info:     appendSSHInfo,
		tree:     sshTree,
		fields: []Field{
			nthTextField("ssh.protocol", "SSH protocol version exchange line", func(p *Packet, i int) ([]byte, bool) {
				m, ok := p.misc(LayerSSH)
				s := &m.SSH
				return p.App.Bytes(s.Protocol.Off, s.Protocol.Len), ok && i == 0 && s.Banner
			}),
		},
	})
}

// splitSSH holds an identification line back until its line end arrives,
// as tshark's desegmentation does; binary packets pass through.
func splitSSH(b []byte) (whole int, more bool) {
	if !hasPrefixFold(b, 0, len(b), "SSH-") {
		return len(b), false
	}
	if _, _, complete := nextLine(b, 0, len(b)); complete {
		return len(b), false
	}
	return 0, true
}

func dissectSSH(p *Packet, tcp bool) {
	m := &p.App.Misc
	b := p.App.Data
	m.ToServer = toServer(p, tcp, sshPorts)
	m.SSH.parse(b, 0, len(b))
	if m.SSH.Banner && !m.SSH.complete {
		p.fail(LayerSSH, ShortMessage, len(b), len(b)+1)
	}
}

// parse reads the identification line at the start of b[off:end]; Banner
// stays false for the binary packets after the exchange, where tshark
// finds no ssh.protocol.
func (s *SSH) parse(b []byte, off, end int) {
	*s = SSH{Len: end - off}
	if !hasPrefixFold(b, off, end, "SSH-") {
		return
	}
	s.Protocol, _, s.complete = nextLine(b, off, end)
	s.Banner = true
}

// appendSSHInfo appends tshark's Info: "Client: Protocol (SSH-2.0-…)".
func appendSSHInfo(p *Packet, dst []byte) []byte {
	m := &p.App.Misc
	if m.ToServer {
		dst = append(dst, "Client: "...)
	} else {
		dst = append(dst, "Server: "...)
	}
	if !m.SSH.Banner {
		dst = append(dst, "Binary packet (len="...)
		return append(appendUint(dst, uint64(m.SSH.Len)), ')')
	}
	dst = append(dst, "Protocol ("...)
	return append(p.miscText(dst, m.SSH.Protocol), ')')
}

func sshTree(t *treeBuilder) {
	s := &t.p.App.Misc.SSH
	if !s.Banner {
		t.app(0, "SSH Protocol", fmt.Sprintf("binary packet, %d bytes", s.Len), 0, s.Len)
		return
	}
	v := t.p.miscString(s.Protocol)
	t.app(0, "SSH Protocol", v, s.Protocol.Off, s.Protocol.Len)
	t.app(1, "Protocol", v, s.Protocol.Off, s.Protocol.Len)
}
