package decode

// NTP is the header of an NTP message (RFC 5905 §7.3). Modes 6 (control)
// and 7 (private) have other layouts after the first byte; tshark shows
// them as ntpctrl/ntppriv, so only Flags is read for them.
type NTP struct {
	Off  int
	LI   uint8 // leap indicator
	VN   uint8 // version
	Mode uint8
	// Standard is set for modes 0-5, whose header holds the fields below.
	Standard  bool
	Stratum   uint8
	Poll      int8
	Precision int8
	// Truncated is set when fewer than the 48 header bytes are present
	// (for a standard message; Stratum and the rest are valid only as far
	// as the bytes go, see HasStratum).
	Truncated bool
	n         int // bytes present
}

const (
	ntpPort      = 123
	ntpHeaderLen = 48
	ntpModeCtrl  = 6
	ntpModePriv  = 7
)

// parse decodes the message in b[off:end]; false when it is empty.
func (n *NTP) parse(b []byte, off, end int) bool {
	if end <= off {
		return false
	}
	f := b[off]
	*n = NTP{Off: off, LI: f >> 6, VN: f >> 3 & 7, Mode: f & 7, n: end - off}
	if n.Mode == ntpModeCtrl || n.Mode == ntpModePriv {
		return true
	}
	n.Standard = true
	n.Truncated = end-off < ntpHeaderLen
	if end-off >= 2 {
		n.Stratum = b[off+1]
	}
	if end-off >= 4 {
		n.Poll, n.Precision = int8(b[off+2]), int8(b[off+3])
	}
	return true
}

// HasStratum reports whether the stratum byte is present.
func (n *NTP) HasStratum() bool { return n.Standard && n.n >= 2 }

// ntpModes names the association modes as tshark's Info column does.
var ntpModes = [8]string{"reserved", "symmetric active", "symmetric passive", "client", "server", "broadcast", "control", "private"}

// NTPModeName names an NTP mode (0-7).
func NTPModeName(m uint8) string { return ntpModes[m&7] }
