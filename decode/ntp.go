package decode

import "fmt"

// NTP is the header of an NTP message (RFC 5905 §7.3). Modes 6 (control)
// and 7 (private) share only the first byte (leap, version, mode); tshark
// shows the rest as ntpctrl/ntppriv fields, which l7sniff does not read.
type NTP struct {
	LI   uint8 // leap indicator
	VN   uint8 // version
	Mode uint8
	// Standard is set for modes 0-5, whose header holds the fields below.
	Standard  bool
	Stratum   uint8
	Poll      int8
	Precision int8
	// Len is the number of bytes present; a standard header has 48.
	Len int
}

const (
	ntpHeaderLen = 48
	ntpModeCtrl  = 6
	ntpModePriv  = 7
)

// ntpPorts: tshark 4.0 gives NTP UDP and TCP port 123 and claims every
// message there.
var ntpPorts = []uint16{123}

func init() {
	register(&dissector{
		layer:    LayerNTP,
		tcpPorts: ntpPorts,
		udpPorts: ntpPorts,
		dissect:  dissectNTP,
		info:     appendNTPInfo,
		tree:     ntpTree,
		fields: []Field{
			// Control and private messages share the first byte, and
			// tshark shows its version and mode for them too.
			ntpField("ntp.flags.vn", "NTP version", func(n *NTP) (uint8, bool) { return n.VN, true }),
			ntpField("ntp.flags.mode", "NTP mode", func(n *NTP) (uint8, bool) { return n.Mode, true }),
			ntpField("ntp.stratum", "NTP stratum", func(n *NTP) (uint8, bool) { return n.Stratum, n.HasStratum() }),
		},
	})
}

func ntpField(name, desc string, v func(n *NTP) (uint8, bool)) Field {
	return nthDecField(name, desc, func(p *Packet, i int) (uint64, bool) {
		m, ok := p.misc(LayerNTP)
		x, has := v(&m.NTP)
		return uint64(x), ok && has && i == 0
	})
}

func dissectNTP(p *Packet, tcp bool) {
	n := &p.App.Misc.NTP
	n.parse(p.App.Data)
	if n.Standard && n.Len < ntpHeaderLen {
		p.fail(LayerNTP, ShortMessage, n.Len, ntpHeaderLen)
	}
}

// parse decodes the message in b, which the dissector registry never
// hands over empty.
func (n *NTP) parse(b []byte) {
	f := b[0]
	*n = NTP{LI: f >> 6, VN: f >> 3 & 7, Mode: f & 7, Len: len(b)}
	if n.Mode == ntpModeCtrl || n.Mode == ntpModePriv {
		return
	}
	n.Standard = true
	if len(b) >= 2 {
		n.Stratum = b[1]
	}
	if len(b) >= 4 {
		n.Poll, n.Precision = int8(b[2]), int8(b[3])
	}
}

// HasStratum reports whether the stratum byte is present.
func (n *NTP) HasStratum() bool { return n.Standard && n.Len >= 2 }

// ntpModes names the association modes as tshark's Info column does.
var ntpModes = [8]string{"reserved", "symmetric active", "symmetric passive", "client", "server", "broadcast", "control", "private"}

// appendNTPInfo appends tshark's Info: "NTP Version 4, client".
func appendNTPInfo(p *Packet, dst []byte) []byte {
	n := &p.App.Misc.NTP
	dst = appendUint(append(dst, "NTP Version "...), uint64(n.VN))
	return append(append(dst, ", "...), ntpModes[n.Mode]...)
}

func ntpTree(t *treeBuilder) {
	n := &t.p.App.Misc.NTP
	t.app(0, "Network Time Protocol", string(appendNTPInfo(t.p, nil)), 0, n.Len)
	t.app(1, "Flags", string(appendHex(nil, uint64(n.LI<<6|n.VN<<3|n.Mode), 2)), 0, 1)
	t.app(2, "Leap Indicator", fmt.Sprint(n.LI), 0, 1)
	t.app(2, "Version number", fmt.Sprint(n.VN), 0, 1)
	t.app(2, "Mode", fmt.Sprintf("%s (%d)", ntpModes[n.Mode], n.Mode), 0, 1)
	if n.HasStratum() {
		t.app(1, "Peer Clock Stratum", fmt.Sprint(n.Stratum), 1, 1)
	}
	if n.Standard && n.Len >= 4 {
		t.app(1, "Peer Polling Interval", fmt.Sprint(n.Poll), 2, 1)
		t.app(1, "Peer Clock Precision", fmt.Sprint(n.Precision), 3, 1)
	}
}
