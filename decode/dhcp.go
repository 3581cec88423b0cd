package decode

// DHCP is a BOOTP message (RFC 951) with its DHCP options (RFC 2131,
// RFC 2132): the fixed header and every option, in the order tshark
// shows them: the options field, then the file and sname fields when
// option 52 says they are overloaded with options.
type DHCP struct {
	Op, HType, HLen uint8
	Hops            uint8
	XID             uint32
	Secs, Flags     uint16
	CIAddr, YIAddr  [4]byte
	SIAddr, GIAddr  [4]byte
	CHAddr          Range // client hardware address, HLen bytes (at most 16)
	SName, File     Range // the server host name and boot file fields
	Magic           bool  // the DHCP magic cookie is present, so options follow
	Overload        uint8 // option 52's value: 1 file, 2 sname, 3 both hold options
	Opts            [MaxDHCPOptions]DHCPOption
	NumOpts         int
	// DroppedOpts counts options past MaxDHCPOptions: parsed over but
	// not kept, so a message with more still decodes its end.
	DroppedOpts int
	// Truncated is set when the capture ends inside the fixed header or
	// an option; Malformed when an option's length runs past its field.
	Truncated, Malformed bool
	need, bad            int // when Truncated: bytes needed; Malformed: the bad option's offset
}

// MaxDHCPOptions bounds the options kept per message. Real clients send
// fewer than 20; a message of 1-byte options cannot hold more than ~300.
const MaxDHCPOptions = 64

// DHCPOption is one option: its code and the Range of its value.
type DHCPOption struct {
	Code  uint8
	Value Range
}

// DHCP option codes l7sniff names.
const (
	dhcpOptPad         = 0
	dhcpOptHostName    = 12
	dhcpOptRequestedIP = 50
	dhcpOptOverload    = 52
	dhcpOptMsgType     = 53
	dhcpOptClientID    = 61
	dhcpOptEnd         = 255
)

// BOOTP layout (RFC 951): fixed header up to chaddr, then sname, file and
// the vendor/options area.
const (
	dhcpCHAddrOff = 28
	dhcpSNameOff  = 44
	dhcpFileOff   = 108
	dhcpMagicOff  = 236
	dhcpOptsOff   = 240
	dhcpMagic     = 0x63825363
)

// dhcpPorts are tshark 4.0's BOOTP/DHCP UDP ports: 67, 68 and 4011
// (proxy DHCP). It claims every datagram there.
var dhcpPorts = []uint16{67, 68, 4011}

func init() {
	register(&dissector{
		layer:    LayerDHCP,
		udpPorts: dhcpPorts,
		dissect:  dissectDHCP,
		info:     appendDHCPInfo,
		tree:     dhcpTree,
		fields:   dhcpFields,
	})
}

func dissectDHCP(p *Packet, tcp bool) {
	d := &p.App.Misc.DHCP
	b := p.App.Data
	d.parse(b, 0, len(b))
	switch {
	case d.Truncated:
		p.fail(LayerDHCP, ShortMessage, len(b), max(d.need, len(b)+1))
	case d.Malformed:
		p.fail(LayerDHCP, Malformed, d.bad, 0)
	}
}

// parse decodes the BOOTP message in b[off:end]. It reports false only
// when there are not even the first bytes of a header.
func (d *DHCP) parse(b []byte, off, end int) bool {
	if end-off < 1 {
		return false
	}
	*d = DHCP{Op: b[off]}
	if end-off < dhcpMagicOff {
		// tshark shows what is there and marks the rest missing; the
		// fields of interest sit past this point.
		d.Truncated, d.need = true, off+dhcpOptsOff
		if end-off >= dhcpCHAddrOff {
			d.fixed(b, off, end)
		}
		return true
	}
	d.fixed(b, off, end)
	d.SName = Range{off + dhcpSNameOff, 64}
	d.File = Range{off + dhcpFileOff, 128}
	if end-off < dhcpOptsOff || be.Uint32(b[off+dhcpMagicOff:]) != dhcpMagic {
		// BOOTP vendor area without the cookie: no options to read.
		if end-off < dhcpOptsOff {
			d.Truncated, d.need = true, off+dhcpOptsOff
		}
		return true
	}
	d.Magic = true
	d.options(b, off+dhcpOptsOff, end, true)
	// RFC 2131 §4.1: file is read before sname.
	if d.Overload&1 != 0 {
		d.options(b, d.File.Off, d.File.End(), false)
	}
	if d.Overload&2 != 0 {
		d.options(b, d.SName.Off, d.SName.End(), false)
	}
	return true
}

// fixed fills the header fields before sname.
func (d *DHCP) fixed(b []byte, off, end int) {
	h := b[off:end]
	d.HType, d.HLen, d.Hops = h[1], h[2], h[3]
	d.XID = be.Uint32(h[4:])
	d.Secs, d.Flags = be.Uint16(h[8:]), be.Uint16(h[10:])
	copy(d.CIAddr[:], h[12:16])
	copy(d.YIAddr[:], h[16:20])
	copy(d.SIAddr[:], h[20:24])
	copy(d.GIAddr[:], h[24:28])
	if len(h) >= dhcpCHAddrOff+16 {
		d.CHAddr = Range{off + dhcpCHAddrOff, int(min(d.HLen, 16))}
	}
}

// options reads code-length-value options in b[off:end] until the End
// option. main is set for the options field, the only one that may carry
// option 52 (RFC 2131 §4.1).
func (d *DHCP) options(b []byte, off, end int, main bool) {
	for off < end {
		code := b[off]
		if code == dhcpOptEnd {
			return
		}
		if code == dhcpOptPad {
			off++
			continue
		}
		if off+2 > end {
			d.Truncated, d.need = true, off+2
			return
		}
		n := int(b[off+1])
		v := Range{off + 2, n}
		if v.End() > end {
			// The options field ends with the datagram, so running past
			// it means bytes are missing; sname and file have a fixed
			// size, so there it is a bad length.
			d.Truncated, d.Malformed = main, !main
			d.need, d.bad = v.End(), off
			return
		}
		if main && code == dhcpOptOverload && n == 1 {
			d.Overload = b[v.Off]
		}
		if d.NumOpts < MaxDHCPOptions {
			d.Opts[d.NumOpts] = DHCPOption{code, v}
			d.NumOpts++
		} else {
			d.DroppedOpts++
		}
		off = v.End()
	}
}

// HasEtherCHAddr reports whether chaddr holds an Ethernet address, which
// tshark then shows as dhcp.hw.mac_addr.
func (d *DHCP) HasEtherCHAddr() bool {
	return etherHType(d.HType) && d.HLen == 6 && d.CHAddr.Len == 6
}

// etherHType reports whether an ARP hardware type has 6-byte MAC
// addresses as tshark counts them: Ethernet (1) and IEEE 802 (6).
func etherHType(t uint8) bool { return t == 1 || t == 6 }

// ClientIDMAC returns the MAC address in a client identifier option
// (hardware type 1 or 6 followed by 6 bytes, RFC 2132 §9.14); ok is false
// for other identifiers.
func (o DHCPOption) ClientIDMAC(b []byte) (mac Range, ok bool) {
	if o.Code != dhcpOptClientID || o.Value.Len != 7 || !etherHType(b[o.Value.Off]) {
		return Range{}, false
	}
	return Range{o.Value.Off + 1, 6}, true
}

// MsgType returns the DHCP message type (option 53); ok is false for
// plain BOOTP.
func (d *DHCP) MsgType(b []byte) (t uint8, ok bool) {
	for _, o := range d.Opts[:d.NumOpts] {
		if o.Code == dhcpOptMsgType && o.Value.Len == 1 {
			return b[o.Value.Off], true
		}
	}
	return 0, false
}

// dhcpMsgTypes names DHCP message types as tshark does (RFC 2132 §9.6,
// RFC 3203, RFC 4388, RFC 6926, RFC 7724).
var dhcpMsgTypes = [...]string{
	1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK",
	6: "NAK", 7: "Release", 8: "Inform", 9: "Force Renew",
	10: "Lease query", 11: "Lease Unassigned", 12: "Lease Unknown",
	13: "Lease Active", 14: "Bulk Lease Query", 15: "Lease Query Done",
	16: "Active LeaseQuery", 17: "Lease Query Status", 18: "TLS",
}

// DHCPMsgTypeName names a DHCP message type; "" when unknown.
func DHCPMsgTypeName(t uint8) string {
	if int(t) < len(dhcpMsgTypes) {
		return dhcpMsgTypes[t]
	}
	return ""
}
