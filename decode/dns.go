package decode

// DNS (RFC 1035) over UDP and TCP, and the protocols that share its wire
// format: mDNS (RFC 6762, port 5353) and LLMNR (RFC 4795, port 5355).
// Names are not copied: each is kept as the offset where it starts, and
// printing walks its labels and compression pointers again, so decoding
// allocates nothing.

// DNS is the DNS state of a packet: its messages (several only over TCP,
// where a segment can carry more than one), and every question and
// resource record of all of them in wire order.
type DNS struct {
	Msgs    [maxDNSMsgs]DNSMsg
	NumMsgs int
	Qs      [maxDNSQuestions]DNSQuestion
	NumQs   int
	RRs     [maxDNSRRs]DNSRR
	NumRRs  int
	// Dropped counts questions and records past the arrays' room: they
	// are on the wire but not shown.
	Dropped int
}

// Bounds of the DNS state. A DNS message over UDP rarely has more than
// a few dozen records; these hold the largest in the corpus.
const (
	maxDNSMsgs      = 4
	maxDNSQuestions = 16
	maxDNSRRs       = 96
)

// DNSMsg is one DNS message. Off and Len span the header and body in
// App.Data (without TCP's length prefix).
type DNSMsg struct {
	Off, Len                   int
	TCP                        bool // carried over TCP: a 2-byte length precedes Off
	ID, Flags                  uint16
	QDCount, ANCount           uint16
	NSCount, ARCount           uint16
	FirstQ, NumQ, FirstRR, NRR int // its questions and records in DNS.Qs and DNS.RRs
}

// DNS header flag bits.
const (
	dnsQR = 1 << 15
	dnsAA = 1 << 10
	dnsTC = 1 << 9
	dnsRD = 1 << 8
	dnsRA = 1 << 7
	dnsZ  = 1 << 6
	dnsAD = 1 << 5
	dnsCD = 1 << 4
)

// Response reports whether the message is a response (QR set).
func (m *DNSMsg) Response() bool { return m.Flags&dnsQR != 0 }

// Opcode is the message's opcode (0 standard query).
func (m *DNSMsg) Opcode() int { return int(m.Flags>>11) & 0xf }

// Rcode is the response code (0 no error, 3 no such name).
func (m *DNSMsg) Rcode() int { return int(m.Flags & 0xf) }

// DNSQuestion is one entry of a question section.
type DNSQuestion struct {
	Msg         int // index in DNS.Msgs
	Name        int // offset of the name in App.Data
	NameLen     int // bytes the name takes where it is written
	Type, Class uint16
}

// DNSRR is one resource record of an answer, authority or additional
// section.
type DNSRR struct {
	Msg         int
	Section     DNSSection
	Name        int // offset of the owner name in App.Data
	NameLen     int
	Type, Class uint16
	TTL         uint32
	RData       int // offset of the record data in App.Data
	RDLen       int
}

// DNSSection says where a resource record was.
type DNSSection uint8

// Sections of a DNS message.
const (
	DNSAnswer DNSSection = iota
	DNSAuthority
	DNSAdditional
)

// Record types with their own fields or Info text.
const (
	dnsTypeA     = 1
	dnsTypeNS    = 2
	dnsTypeCNAME = 5
	dnsTypeSOA   = 6
	dnsTypePTR   = 12
	dnsTypeMX    = 15
	dnsTypeTXT   = 16
	dnsTypeAAAA  = 28
	dnsTypeSRV   = 33
	dnsTypeOPT   = 41
)

const dnsHeaderLen = 12

func init() {
	register(&dissector{
		layer: LayerDNS,
		// tshark 4.0: dns.tcp.port and dns.udp.port 53, mdns 5353,
		// llmnr 5355 (UDP only).
		tcpPorts: []uint16{53, 5353},
		udpPorts: []uint16{53, 5353, 5355},
		sniff:    sniffDNS,
		heuristic: func(b []byte, tcp, cut bool) bool {
			return !tcp && dnsWellFormed(b, cut)
		},
		split:   splitDNS,
		dissect: dissectDNS,
		info:    appendDNSInfo,
		tree:    dnsTree,
		fields:  dnsFields,
	})
}

// sniffDNS checks that b can start a DNS message: a whole header (after
// the length prefix over TCP).
func sniffDNS(b []byte, tcp bool) bool {
	if tcp {
		return len(b) >= 2+dnsHeaderLen || len(b) >= 2 && int(be.Uint16(b)) >= dnsHeaderLen
	}
	return len(b) >= dnsHeaderLen
}

// dnsWellFormed is the check that claims a UDP datagram on any port for
// DNS (tshark decodes, for one, DNSCrypt's certificate queries on port
// 443 as DNS): one question, a known opcode, every name and record
// whole, and nothing after the last record. The last record's data may
// run past the datagram's end when the datagram is cut (the first IP
// fragment of a padded EDNS query, say).
func dnsWellFormed(b []byte, cut bool) bool {
	if len(b) < dnsHeaderLen || be.Uint16(b[4:]) != 1 {
		return false
	}
	switch op := b[2] >> 3 & 0xf; {
	case op > 5 || op == 3:
		return false
	case b[3]&0x40 != 0: // Z
		return false
	}
	rrs := int(be.Uint16(b[6:])) + int(be.Uint16(b[8:])) + int(be.Uint16(b[10:]))
	pos := dnsHeaderLen
	for i := 0; i <= rrs; i++ {
		n, st := walkDNSName(b, 0, pos, nil)
		fixed := 4
		if i > 0 {
			fixed = 10
		}
		if st != nameOK || len(b)-pos-n < fixed {
			return false
		}
		pos += n + fixed
		if i > 0 {
			pos += int(be.Uint16(b[pos-2:]))
		}
		if pos > len(b) {
			return cut && i == rrs
		}
	}
	return pos == len(b)
}

// splitDNS frames DNS over TCP: each message follows its 2-byte length.
func splitDNS(b []byte) (whole int, more bool) {
	for whole < len(b) {
		if len(b)-whole < 2 {
			return whole, true
		}
		n := 2 + int(be.Uint16(b[whole:]))
		if len(b)-whole < n {
			return whole, true
		}
		whole += n
	}
	return whole, false
}

// dissectDNS decodes every message in App.Data.
func dissectDNS(p *Packet, tcp bool) {
	d := &p.App.DNS
	d.NumMsgs, d.NumQs, d.NumRRs, d.Dropped = 0, 0, 0, 0
	b := p.App.Data
	if !tcp {
		p.dnsMessage(0, len(b), false)
		return
	}
	for off := 0; off < len(b) && d.NumMsgs < maxDNSMsgs; {
		if len(b)-off < 2 {
			p.fail(LayerDNS, Truncated, len(b)-off, 2)
			return
		}
		n := int(be.Uint16(b[off:]))
		end := off + 2 + n
		if end > len(b) {
			p.fail(LayerDNS, ShortMessage, len(b)-off-2, n)
			end = len(b)
		}
		p.dnsMessage(off+2, end, true)
		off = end
	}
}

// dnsMessage decodes the message in App.Data[off:end].
func (p *Packet) dnsMessage(off, end int, tcp bool) {
	d := &p.App.DNS
	b := p.App.Data[:end]
	if len(b)-off < dnsHeaderLen {
		p.fail(LayerDNS, Truncated, len(b)-off, dnsHeaderLen)
		return
	}
	h := b[off:]
	m := &d.Msgs[d.NumMsgs]
	*m = DNSMsg{
		Off: off, Len: end - off, TCP: tcp,
		ID: be.Uint16(h[0:]), Flags: be.Uint16(h[2:]),
		QDCount: be.Uint16(h[4:]), ANCount: be.Uint16(h[6:]),
		NSCount: be.Uint16(h[8:]), ARCount: be.Uint16(h[10:]),
		FirstQ: d.NumQs, FirstRR: d.NumRRs,
	}
	msg := d.NumMsgs
	d.NumMsgs++
	pos := off + dnsHeaderLen
	for i := 0; i < int(m.QDCount); i++ {
		n, ok := p.dnsName(b, off, pos)
		if !ok || end-pos-n < 4 {
			p.fail(LayerDNS, ShortMessage, end-pos, n+4)
			return
		}
		if d.NumQs < maxDNSQuestions {
			d.Qs[d.NumQs] = DNSQuestion{Msg: msg, Name: pos, NameLen: n,
				Type: be.Uint16(b[pos+n:]), Class: be.Uint16(b[pos+n+2:])}
			d.NumQs++
			m.NumQ++
		} else {
			d.Dropped++
		}
		pos += n + 4
	}
	sections := [3]struct {
		s DNSSection
		n uint16
	}{{DNSAnswer, m.ANCount}, {DNSAuthority, m.NSCount}, {DNSAdditional, m.ARCount}}
	for _, sec := range sections {
		for i := 0; i < int(sec.n); i++ {
			n, ok := p.dnsName(b, off, pos)
			if !ok || end-pos-n < 10 {
				p.fail(LayerDNS, ShortMessage, end-pos, n+10)
				return
			}
			r := b[pos+n:]
			rr := DNSRR{Msg: msg, Section: sec.s, Name: pos, NameLen: n,
				Type: be.Uint16(r), Class: be.Uint16(r[2:]), TTL: be.Uint32(r[4:]),
				RData: pos + n + 10, RDLen: int(be.Uint16(r[8:]))}
			if rr.RData+rr.RDLen > end {
				p.fail(LayerDNS, ShortMessage, end-rr.RData, rr.RDLen)
				return
			}
			if d.NumRRs < maxDNSRRs {
				d.RRs[d.NumRRs] = rr
				d.NumRRs++
				m.NRR++
			} else {
				d.Dropped++
			}
			pos = rr.RData + rr.RDLen
		}
	}
}

// Name limits: RFC 1035 caps a name at 255 bytes, and a name can follow
// at most as many pointers as there are bytes before it; the cap on jumps
// stops a loop of pointers far sooner.
const (
	dnsMaxName  = 255
	dnsMaxJumps = 64
)

// nameStatus is what walking a name found.
type nameStatus uint8

const (
	nameOK        nameStatus = iota
	nameTooLong              // whole, but longer than 255 bytes: shown as tshark's "<Name too long>"
	nameTruncated            // runs past the message
	nameLoop                 // compression pointers loop, or an unknown label type
)

// dnsName checks the name at pos of the message starting at msg and
// returns how many bytes it takes in place (up to and including its
// terminating zero or its first pointer). A name that is cut short or
// loops is a problem; one that is too long is not (tshark carries on).
func (p *Packet) dnsName(b []byte, msg, pos int) (int, bool) {
	n, st := walkDNSName(b, msg, pos, nil)
	if st == nameLoop {
		p.fail(LayerDNS, Malformed, pos-msg, 0)
	}
	return n, st == nameOK || st == nameTooLong
}

// walkDNSName follows the name at pos, calling label for each label when
// it is not nil (until the name grows too long). It returns the name's
// in-place length and what it found.
func walkDNSName(b []byte, msg, pos int, label func([]byte)) (n int, st nameStatus) {
	n = -1
	start, total, jumps := pos, 0, 0
	for {
		if pos >= len(b) {
			return max(n, 0), nameTruncated
		}
		l := int(b[pos])
		switch {
		case l == 0:
			if n < 0 {
				n = pos + 1 - start
			}
			return n, st
		case l&0xc0 == 0xc0:
			if pos+1 >= len(b) {
				return max(n, 0), nameTruncated
			}
			if n < 0 {
				n = pos + 2 - start
			}
			if jumps++; jumps > dnsMaxJumps {
				return n, nameLoop
			}
			pos = msg + int(be.Uint16(b[pos:])&0x3fff)
		case l&0xc0 != 0:
			// 0x40 and 0x80 are extended label types no one deployed.
			return max(n, 0), nameLoop
		default:
			if pos+1+l > len(b) {
				return max(n, 0), nameTruncated
			}
			if total += l + 1; total > dnsMaxName {
				st = nameTooLong
			}
			if label != nil && st == nameOK {
				label(b[pos+1 : pos+1+l])
			}
			pos += 1 + l
		}
	}
}
