package engine

import (
	"strings"

	"l7sniff/decode"
	"l7sniff/engine/identity"
)

// Flow identity. While a flow is identifying, the shard that owns it
// dissects the application bytes of its first packets (maxIdentifyPackets
// with payload, reassembled as for the dissectors) with the flow's own
// dissector state, and takes from them the name behind the flow and how
// its TLS was negotiated. It runs in the shard, on the flow's packets in
// the flow's order, so every mode (TUI, lines, --flows, IPFIX) sees the
// same identity whatever the shard count; the collector's field output
// reads it from the item, as it reads the verdict.

// maxIdentifyPackets bounds how many packets with payload a flow is
// dissected for its identity; a flow whose first unclaimedLimit packets
// with payload went to no dissector that carries a name (nor passed a
// look for a TLS, gQUIC or STUN name) stops sooner: SSH, mail, unknown
// protocols carry no name l7sniff reads.
const (
	maxIdentifyPackets = 16
	unclaimedLimit     = 3
)

// flowIdentity is what a flow is known to be so far. Only the owning
// shard writes it, and while packet sinks read it from the items, never
// in place (see setIdentity).
type flowIdentity struct {
	host, source, service   string
	alpnOffered, alpn       string
	tlsVersion, quicVersion string
}

// identifier is a flow's working state while it identifies.
type identifier struct {
	conn decode.AppConn
	// looked counts the packets dissected; tls is set once the flow
	// spoke TLS, DTLS or QUIC, serverHello once the server's choice was
	// seen (an identifying TLS flow waits for it).
	looked           int
	claimed          bool // a dissector of a protocol that names hosts took one of the packets
	tls, serverHello bool
	// dnsAnswered is set once a DNS response named the flow.
	dnsAnswered bool
	// raw dissects a TLS handshake the dissectors did not take.
	raw *rawTLS
}

// identifying reports whether the flow's packets are still dissected for
// its identity.
func (f *flow) identifying() bool { return !f.identified }

// identify dissects one packet of an identifying flow and publishes what
// it says.
func (s *shard) identify(f *flow, b *batch, it *item) {
	if it.pay.Len == 0 || (!f.key.IsIP(decode.IPProtoTCP) && !f.key.IsIP(decode.IPProtoUDP)) {
		return
	}
	st := it.asm.stream(b.asm)
	if st.Pending {
		return
	}
	w := f.idw
	if w == nil {
		w = s.newIdentifier()
		f.idw = w
	}
	if s.idPkt == nil {
		s.idPkt = new(decode.Packet)
	}
	p := s.idPkt
	st.Conn = &w.conn
	t := decode.Transport{TCP: it.isTCP, SrcPort: f.key.PortA, DstPort: f.key.PortB,
		Seq: it.tcpSeq, SegLen: it.segLen, FromA: it.fromA, Payload: it.pay, Dissect: namingLayers}
	if !it.fromA {
		t.SrcPort, t.DstPort = t.DstPort, t.SrcPort
	}
	decode.DecodeApp(it.link, b.bytes(it), it.wireLen, &t, p, &st)
	w.looked++
	w.claimed = w.claimed || namingLayer(p.App.Layer) || w.raw != nil
	if next, changed := s.learn(f, w, p, it, b.bytes(it)[it.pay.Off:it.pay.End()]); changed {
		s.setIdentity(f, &next)
	}
	id := f.ident
	named := id != nil && id.host != "" && id.source != HostSourceDNSCache
	if w.looked >= maxIdentifyPackets || !w.claimed && w.looked >= unclaimedLimit || w.dnsAnswered || named && p.App.Layer != decode.LayerDNS && (!w.tls || w.serverHello) {
		s.identified(f)
	}
}

// namingLayers are the dissectors that can name a flow (learn reads
// them). Identification runs only these: the others' messages say
// nothing learn reads, and none of them keeps per-flow state a later
// packet's dissection depends on (only TLS and QUIC do).
const namingLayers = 1<<decode.LayerTLS | 1<<decode.LayerDTLS | 1<<decode.LayerQUIC |
	1<<decode.LayerHTTP | 1<<decode.LayerDNS | 1<<decode.LayerDHCP

// namingLayer reports whether dissector l can name a flow.
func namingLayer(l decode.Layer) bool { return decode.LayerSet(namingLayers).Has(l) }

// maxFreeIdentifiers bounds the identifiers a shard keeps for reuse.
const maxFreeIdentifiers = 256

// newIdentifier returns a fresh identifier, a recycled one when the
// shard has one: its TLS and QUIC buffers are then already there.
func (s *shard) newIdentifier() *identifier {
	n := len(s.freeIDs)
	if n == 0 {
		return new(identifier)
	}
	w := s.freeIDs[n-1]
	s.freeIDs = s.freeIDs[:n-1]
	return w
}

// identified ends f's identification and lets go of its state, which the
// next flow may reuse.
func (s *shard) identified(f *flow) {
	if w := f.idw; w != nil && len(s.freeIDs) < maxFreeIdentifiers {
		w.conn.Reset()
		*w = identifier{conn: w.conn}
		s.freeIDs = append(s.freeIDs, w)
	}
	f.identified, f.idw = true, nil
	if !s.e.dissects() {
		// Reassembly ran for the identity only.
		s.releaseAll(f)
	}
}

// learn reads the dissected packet and returns the flow's identity with
// what it says, and whether that is new.
func (s *shard) learn(f *flow, w *identifier, p *decode.Packet, it *item, payload []byte) (flowIdentity, bool) {
	var cur flowIdentity
	if f.ident != nil {
		cur = *f.ident
	}
	next := cur
	weak := next.host == "" || next.source == HostSourceDNSCache
	a := &p.App
	switch a.Layer {
	case decode.LayerTLS, decode.LayerDTLS:
		w.tls = true
		s.learnTLS(&next, w, &a.TLS, HostSourceSNI)
	case decode.LayerQUIC:
		w.tls = true
		q := &a.QUIC
		for i := range q.NumPackets {
			if pk := &q.Packets[i]; pk.Long && pk.Version != 0 && next.quicVersion == "" {
				next.quicVersion = s.intern(appendHex32(s.idBuf[:0], pk.Version))
			}
		}
		s.learnTLS(&next, w, &q.TLS, HostSourceQUICSNI)
	case decode.LayerHTTP:
		if weak {
			if v, ok := httpHostField.Append(s.idBuf[:0], p); ok && len(v) > 0 {
				s.setHost(&next, hostOnly(v), HostSourceHTTPHost)
			}
		}
	case decode.LayerDNS:
		// nDPI's rule, which tools built on it show: a DNS flow is named
		// by its first query until the first response that carries
		// records, whose question names it for good. An mDNS response
		// has no question (RFC 6762 section 6): its first record's owner
		// stands for it.
		for m := range a.DNS.NumMsgs {
			msg := &a.DNS.Msgs[m]
			answered := msg.Response() && msg.NRR > 0
			if msg.NumQ == 0 && !answered || w.dnsAnswered || !answered && !weak {
				continue
			}
			name := a.DNS.RRs[msg.FirstRR].Name
			if msg.NumQ > 0 {
				name = a.DNS.Qs[msg.FirstQ].Name
			}
			s.setHost(&next, p.AppendDNSName(s.idBuf[:0], m, name), HostSourceDNSQuery)
			weak = false
			w.dnsAnswered = answered
		}
	case decode.LayerDHCP:
		if weak {
			if v, ok := dhcpNameField.Append(s.idBuf[:0], p); ok && len(v) > 0 {
				s.setHost(&next, v, HostSourceDHCP)
			}
		}
	case decode.LayerNone:
		s.learnUndissected(&next, w, it, payload, weak)
	}
	return next, next != cur
}

// learnUndissected looks for a name in payload no dissector took: a TLS
// handshake on a port tshark gives to another protocol (TLS on 8080), a
// Google QUIC client hello, a STUN REALM.
func (s *shard) learnUndissected(id *flowIdentity, w *identifier, it *item, payload []byte, weak bool) {
	if it.isTCP && (w.raw != nil || looksTLS(payload)) {
		if w.raw == nil {
			w.raw = new(rawTLS)
		}
		w.tls = true
		w.raw.conn.Feed(dir(it.fromA), it.tcpSeq, payload, 0, &w.raw.out)
		s.learnTLS(id, w, &w.raw.out, HostSourceSNI)
		return
	}
	if !weak {
		return
	}
	if !it.isTCP {
		if name, ok := identity.GQUICSNI(payload); ok {
			w.claimed = true
			s.setHost(id, name, HostSourceGQUIC)
			return
		}
	}
	if realm, stun := identity.STUNRealm(payload); stun {
		// The realm comes in the server's challenge or later.
		w.claimed = true
		if realm != nil {
			s.setHost(id, realm, HostSourceSTUN)
		}
	}
}

// rawTLS is the TLS state of a flow whose handshake no dissector took.
type rawTLS struct {
	conn decode.TLSConn
	out  decode.TLS
}

// looksTLS reports whether b starts with a TLS handshake record header.
func looksTLS(b []byte) bool {
	return len(b) >= 6 && b[0] == 0x16 && b[1] == 0x03 && b[2] <= 0x04 && b[5] == tlsClientHello
}

// httpHostField is the first Host header of an HTTP request.
var httpHostField = mustField("http.host")

// dhcpNameField is a DHCP message's client host name (option 12).
var dhcpNameField = mustField("dhcp.option.hostname")

func mustField(name string) *decode.Field {
	f, ok := decode.LookupField(name)
	if !ok {
		panic("engine: no decode field " + name)
	}
	return f
}

// learnTLS takes the name, ALPN and version from a packet's handshake
// messages.
func (s *shard) learnTLS(id *flowIdentity, w *identifier, t *decode.TLS, sni string) {
	for i := range t.NumHandshakes {
		h := &t.Handshakes[i]
		switch h.Type {
		case tlsClientHello:
			if h.SNI.Len > 0 && (id.host == "" || id.source == HostSourceDNSCache || id.source == HostSourceCert) {
				s.setHost(id, h.Bytes(h.SNI), sni)
			}
			if id.alpnOffered == "" && h.NumALPN > 0 {
				buf := s.idBuf[:0]
				for j := range h.NumALPN {
					if j > 0 {
						buf = append(buf, ',')
					}
					buf = append(buf, h.Bytes(h.ALPN[j])...)
				}
				id.alpnOffered = s.intern(buf)
			}
		case tlsServerHello:
			w.serverHello = true
			if h.NumALPN > 0 && id.alpn == "" {
				id.alpn = s.intern(h.Bytes(h.ALPN[0]))
			}
			v := h.Version
			if h.NumVersions() == 1 {
				v = h.SupportedVersion(0)
			}
			if name := tlsVersion(v); name != "" {
				id.tlsVersion = name
			}
		case tlsCertificate:
			if id.host != "" && id.source != HostSourceDNSCache {
				break
			}
			switch {
			case h.NumCertSAN > 0:
				s.setHost(id, h.Bytes(h.CertSAN[0]), HostSourceCert)
			case h.CertCN.Len > 0:
				s.setHost(id, h.Bytes(h.CertCN), HostSourceCert)
			}
		}
	}
}

// TLS handshake message types the identity reads.
const (
	tlsClientHello = 1
	tlsServerHello = 2
	tlsCertificate = 11
)

// tlsVersion names a negotiated version as the flows report shows it.
func tlsVersion(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0"
	case 0x0301:
		return "TLS 1.0"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	case 0xfeff:
		return "DTLS 1.0"
	case 0xfefd:
		return "DTLS 1.2"
	case 0xfefc:
		return "DTLS 1.3"
	}
	return ""
}

// setHost records name (lower-cased, trailing dot dropped) as the host
// and looks its service up in the engine's rules.
func (s *shard) setHost(id *flowIdentity, name []byte, source string) {
	if n := len(name); n > 0 && name[n-1] == '.' {
		name = name[:n-1]
	}
	if len(name) == 0 || len(name) > identity.MaxHostLen {
		return
	}
	low := s.hostBuf[:len(name)]
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	id.host, id.source = s.intern(low), source
	id.service, _ = s.e.services.Load().Lookup(id.host)
}

// hostOnly strips a port from an HTTP Host value ("example.com:8080",
// "[2001:db8::1]:80").
func hostOnly(v []byte) []byte {
	if len(v) > 0 && v[0] == '[' {
		if i := strings.IndexByte(string(v), ']'); i > 0 {
			return v[1:i]
		}
		return v
	}
	if i := strings.LastIndexByte(string(v), ':'); i >= 0 && strings.IndexByte(string(v[:i]), ':') < 0 {
		return v[:i]
	}
	return v
}

// appendHex32 appends v as "0x" and eight hex digits (QUIC versions are
// written so: 0x00000001, 0xff00001d).
func appendHex32(dst []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	dst = append(dst, '0', 'x')
	for sh := 28; sh >= 0; sh -= 4 {
		dst = append(dst, digits[v>>uint(sh)&0xf])
	}
	return dst
}

// maxInterned bounds a shard's table of identity strings; past it a new
// name costs its own string (each flow's published identity holds it).
const maxInterned = 16 << 10

// intern returns b as a string shared by every flow of the shard that
// carries the same bytes: a busy host or an ALPN list costs one string,
// not one per flow.
func (s *shard) intern(b []byte) string {
	if v, ok := s.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.strs) < maxInterned {
		if s.strs == nil {
			s.strs = make(map[string]string)
		}
		s.strs[v] = v
	}
	return v
}

// cachedName names a new flow from the DNS cache (the capture stage asked
// it for the flow's first packet); the flow's own packets may still say
// otherwise.
func (s *shard) cachedName(f *flow, name string) {
	id := flowIdentity{host: name, source: HostSourceDNSCache}
	id.service, _ = s.e.services.Load().Lookup(name)
	s.setIdentity(f, &id)
}

// fill copies the identity into a view.
func (id *flowIdentity) fill(v *FlowView) {
	if id == nil {
		return
	}
	v.Host, v.HostSource, v.Service = id.host, id.source, id.service
	v.ALPNOffered, v.ALPN = id.alpnOffered, id.alpn
	v.TLSVersion, v.QUICVersion = id.tlsVersion, id.quicVersion
}
