package decode

import "fmt"

// appendDNSInfo appends tshark's Info for each message, e.g.
// "Standard query response 0x4d15 A www.ntop.org CNAME x.ntop.org A 178.62.197.130 OPT".
func appendDNSInfo(p *Packet, dst []byte) []byte {
	d := &p.App.DNS
	for i := 0; i < d.NumMsgs; i++ {
		m := &d.Msgs[i]
		if i > 0 {
			dst = append(dst, " ; "...)
		}
		dst = appendDNSOpcode(dst, m.Opcode())
		if m.Response() {
			dst = append(dst, " response"...)
		}
		dst = append(dst, ' ')
		dst = appendHex(dst, uint64(m.ID), 4)
		if m.Response() && m.Rcode() != 0 {
			dst = append(dst, ' ')
			dst = appendDNSRcode(dst, m.Rcode())
		}
		for _, q := range d.Qs[m.FirstQ : m.FirstQ+m.NumQ] {
			dst = append(dst, ' ')
			dst = appendDNSType(dst, q.Type)
			dst = append(dst, ' ')
			dst = p.appendDNSName(dst, m, q.Name)
		}
		for k := range d.RRs[m.FirstRR : m.FirstRR+m.NRR] {
			dst = append(dst, ' ')
			dst = p.appendRRData(dst, m, &d.RRs[m.FirstRR+k])
		}
	}
	if d.Dropped > 0 {
		dst = append(dst, " (+"...)
		dst = appendUint(dst, uint64(d.Dropped))
		dst = append(dst, " not shown)"...)
	}
	return dst
}

// appendRRData appends a record as tshark's Info does: its type, then
// its data for the types people read ("A 93.184.216.34", "MX 10 mx.example.com").
func (p *Packet) appendRRData(dst []byte, m *DNSMsg, r *DNSRR) []byte {
	dst = appendDNSType(dst, r.Type)
	rd := p.App.Bytes(r.RData, r.RDLen)
	switch {
	case r.Type == dnsTypeA && len(rd) == 4:
		dst = append(dst, ' ')
		dst = appendIPv4(dst, rd)
	case r.Type == dnsTypeAAAA && len(rd) == 16:
		dst = append(dst, ' ')
		dst = appendIPv6(dst, [16]byte(rd))
	case r.Type == dnsTypeCNAME || r.Type == dnsTypeNS || r.Type == dnsTypePTR || r.Type == dnsTypeSOA:
		dst = append(dst, ' ')
		dst = p.appendDNSName(dst, m, r.RData)
	case r.Type == dnsTypeMX && len(rd) >= 2:
		dst = append(dst, ' ')
		dst = appendUint(dst, uint64(be.Uint16(rd)))
		dst = append(dst, ' ')
		dst = p.appendDNSName(dst, m, r.RData+2)
	case r.Type == dnsTypeSRV && len(rd) >= 6:
		for _, v := range [3]uint16{be.Uint16(rd), be.Uint16(rd[2:]), be.Uint16(rd[4:])} {
			dst = append(dst, ' ')
			dst = appendUint(dst, uint64(v))
		}
		dst = append(dst, ' ')
		dst = p.appendDNSName(dst, m, r.RData+6)
	}
	return dst
}

// dnsTree adds a node per message, with its header, questions and records.
func dnsTree(t *treeBuilder) {
	p := t.p
	d := &p.App.DNS
	for i := 0; i < d.NumMsgs; i++ {
		m := &d.Msgs[i]
		kind := "query"
		if m.Response() {
			kind = "response"
		}
		start, o := m.Off, m.Off
		if m.TCP {
			start -= 2
		}
		t.app(0, "Domain Name System", kind, start, o+m.Len-start)
		if m.TCP {
			t.app(1, "Length", fmt.Sprint(m.Len), start, 2)
		}
		t.app(1, "Transaction ID", hex16(m.ID), o, 2)
		t.app(1, "Flags", hex16(m.Flags)+" "+string(appendDNSOpcode(nil, m.Opcode())), o+2, 2)
		t.app(2, "Response", fmt.Sprint(m.Response()), o+2, 1)
		t.app(2, "Opcode", fmt.Sprint(m.Opcode()), o+2, 1)
		if m.Response() {
			t.app(2, "Authoritative", fmt.Sprint(m.Flags&dnsAA != 0), o+2, 1)
		}
		t.app(2, "Truncated", fmt.Sprint(m.Flags&dnsTC != 0), o+2, 1)
		t.app(2, "Recursion desired", fmt.Sprint(m.Flags&dnsRD != 0), o+2, 1)
		if m.Response() {
			t.app(2, "Recursion available", fmt.Sprint(m.Flags&dnsRA != 0), o+3, 1)
			t.app(2, "Reply code", string(appendDNSRcode(nil, m.Rcode()))+fmt.Sprintf(" (%d)", m.Rcode()), o+3, 1)
		}
		t.app(1, "Questions", fmt.Sprint(m.QDCount), o+4, 2)
		t.app(1, "Answer RRs", fmt.Sprint(m.ANCount), o+6, 2)
		t.app(1, "Authority RRs", fmt.Sprint(m.NSCount), o+8, 2)
		t.app(1, "Additional RRs", fmt.Sprint(m.ARCount), o+10, 2)
		for _, q := range d.Qs[m.FirstQ : m.FirstQ+m.NumQ] {
			name := string(p.appendDNSName(nil, m, q.Name))
			t.app(1, "Query", fmt.Sprintf("%s: type %s, class %s", name, appendDNSType(nil, q.Type), dnsClassName(q.Class)), q.Name, q.NameLen+4)
			t.app(2, "Name", name, q.Name, q.NameLen)
			t.app(2, "Type", fmt.Sprintf("%s (%d)", appendDNSType(nil, q.Type), q.Type), q.Name+q.NameLen, 2)
			t.app(2, "Class", dnsClassName(q.Class), q.Name+q.NameLen+2, 2)
		}
		for k := range d.RRs[m.FirstRR : m.FirstRR+m.NRR] {
			t.dnsRR(m, &d.RRs[m.FirstRR+k])
		}
	}
}

var dnsSectionNames = [...]string{DNSAnswer: "Answer", DNSAuthority: "Authority", DNSAdditional: "Additional"}

func (t *treeBuilder) dnsRR(m *DNSMsg, r *DNSRR) {
	p := t.p
	name := string(p.appendDNSName(nil, m, r.Name))
	data := string(p.appendRRData(nil, m, r))
	t.app(1, dnsSectionNames[r.Section], name+": "+data, r.Name, r.RData+r.RDLen-r.Name)
	t.app(2, "Name", name, r.Name, r.NameLen)
	o := r.Name + r.NameLen
	t.app(2, "Type", fmt.Sprintf("%s (%d)", appendDNSType(nil, r.Type), r.Type), o, 2)
	if r.Type == dnsTypeOPT {
		t.app(2, "UDP payload size", fmt.Sprint(r.Class), o+2, 2)
	} else {
		t.app(2, "Class", dnsClassName(r.Class), o+2, 2)
		t.app(2, "Time to live", fmt.Sprint(r.TTL), o+4, 4)
	}
	t.app(2, "Data length", fmt.Sprint(r.RDLen), o+8, 2)
	if r.RDLen > 0 {
		t.app(2, "Data", data, r.RData, r.RDLen)
	}
}
