package decode

// SSH is an SSH protocol version exchange line (RFC 4253 §4.2), the one
// thing of SSH that is readable on the wire: "SSH-2.0-OpenSSH_9.2p1 Debian".
// What follows it is binary packets, which l7sniff does not dissect.
type SSH struct {
	// Protocol is the identification string without its line end
	// (tshark's ssh.protocol).
	Protocol Range
	// Truncated is set when the data ends before the line does.
	Truncated bool
}

// sshPort is the one port tshark 4.0 gives SSH by default.
const sshPort = 22

// parseSSH reads the identification line at the start of b[off:end]. It
// reports false when the data is not one (every binary SSH packet after
// the exchange), as tshark finds no ssh.protocol there.
func (s *SSH) parse(b []byte, off, end int) bool {
	if !hasPrefixFold(b, off, end, "SSH-") {
		return false
	}
	line, _, complete := nextLine(b, off, end)
	*s = SSH{Protocol: line, Truncated: !complete}
	return true
}
