package decode

import "fmt"

// dhcpFields are tshark 4.0's names for the DHCP fields the corpus
// compares. Occurrences follow tshark's tree order: the options field,
// then file and sname when overloaded.
var dhcpFields = []Field{
	dhcpOptField("dhcp.option.dhcp", "DHCP message type (option 53)", dhcpOptMsgType, 1, func(dst, v []byte) []byte {
		return appendUint(dst, uint64(v[0]))
	}),
	nthField("dhcp.hw.mac_addr", "Client hardware address (chaddr, Ethernet client identifier)", func(p *Packet, i int, dst []byte) ([]byte, bool) {
		m, ok := p.misc(LayerDHCP)
		if !ok {
			return dst, false
		}
		r, ok := m.DHCP.mac(p.App.Data, i)
		if !ok {
			return dst, false
		}
		return appendMAC(dst, p.App.Bytes(r.Off, r.Len)), true
	}),
	dhcpOptField("dhcp.option.hostname", "Host name (option 12)", dhcpOptHostName, -1, appendCString),
	dhcpOptField("dhcp.option.requested_ip_address", "Requested IP address (option 50)", dhcpOptRequestedIP, 4, appendIPv4),
}

// dhcpOptField is the field of the values of option code whose length is
// n (-1: any but 0), formatted by format.
func dhcpOptField(name, desc string, code uint8, n int, format func(dst, v []byte) []byte) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		m, ok := p.misc(LayerDHCP)
		if !ok {
			return dst, false
		}
		d := &m.DHCP
		for _, o := range d.Opts[:d.NumOpts] {
			if o.Code != code || (n < 0 && o.Value.Len == 0) || (n >= 0 && o.Value.Len != n) {
				continue
			}
			if i == 0 {
				return format(dst, p.App.Bytes(o.Value.Off, o.Value.Len)), true
			}
			i--
		}
		return dst, false
	})
}

// mac returns the i-th Ethernet address of the message: chaddr first,
// then each Ethernet client identifier, in tshark's tree order.
func (d *DHCP) mac(b []byte, i int) (Range, bool) {
	if d.HasEtherCHAddr() {
		if i == 0 {
			return d.CHAddr, true
		}
		i--
	}
	for _, o := range d.Opts[:d.NumOpts] {
		if mac, ok := o.ClientIDMAC(b); ok {
			if i == 0 {
				return mac, true
			}
			i--
		}
	}
	return Range{}, false
}

// appendDHCPInfo appends tshark's Info: "DHCP Discover - Transaction ID
// 0x3903f326" (the type padded to 8 as tshark's "%-8s"), or for plain
// BOOTP "Boot Request from 00:11:22:33:44:55" / "Boot Reply".
func appendDHCPInfo(p *Packet, dst []byte) []byte {
	d := &p.App.Misc.DHCP
	b := p.App.Data
	if t, ok := d.MsgType(b); ok {
		dst = append(dst, "DHCP "...)
		n := len(dst)
		if name := DHCPMsgTypeName(t); name != "" {
			dst = append(dst, name...)
		} else {
			dst = appendUint(append(dst, "Unknown Message Type ("...), uint64(t))
			dst = append(dst, ')')
		}
		for len(dst)-n < 8 {
			dst = append(dst, ' ')
		}
		dst = append(dst, " - Transaction ID "...)
		return appendHexMin(dst, uint64(d.XID))
	}
	if d.Op == 2 {
		return append(dst, "Boot Reply"...)
	}
	dst = append(dst, "Boot Request"...)
	if d.HasEtherCHAddr() {
		dst = appendMAC(append(dst, " from "...), p.App.Bytes(d.CHAddr.Off, d.CHAddr.Len))
	}
	return dst
}

// appendCString appends text up to its first NUL: some clients count a
// terminating NUL in option 12's length, and tshark's strings end there.
func appendCString(dst, v []byte) []byte {
	for i, c := range v {
		if c == 0 {
			v = v[:i]
			break
		}
	}
	return appendText(dst, v)
}

// appendHexMin appends v as "0x" and its hex digits without padding (%x).
func appendHexMin(dst []byte, v uint64) []byte {
	digits := 1
	for x := v >> 4; x != 0; x >>= 4 {
		digits++
	}
	return appendHex(dst, v, digits)
}

// dhcpOptionNames names the options people look for; others show by
// number.
var dhcpOptionNames = map[uint8]string{
	1: "Subnet Mask", 3: "Router", 6: "Domain Name Server", 12: "Host Name",
	15: "Domain Name", 28: "Broadcast Address", 42: "NTP Servers",
	43: "Vendor-Specific Information", 50: "Requested IP Address",
	51: "IP Address Lease Time", 52: "Option Overload", 53: "DHCP Message Type",
	54: "DHCP Server Identifier", 55: "Parameter Request List",
	56: "Message", 57: "Maximum DHCP Message Size", 58: "Renewal Time Value",
	59: "Rebinding Time Value", 60: "Vendor class identifier",
	61: "Client identifier", 81: "Client Fully Qualified Domain Name",
	82: "Agent Information Option", 116: "DHCP Auto-Configuration",
	119: "Domain Search", 121: "Classless Static Route",
}

func dhcpTree(t *treeBuilder) {
	p := t.p
	d := &p.App.Misc.DHCP
	b := p.App.Data
	t.app(0, "Dynamic Host Configuration Protocol", string(appendDHCPInfo(p, nil)), 0, len(b))
	if len(b) < dhcpCHAddrOff {
		return
	}
	op := "Boot Request"
	if d.Op == 2 {
		op = "Boot Reply"
	}
	t.app(1, "Message type", fmt.Sprintf("%s (%d)", op, d.Op), 0, 1)
	t.app(1, "Hardware type", fmt.Sprint(d.HType), 1, 1)
	t.app(1, "Hardware address length", fmt.Sprint(d.HLen), 2, 1)
	t.app(1, "Hops", fmt.Sprint(d.Hops), 3, 1)
	t.app(1, "Transaction ID", string(appendHex(nil, uint64(d.XID), 8)), 4, 4)
	t.app(1, "Seconds elapsed", fmt.Sprint(d.Secs), 8, 2)
	t.app(1, "Bootp flags", hex16(d.Flags), 10, 2)
	for i, a := range [4]struct {
		label string
		ip    *[4]byte
	}{{"Client IP address", &d.CIAddr}, {"Your (client) IP address", &d.YIAddr}, {"Next server IP address", &d.SIAddr}, {"Relay agent IP address", &d.GIAddr}} {
		t.app(1, a.label, string(appendIPv4(nil, a.ip[:])), 12+4*i, 4)
	}
	if d.CHAddr.Len > 0 {
		label, v := "Client hardware address", fmt.Sprintf("% x", p.App.Bytes(d.CHAddr.Off, d.CHAddr.Len))
		if d.HasEtherCHAddr() {
			label, v = "Client MAC address", string(appendMAC(nil, p.App.Bytes(d.CHAddr.Off, 6)))
		}
		t.app(1, label, v, d.CHAddr.Off, d.CHAddr.Len)
	}
	if d.SName.Len > 0 && d.Overload&2 == 0 {
		t.app(1, "Server host name", dhcpCString(p, d.SName), d.SName.Off, d.SName.Len)
	}
	if d.File.Len > 0 && d.Overload&1 == 0 {
		t.app(1, "Boot file name", dhcpCString(p, d.File), d.File.Off, d.File.Len)
	}
	if d.Magic {
		t.app(1, "Magic cookie", "DHCP", dhcpMagicOff, 4)
	}
	for _, o := range d.Opts[:d.NumOpts] {
		name := dhcpOptionNames[o.Code]
		if name == "" {
			name = "Option"
		}
		v := p.App.Bytes(o.Value.Off, o.Value.Len)
		t.app(1, fmt.Sprintf("Option (%d) %s", o.Code, name), dhcpOptValue(p, o, v), o.Value.Off-2, o.Value.Len+2)
	}
	if d.DroppedOpts > 0 {
		t.app(1, "Options not shown", fmt.Sprint(d.DroppedOpts), 0, 0)
	}
}

// dhcpCString shows a NUL-padded name field, "not given" when empty.
func dhcpCString(p *Packet, r Range) string {
	if s := appendCString(nil, p.App.Bytes(r.Off, r.Len)); len(s) > 0 {
		return string(s)
	}
	return "not given"
}

// dhcpOptValue shows an option's value: the known ones decoded, the rest
// as hex.
func dhcpOptValue(p *Packet, o DHCPOption, v []byte) string {
	switch {
	case o.Code == dhcpOptMsgType && len(v) == 1:
		return fmt.Sprintf("%s (%d)", DHCPMsgTypeName(v[0]), v[0])
	case o.Code == dhcpOptHostName || o.Code == 15 || o.Code == 56 || o.Code == 60:
		return string(appendCString(nil, v))
	case (o.Code == 1 || o.Code == 3 || o.Code == 6 || o.Code == 28 || o.Code == 42 || o.Code == 50 || o.Code == 54) && len(v) > 0 && len(v)%4 == 0:
		var s []byte
		for i := 0; i < len(v); i += 4 {
			if i > 0 {
				s = append(s, ", "...)
			}
			s = appendIPv4(s, v[i:i+4])
		}
		return string(s)
	case (o.Code == 51 || o.Code == 58 || o.Code == 59) && len(v) == 4:
		return fmt.Sprintf("%d s", be.Uint32(v))
	}
	if mac, ok := o.ClientIDMAC(p.App.Data); ok {
		return "Ethernet " + string(appendMAC(nil, p.App.Bytes(mac.Off, mac.Len)))
	}
	return fmt.Sprintf("% x", v)
}
