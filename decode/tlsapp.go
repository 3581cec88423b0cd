package decode

import (
	"fmt"
	"slices"
)

// The TLS and DTLS dissectors' place in the application framework (app.go).

func init() {
	register(&dissector{
		layer: LayerTLS,
		// tshark 4.0's TLS ports (TLSPort): every segment there is TLS,
		// continuation data included. Elsewhere a Hello record at a
		// message start (STARTTLS, HTTP CONNECT, SOCKS, MySQL and RDP
		// hand TLS over mid-connection), after which the flow stays TLS
		// (AppConn).
		tcpPorts:  tlsPorts[:],
		heuristic: func(b []byte, tcp, _ bool) bool { return tcp && LooksLikeTLSHello(b) },
		split:     splitTLS,
		dissect:   dissectTLS,
		info:      appendTLSInfo,
		tree:      tlsTree,
		fields:    tlsFields,
	})
	register(&dissector{
		layer:     LayerDTLS,
		heuristic: func(b []byte, tcp, _ bool) bool { return sniffDTLS(b, tcp) },
		dissect:   dissectDTLS,
		info:      appendTLSInfo,
		tree:      tlsTree,
	})
}

// sniffDTLS accepts a DTLS record whose length fits the datagram.
func sniffDTLS(b []byte, tcp bool) bool {
	return !tcp && LooksLikeDTLS(b) && int(be.Uint16(b[11:])) <= len(b)-dtlsRecordLen
}

// splitTLS frames TLS records for TCP reassembly: whole is the length of
// the complete records at b's start, more says a record the dissector
// reads is cut at the end. Application data records (up to 16 KiB, often
// past the reassembly bound) are not held: TLSConn follows them across
// segments by their length alone. Bytes that are no record header are
// whole: they are not held back either.
func splitTLS(b []byte) (whole int, more bool) {
	off := 0
	for len(b)-off >= 5 {
		if !validTLSContentType(b[off]) || int(be.Uint16(b[off+3:])) > tlsMaxRecordLen {
			return len(b), false
		}
		n := 5 + int(be.Uint16(b[off+3:]))
		if len(b)-off < n {
			if b[off] == TLSContentApplicationData {
				return len(b), false
			}
			return off, true
		}
		off += n
	}
	return off, off < len(b)
}

// tlsOwnedPorts are TCP ports tshark 4.0 gives to dissectors l7sniff does
// not have and that do not hand over to TLS: BitTorrent's.
var tlsOwnedPorts = [...]uint16{6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889}

// tlsRefused reports whether a Hello found by the heuristic off the TLS
// ports is not TLS to tshark. tshark tries a port's own dissector first
// and its TLS heuristic only on ports nobody owns; an owner (HTTP, SMTP,
// MySQL, SOCKS, ...) hands over to TLS only after its own exchange. So a
// flow that starts with a Hello on an owned port is not TLS at all. Only
// the flow's state can tell; without it the Hello is taken.
func tlsRefused(p *Packet) bool {
	a := p.App.conn
	if a == nil || a.layer == LayerTLS || TLSPort(p.TCP.SrcPort) || TLSPort(p.TCP.DstPort) {
		return false
	}
	if a.notTLS {
		return true
	}
	owned := func(port uint16) bool {
		return byPort(true, port) != nil || slices.Contains(tlsOwnedPorts[:], port)
	}
	if !a.earlier && (owned(p.TCP.SrcPort) || owned(p.TCP.DstPort)) {
		a.notTLS = true
		return true
	}
	return false
}

func dissectTLS(p *Packet, _ bool) {
	if tlsRefused(p) {
		p.App.Layer, p.App.Data = LayerNone, nil
		p.Layers &^= 1 << LayerTLS
		return
	}
	c := p.tlsConn()
	if p.App.conn != nil {
		p.App.conn.layer = LayerTLS
	}
	t := &p.App.TLS
	// The sequence number of App.Data[0]: reassembled bytes start before
	// this segment's payload.
	seq := p.TCP.Seq + uint32(p.App.base-p.Payload.Off)
	c.Feed(p.dir(), seq, p.App.Data, 0, t)
	tlsProblems(p, t, LayerTLS)
}

func dissectDTLS(p *Packet, _ bool) {
	t := &p.App.TLS
	DissectDTLS(p.App.Data, 0, t)
	tlsProblems(p, t, LayerDTLS)
}

// tlsProblems records the first malformed or cut handshake message.
func tlsProblems(p *Packet, t *TLS, l Layer) {
	for i := range t.Handshakes[:t.NumHandshakes] {
		h := &t.Handshakes[i]
		switch {
		case h.Malformed:
			p.fail(l, Malformed, h.Msg.Off, 0)
		case h.Truncated:
			p.fail(l, ShortMessage, h.Msg.Len, 4+h.Length)
		}
	}
}

// dir is 0 for packets from the flow key's endpoint A, 1 for the others.
func (p *Packet) dir() int {
	if p.FromA {
		return 0
	}
	return 1
}

// appendTLSInfo appends tshark-like Info: the handshake messages ("Client
// Hello (SNI=example.com)", "Server Hello", "Certificate"), alerts,
// "Change Cipher Spec", "Application Data".
func appendTLSInfo(p *Packet, dst []byte) []byte {
	t := &p.App.TLS
	n := 0
	sep := func() {
		if n > 0 {
			dst = append(dst, ", "...)
		}
		n++
	}
	hs := 0
	for i := range t.Records[:t.NumRecords] {
		r := &t.Records[i]
		switch {
		case r.ContentType == TLSContentHandshake && !r.Encrypted:
			for ; hs < t.NumHandshakes; hs++ {
				sep()
				dst = t.Handshakes[hs].appendInfo(dst)
			}
		case r.ContentType == TLSContentAlert && !r.Encrypted:
		case r.ContentType == TLSContentHandshake:
			sep()
			dst = append(dst, "Encrypted Handshake Message"...)
		default:
			if n > 0 && r.ContentType == TLSContentApplicationData && i > 0 &&
				t.Records[i-1].ContentType == TLSContentApplicationData {
				continue // tshark names a run of data records once
			}
			sep()
			dst = append(dst, tlsContentName(r.ContentType)...)
		}
	}
	for _, a := range t.Alerts[:t.NumAlerts] {
		sep()
		dst = append(dst, "Alert ("...)
		dst = append(dst, tlsAlertLevel(a.Level)...)
		dst = append(dst, ", "...)
		dst = append(dst, tlsAlertName(a.Description)...)
		dst = append(dst, ')')
	}
	if n == 0 {
		dst = append(dst, "Continuation Data"...)
	}
	return dst
}

// appendInfo appends one handshake message's Info part.
func (h *TLSHandshake) appendInfo(dst []byte) []byte {
	dst = append(dst, tlsHandshakeName(h.Type)...)
	if h.SNI.Len > 0 {
		dst = append(dst, " (SNI="...)
		dst = appendText(dst, h.Bytes(h.SNI))
		dst = append(dst, ')')
	}
	if h.CertCN.Len > 0 {
		dst = append(dst, " (CN="...)
		dst = appendText(dst, h.Bytes(h.CertCN))
		dst = append(dst, ')')
	}
	return dst
}

// tlsTree adds a node per record and one per handshake message.
func tlsTree(t *treeBuilder) {
	tl := &t.p.App.TLS
	name := "Transport Layer Security"
	if tl.DTLS {
		name = "Datagram Transport Layer Security"
	}
	for i := range tl.Records[:tl.NumRecords] {
		r := &tl.Records[i]
		off, hl := r.Off, 5
		if tl.DTLS {
			hl = dtlsRecordLen
		}
		label := "Record: " + tlsContentName(r.ContentType)
		if r.Encrypted && r.ContentType == TLSContentHandshake {
			label = "Record: Encrypted Handshake Message"
		}
		if off < 0 {
			// The header came in an earlier segment: nothing of this
			// frame to highlight for it.
			t.nodes = append(t.nodes, Node{Depth: 0, Label: name, Value: label})
			continue
		}
		t.app(0, name, label, off, hl+r.Length)
		if r.Opaque {
			t.app(1, "Opaque Type", fmt.Sprint(r.ContentType), off, 1)
		} else {
			t.app(1, "Content Type", fmt.Sprintf("%s (%d)", tlsContentName(r.ContentType), r.ContentType), off, 1)
		}
		t.app(1, "Version", tlsVersionName(r.Version), off+1, 2)
		t.app(1, "Length", fmt.Sprint(r.Length), off+hl-2, 2)
	}
	for i := range tl.Handshakes[:tl.NumHandshakes] {
		tlsHandshakeTree(t, name, &tl.Handshakes[i])
	}
	for _, a := range tl.Alerts[:tl.NumAlerts] {
		t.app(0, name, "Alert", a.Off, 2)
		t.app(1, "Level", tlsAlertLevel(a.Level), a.Off, 1)
		t.app(1, "Description", tlsAlertName(a.Description), a.Off+1, 1)
	}
}

// tlsHandshakeTree adds a handshake message's node and fields.
func tlsHandshakeTree(t *treeBuilder, proto string, h *TLSHandshake) {
	node := func(depth int, label, value string, r Range) {
		if fr, ok := h.DataRange(r); ok && r.Len > 0 {
			t.app(depth, label, value, fr.Off, fr.Len)
			return
		}
		t.nodes = append(t.nodes, Node{Depth: depth, Label: label, Value: value})
	}
	text := func(r Range) string { return string(appendText(nil, h.Bytes(r))) }
	value := tlsHandshakeName(h.Type)
	if h.Truncated {
		value += " [truncated]"
	}
	node(0, proto, "Handshake: "+value, h.Msg)
	node(1, "Handshake Type", fmt.Sprintf("%s (%d)", tlsHandshakeName(h.Type), h.Type), Range{h.Msg.Off, 1})
	node(1, "Length", fmt.Sprint(h.Length), Range{h.Msg.Off + 1, 3})
	if h.VersionOff > 0 {
		node(1, "Version", tlsVersionName(h.Version), Range{h.VersionOff, 2})
	}
	if n := h.NumCiphers(); n > 0 {
		label := "Cipher Suites"
		if h.Type == TLSServerHello {
			label = "Cipher Suite"
		}
		node(1, label, fmt.Sprintf("%d", n), h.Ciphers)
		for i := range n {
			node(2, "Cipher Suite", hex16(h.Cipher(i)), Range{h.Ciphers.Off + 2*i, 2})
		}
	}
	if h.SNI.Len > 0 {
		node(1, "Server Name", text(h.SNI), h.SNI)
	}
	for _, r := range h.ALPN[:h.NumALPN] {
		node(1, "ALPN Next Protocol", text(r), r)
	}
	for i := range h.NumVersions() {
		node(1, "Supported Version", tlsVersionName(h.SupportedVersion(i)), Range{h.Versions.Off + 2*i, 2})
	}
	for i, g := range h.KeyShares[:h.NumKeyShares] {
		node(1, "Key Share Group", tlsGroupName(g), Range{h.KeyShareOff[i], 2})
	}
	if h.CertCN.Len > 0 {
		node(1, "Subject Common Name", text(h.CertCN), h.CertCN)
	}
	for _, r := range h.CertSAN[:h.NumCertSAN] {
		node(1, "Subject Alt Name (DNS)", text(r), r)
	}
	if h.Dropped > 0 {
		node(1, "Not shown", fmt.Sprintf("%d list entries past the bound", h.Dropped), Range{})
	}
}
