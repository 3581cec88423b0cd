package engine

// probes is the registry of structural classifiers, in priority order
// (the order also decides between two probes matching the same packet).
// Priorities are on the patterns' scale (lower wins; the defaults' loose
// dns and ntp patterns are 1 and 2): a probe checks lengths and magic
// numbers a regex cannot, so it wins a tie with any default pattern of
// priority 0 or more.
var probes = [...]probe{
	newProbe("quic", "QUIC long header: fixed bit, known version, connection ID lengths, packet length (RFC 9000 §17.2, RFC 9369, gQUIC)", 17, -1, matchQUIC),
	refined(newProbe("stun", "STUN/TURN message: type, length = datagram - 20, magic cookie 0x2112A442 (RFC 8489), or a classic RFC 3489 binding message; DTLS after it wins", 17, -1, matchSTUN), "dtls"),
	newProbe("stun", "STUN over TCP: a cookie-bearing STUN header whose length fits the segment (RFC 8489 §6.2.2)", 6, -1, matchSTUNTCP),
	newProbe("dtls", "DTLS record: content type, version 1.0/1.2/1.3, epoch 0 handshake, record length within the datagram (RFC 6347, RFC 9147)", 17, -1, matchDTLS),
	newProbe("dhcp", "BOOTP/DHCPv4: op, hardware type and length, magic cookie 0x63825363 at offset 236 (RFC 2131)", 17, -1, matchDHCP),
	newProbe("h323", "H.225.0 RAS: the H.225.0 protocol identifier with its version at the message's start", 17, -1, matchH323RAS),
	newProbe("h323", "H.225.0 call signalling: TPKT, Q.931 discriminator, call reference and an H.225.0 message type", 6, -1, matchH323),
	newProbe("nbns", "NetBIOS name service: DNS-like header and a 32-byte first-level encoded name (RFC 1002 §4.2)", 17, -1, matchNBNS),
	newProbe("snmp", "SNMP message: BER SEQUENCE spanning the datagram, INTEGER version 0, 1 or 3, then community or v3 header (RFC 3416, RFC 3412)", 17, -1, matchSNMP),
	newProbe("tftp", "TFTP: read/write request with a transfer mode, first DATA or ACK block, option acknowledgement (RFC 1350, RFC 2347)", 17, -1, matchTFTP),
	newProbe("wireguard", "WireGuard message: type 1-4 with three reserved zero bytes and the type's exact size", 17, -1, matchWireGuard),
	newProbe("openvpn", "OpenVPN over UDP: a client hard reset (opcode 7 or 10) answered by a server hard reset (opcode 8)", 17, -1, matchOpenVPN),
	newProbe("gnutella", "Gnutella over UDP: a 23-byte descriptor header whose payload length is the rest of the datagram, or a GND (UDP extension) fragment", 17, -1, matchGnutellaUDP),
	newProbe("qq", "OICQ (QQ) over UDP: 0x02 start, 0x03 end, version and command fields", 17, 0, matchOICQ),
	newProbe("dns", "DNS message: one question, small counts, defined opcode, a well-formed name, non-zero type, known class (RFC 1035 §4.1)", 17, 1, matchDNS),
	newProbe("edonkey", "eDonkey/eMule over TCP: protocol byte, little-endian length = the rest of the segment, hello or hello answer", 6, 0, matchEDonkey),
	newProbe("radmin", "Radmin over TCP: header 01 00 00 00 and a length byte = segment - 9", 6, 0, matchRadmin),
	newProbe("rtp", "RTP: version 2, not an RTCP type, the same SSRC with consecutive sequence numbers over three packets (RFC 3550)", 17, 0, matchRTP),
}

// refined marks p's probeLikely answers as open to the probe named by.
func refined(p probe, by string) probe {
	p.refine = by
	return p
}

// The registry must fit probeState.live.
var _ [maxProbes - len(probes)]struct{}
