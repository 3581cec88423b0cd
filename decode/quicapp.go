package decode

import "fmt"

// The QUIC dissector's place in the application framework (app.go).

func init() {
	register(&dissector{
		layer: LayerQUIC,
		// tshark 4.0: UDP 443, and its heuristic for long headers of the
		// versions it knows on any port; a flow it claimed stays QUIC, so
		// its short headers follow.
		udpPorts:  []uint16{443},
		sniff:     sniffQUIC,
		heuristic: func(b []byte, tcp, _ bool) bool { return sniffQUIC(b, tcp) },
		dissect:   dissectQUIC,
		info:      appendQUICInfo,
		tree:      quicTree,
		fields:    quicFields,
	})
}

func sniffQUIC(b []byte, tcp bool) bool { return !tcp && LooksLikeQUIC(b) }

func dissectQUIC(p *Packet, _ bool) {
	c := p.quicConn()
	if p.App.conn != nil {
		p.App.conn.layer = LayerQUIC
	}
	q := &p.App.QUIC
	c.Dissect(p.App.Data, 0, q)
	for i := range q.Packets[:q.NumPackets] {
		switch q.Packets[i].Problem {
		case QUICTruncated:
			p.fail(LayerQUIC, ShortMessage, q.Packets[i].Len, 0)
		case QUICBadFrame:
			p.fail(LayerQUIC, Malformed, q.Packets[i].Off, 0)
		}
	}
	tlsProblems(p, &q.TLS, LayerQUIC)
}

// quicTypeNames are the long packet types in v1 numbering.
var quicTypeNames = [4]string{QUICInitial: "Initial", QUIC0RTT: "0-RTT", QUICHandshake: "Handshake", QUICRetry: "Retry"}

// appendQUICInfo appends tshark-like Info per packet, e.g.
// "Initial, DCID=0123abcd, SCID=…, PKN: 0, CRYPTO" then the ClientHello's
// SNI, or "Protected Payload (KP0), DCID=…".
func appendQUICInfo(p *Packet, dst []byte) []byte {
	q := &p.App.QUIC
	for i := range q.Packets[:q.NumPackets] {
		k := &q.Packets[i]
		if i > 0 {
			dst = append(dst, ", "...)
		}
		switch {
		case !k.Long:
			dst = append(dst, "Protected Payload (KP"...)
			if k.KeyPhase {
				dst = append(dst, '1')
			} else {
				dst = append(dst, '0')
			}
			dst = append(dst, ')')
		case k.Type == QUICVersionNegotiation:
			dst = append(dst, "Version Negotiation"...)
		default:
			dst = append(dst, quicTypeNames[k.Type&3]...)
		}
		if k.HasDCID && k.DCID.Len > 0 {
			dst = append(dst, ", DCID="...)
			dst = appendHexBytes(dst, p.App.Bytes(k.DCID.Off, k.DCID.Len))
		}
		if k.Long && k.SCID.Len > 0 {
			dst = append(dst, ", SCID="...)
			dst = appendHexBytes(dst, p.App.Bytes(k.SCID.Off, k.SCID.Len))
		}
		if k.Decrypted {
			dst = append(dst, ", PKN: "...)
			dst = appendUint(dst, k.PN)
		}
	}
	for i := range q.TLS.Handshakes[:q.TLS.NumHandshakes] {
		dst = append(dst, ", "...)
		dst = q.TLS.Handshakes[i].appendInfo(dst)
	}
	return dst
}

// quicTree adds a node per QUIC packet, then the TLS handshake messages
// its CRYPTO frames completed.
func quicTree(t *treeBuilder) {
	q := &t.p.App.QUIC
	for i := range q.Packets[:q.NumPackets] {
		k := &q.Packets[i]
		kind := "Short Header"
		if k.Long {
			kind = "Long Header"
			if k.Type == QUICVersionNegotiation {
				kind += ": Version Negotiation"
			} else {
				kind += ": " + quicTypeNames[k.Type&3]
			}
		}
		if k.Problem != QUICOK {
			kind += " [" + k.Problem.String() + "]"
		}
		t.app(0, "QUIC IETF", kind, k.Off, k.Len)
		if k.Long {
			t.app(1, "Version", fmt.Sprintf("0x%08x", k.Version), k.Off+1, 4)
		}
		if k.HasDCID {
			t.app(1, "Destination Connection ID", string(appendHexBytes(nil, t.p.App.Bytes(k.DCID.Off, k.DCID.Len))), k.DCID.Off, k.DCID.Len)
		}
		if k.Long && k.SCID.Len > 0 {
			t.app(1, "Source Connection ID", string(appendHexBytes(nil, t.p.App.Bytes(k.SCID.Off, k.SCID.Len))), k.SCID.Off, k.SCID.Len)
		}
		if k.Token.Len > 0 {
			t.app(1, "Token", fmt.Sprintf("%d bytes", k.Token.Len), k.Token.Off, k.Token.Len)
		}
		if k.Decrypted {
			t.app(1, "Packet Number", fmt.Sprint(k.PN), k.Off, 0)
			t.app(1, "CRYPTO frames", fmt.Sprint(k.Crypto), k.Off, 0)
		}
	}
	for i := range q.TLS.Handshakes[:q.TLS.NumHandshakes] {
		tlsHandshakeTree(t, "TLS (in QUIC CRYPTO)", &q.TLS.Handshakes[i])
	}
}
