package decode

// dnsMsg returns the packet's DNS message i.
func (p *Packet) dnsMsg(i int) (*DNSMsg, bool) {
	d := &p.App.DNS
	if p.App.Layer != LayerDNS || i < 0 || i >= d.NumMsgs {
		return nil, false
	}
	return &d.Msgs[i], true
}

// dnsMsgIf returns the i-th DNS message for which keep holds: tshark
// shows some header fields only in responses.
func (p *Packet) dnsMsgIf(i int, keep func(*DNSMsg) bool) (*DNSMsg, bool) {
	for k := 0; ; k++ {
		m, ok := p.dnsMsg(k)
		if !ok {
			return nil, false
		}
		if keep(m) {
			if i == 0 {
				return m, true
			}
			i--
		}
	}
}

func (p *Packet) dnsQ(i int) (*DNSQuestion, bool) {
	d := &p.App.DNS
	if p.App.Layer != LayerDNS || i < 0 || i >= d.NumQs {
		return nil, false
	}
	return &d.Qs[i], true
}

// dnsRR returns the i-th resource record for which keep holds.
func (p *Packet) dnsRR(i int, keep func(*DNSRR) bool) (*DNSRR, bool) {
	d := &p.App.DNS
	if p.App.Layer != LayerDNS {
		return nil, false
	}
	for k := 0; k < d.NumRRs; k++ {
		if r := &d.RRs[k]; keep(r) {
			if i == 0 {
				return r, true
			}
			i--
		}
	}
	return nil, false
}

// appendDNSName appends the name at pos as tshark prints it: labels
// joined by dots, odd bytes escaped, "<Root>" for the root.
func (p *Packet) appendDNSName(dst []byte, msg *DNSMsg, pos int) []byte {
	b := p.App.Data[:msg.Off+msg.Len]
	if _, st := walkDNSName(b, msg.Off, pos, nil); st == nameTooLong {
		return append(dst, "<Name too long>"...)
	}
	n := len(dst)
	walkDNSName(b, msg.Off, pos, func(l []byte) {
		if len(dst) > n {
			dst = append(dst, '.')
		}
		dst = appendText(dst, l)
	})
	if len(dst) == n {
		dst = append(dst, "<Root>"...)
	}
	return dst
}

func (p *Packet) dnsMsgOf(msg int) *DNSMsg { return &p.App.DNS.Msgs[msg] }

// dnsFlagField is a header flag, for every message or (responses) only
// in responses, as tshark shows it.
func dnsFlagField(name, desc string, bit uint16, responses bool) Field {
	return nthDecField(name, desc, func(p *Packet, i int) (uint64, bool) {
		m, ok := p.dnsMsgIf(i, func(m *DNSMsg) bool { return !responses || m.Response() })
		if !ok {
			return 0, false
		}
		return b2u(m.Flags&bit != 0), true
	})
}

func dnsHeaderField(name, desc string, v func(m *DNSMsg) uint64) Field {
	return nthDecField(name, desc, func(p *Packet, i int) (uint64, bool) {
		m, ok := p.dnsMsg(i)
		if !ok {
			return 0, false
		}
		return v(m), true
	})
}

// dnsRRName is a field holding a name: the owner name of the records keep
// selects, or (rdata) the name their data holds at offset skip.
func dnsRRName(name, desc string, keep func(*DNSRR) bool, rdata bool, skip int) Field {
	return nthField(name, desc, func(p *Packet, i int, dst []byte) ([]byte, bool) {
		r, ok := p.dnsRR(i, keep)
		if !ok {
			return dst, false
		}
		at := r.Name
		if rdata {
			at = r.RData + skip
		}
		return p.appendDNSName(dst, p.dnsMsgOf(r.Msg), at), true
	})
}

func dnsRRNum(name, desc string, keep func(*DNSRR) bool, v func(*DNSRR) uint64) Field {
	return nthDecField(name, desc, func(p *Packet, i int) (uint64, bool) {
		r, ok := p.dnsRR(i, keep)
		if !ok {
			return 0, false
		}
		return v(r), true
	})
}

func dnsType(t uint16) func(*DNSRR) bool {
	return func(r *DNSRR) bool { return r.Type == t }
}

func anyRR(*DNSRR) bool { return true }

func notOPT(r *DNSRR) bool { return r.Type != dnsTypeOPT }

var dnsFields = []Field{
	nthHexField("dns.id", "DNS transaction id", 4, func(p *Packet, i int) (uint64, bool) {
		m, ok := p.dnsMsg(i)
		if !ok {
			return 0, false
		}
		return uint64(m.ID), true
	}),
	nthHexField("dns.flags", "DNS flags", 4, func(p *Packet, i int) (uint64, bool) {
		m, ok := p.dnsMsg(i)
		if !ok {
			return 0, false
		}
		return uint64(m.Flags), true
	}),
	dnsFlagField("dns.flags.response", "DNS message is a response", dnsQR, false),
	dnsHeaderField("dns.flags.opcode", "DNS opcode", func(m *DNSMsg) uint64 { return uint64(m.Opcode()) }),
	dnsFlagField("dns.flags.authoritative", "DNS authoritative answer", dnsAA, true),
	dnsFlagField("dns.flags.truncated", "DNS message truncated", dnsTC, false),
	dnsFlagField("dns.flags.recdesired", "DNS recursion desired", dnsRD, false),
	dnsFlagField("dns.flags.recavail", "DNS recursion available", dnsRA, true),
	dnsFlagField("dns.flags.z", "DNS reserved bit", dnsZ, false),
	dnsFlagField("dns.flags.authenticated", "DNS answer authenticated", dnsAD, true),
	dnsFlagField("dns.flags.checkdisable", "DNS checking disabled", dnsCD, false),
	nthDecField("dns.flags.rcode", "DNS response code", func(p *Packet, i int) (uint64, bool) {
		m, ok := p.dnsMsgIf(i, (*DNSMsg).Response)
		if !ok {
			return 0, false
		}
		return uint64(m.Rcode()), true
	}),
	dnsHeaderField("dns.count.queries", "DNS questions", func(m *DNSMsg) uint64 { return uint64(m.QDCount) }),
	dnsHeaderField("dns.count.answers", "DNS answer records", func(m *DNSMsg) uint64 { return uint64(m.ANCount) }),
	dnsHeaderField("dns.count.auth_rr", "DNS authority records", func(m *DNSMsg) uint64 { return uint64(m.NSCount) }),
	dnsHeaderField("dns.count.add_rr", "DNS additional records", func(m *DNSMsg) uint64 { return uint64(m.ARCount) }),

	nthField("dns.qry.name", "DNS question name", func(p *Packet, i int, dst []byte) ([]byte, bool) {
		q, ok := p.dnsQ(i)
		if !ok {
			return dst, false
		}
		return p.appendDNSName(dst, p.dnsMsgOf(q.Msg), q.Name), true
	}),
	nthDecField("dns.qry.type", "DNS question type", func(p *Packet, i int) (uint64, bool) {
		q, ok := p.dnsQ(i)
		if !ok {
			return 0, false
		}
		return uint64(q.Type), true
	}),
	nthHexField("dns.qry.class", "DNS question class", 4, func(p *Packet, i int) (uint64, bool) {
		q, ok := p.dnsQ(i)
		if !ok {
			return 0, false
		}
		return uint64(q.Class), true
	}),

	// tshark splits an SRV record's owner name into dns.srv.service,
	// .proto and .name instead.
	dnsRRName("dns.resp.name", "DNS record owner name (every section; not SRV)", func(r *DNSRR) bool { return r.Type != dnsTypeSRV }, false, 0),
	dnsRRNum("dns.resp.type", "DNS record type", anyRR, func(r *DNSRR) uint64 { return uint64(r.Type) }),
	nthHexField("dns.resp.class", "DNS record class (not OPT)", 4, func(p *Packet, i int) (uint64, bool) {
		r, ok := p.dnsRR(i, notOPT)
		if !ok {
			return 0, false
		}
		return uint64(r.Class), true
	}),
	dnsRRNum("dns.resp.ttl", "DNS record time to live (not OPT)", notOPT, func(r *DNSRR) uint64 { return uint64(r.TTL) }),
	dnsRRNum("dns.resp.len", "DNS record data length", anyRR, func(r *DNSRR) uint64 { return uint64(r.RDLen) }),
	nthField("dns.a", "DNS IPv4 address (A record)", func(p *Packet, i int, dst []byte) ([]byte, bool) {
		r, ok := p.dnsRR(i, func(r *DNSRR) bool { return r.Type == dnsTypeA && r.RDLen == 4 })
		if !ok {
			return dst, false
		}
		return appendIPv4(dst, p.App.Bytes(r.RData, 4)), true
	}),
	nthField("dns.aaaa", "DNS IPv6 address (AAAA record)", func(p *Packet, i int, dst []byte) ([]byte, bool) {
		r, ok := p.dnsRR(i, func(r *DNSRR) bool { return r.Type == dnsTypeAAAA && r.RDLen == 16 })
		if !ok {
			return dst, false
		}
		return appendIPv6(dst, [16]byte(p.App.Bytes(r.RData, 16))), true
	}),
	dnsRRName("dns.cname", "DNS canonical name (CNAME record)", dnsType(dnsTypeCNAME), true, 0),
	dnsRRName("dns.ns", "DNS name server (NS record)", dnsType(dnsTypeNS), true, 0),
	dnsRRName("dns.ptr.domain_name", "DNS pointer (PTR record)", dnsType(dnsTypePTR), true, 0),
	nthDecField("dns.mx.preference", "DNS mail exchange preference (MX record)", func(p *Packet, i int) (uint64, bool) {
		r, ok := p.dnsRR(i, func(r *DNSRR) bool { return r.Type == dnsTypeMX && r.RDLen >= 2 })
		if !ok {
			return 0, false
		}
		return uint64(be.Uint16(p.App.Bytes(r.RData, 2))), true
	}),
	dnsRRName("dns.mx.mail_exchange", "DNS mail exchange (MX record)", func(r *DNSRR) bool { return r.Type == dnsTypeMX && r.RDLen >= 2 }, true, 2),
}

// AppendDNSName appends the name at offset pos of App.Data, inside message
// msg (an index in App.DNS.Msgs), as the dns.* fields print it. The
// engine uses it to name flows (the question of a DNS flow, the answers
// its DNS cache records) without a second copy of the name walker.
func (p *Packet) AppendDNSName(dst []byte, msg, pos int) []byte {
	if msg < 0 || msg >= p.App.DNS.NumMsgs {
		return dst
	}
	return p.appendDNSName(dst, p.dnsMsgOf(msg), pos)
}
