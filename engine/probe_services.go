package engine

import (
	"bytes"
	"encoding/binary"
)

// matchDHCP recognises a BOOTP message carrying DHCP options (RFC 2131
// §2, RFC 2132 §2): op 1 (request) or 2 (reply), hardware type and
// length within reason, and the magic cookie where the options start.
func matchDHCP(p []byte, _ *probeState) probeResult {
	if len(p) < 240 || p[0] < 1 || p[0] > 2 || p[2] > 16 || p[3] > 16 {
		return probeNo
	}
	if binary.BigEndian.Uint32(p[236:240]) != 0x63825363 {
		return probeNo
	}
	return probeYes
}

// matchNBNS recognises a NetBIOS name service packet (RFC 1002 §4.2.1):
// a DNS-shaped header with at most one question and a few records, then
// a name of 32 bytes in first-level encoding (each half-byte of the
// 16-byte NetBIOS name as 'A'..'P'), a scope that ends with a zero
// byte, and a type NB (0x20) or NBSTAT (0x21) in class IN.
func matchNBNS(p []byte, _ *probeState) probeResult {
	if len(p) < 12+34+4 || p[12] != 0x20 {
		return probeNo
	}
	qd, an := binary.BigEndian.Uint16(p[4:6]), binary.BigEndian.Uint16(p[6:8])
	if qd > 1 || an > 1 || qd+an == 0 {
		return probeNo
	}
	for _, b := range p[13:45] {
		if b < 'A' || b > 'P' {
			return probeNo
		}
	}
	// Skip the scope labels after the encoded name.
	i := 45
	for i < len(p) && p[i] != 0 {
		i += 1 + int(p[i])
	}
	if i+5 > len(p) {
		return probeNo
	}
	typ, class := binary.BigEndian.Uint16(p[i+1:i+3]), binary.BigEndian.Uint16(p[i+3:i+5])
	if (typ != 0x20 && typ != 0x21) || class != 1 {
		return probeNo
	}
	return probeYes
}

// matchSNMP recognises an SNMP message (RFC 3416 §3, RFC 3412 §6): a BER
// SEQUENCE whose length is the rest of the datagram, then the version as
// a one-byte INTEGER (0 = v1, 1 = v2c, 3 = v3), then an OCTET STRING
// community (v1, v2c) or the SEQUENCE of v3's global header, and for
// v1/v2c a PDU tag 0xa0-0xa8 after the community.
func matchSNMP(p []byte, _ *probeState) probeResult {
	if len(p) < 8 || p[0] != 0x30 {
		return probeNo
	}
	n, l := berLength(p[1:])
	if l == 0 || n != len(p)-1-l {
		return probeNo
	}
	v := p[1+l:]
	if len(v) < 5 || v[0] != 0x02 || v[1] != 0x01 {
		return probeNo
	}
	switch v[2] {
	case 0, 1:
		if v[3] != 0x04 {
			return probeNo
		}
		c, cl := berLength(v[4:])
		pdu := 4 + cl + c
		if cl == 0 || pdu >= len(v) || v[pdu] < 0xa0 || v[pdu] > 0xa8 {
			return probeNo
		}
		return probeYes
	case 3:
		if v[3] != 0x30 {
			return probeNo
		}
		return probeYes
	}
	return probeNo
}

// berLength decodes a BER definite length (X.690 §8.1.3): n, and l the
// bytes it took, 0 when malformed or longer than two bytes of length.
func berLength(p []byte) (n, l int) {
	switch {
	case len(p) == 0:
		return 0, 0
	case p[0] < 0x80:
		return int(p[0]), 1
	case p[0] == 0x81 && len(p) >= 2:
		return int(p[1]), 2
	case p[0] == 0x82 && len(p) >= 3:
		return int(binary.BigEndian.Uint16(p[1:3])), 3
	}
	return 0, 0
}

// tftpModes are RFC 1350's transfer modes, lower case as sent (peers
// treat them case-insensitively; the probe does too).
var tftpModes = [...][]byte{[]byte("netascii"), []byte("octet"), []byte("mail")}

// matchTFTP recognises how a TFTP flow starts (RFC 1350 §5, RFC 2347):
// a read or write request (a file name and a known mode, each ending in
// a zero byte), or, on the new port pair the server answers from, the
// first DATA block (block 1, at most 512 bytes unless an option raised
// it), an ACK of block 0 or 1, an option acknowledgement, or an ERROR
// with a defined code.
func matchTFTP(p []byte, _ *probeState) probeResult {
	if len(p) < 4 || p[0] != 0 {
		return probeNo
	}
	block := binary.BigEndian.Uint16(p[2:4])
	switch p[1] {
	case 1, 2:
		name := bytes.IndexByte(p[2:], 0)
		if name < 1 {
			return probeNo
		}
		mode := p[2+name+1:]
		end := bytes.IndexByte(mode, 0)
		if end < 0 {
			return probeNo
		}
		for _, m := range tftpModes {
			if bytes.EqualFold(mode[:end], m) {
				return probeYes
			}
		}
	case 3:
		if block == 1 && len(p) <= 4+65464 {
			return probeYes
		}
	case 4:
		if block <= 1 && len(p) == 4 {
			return probeYes
		}
	case 5:
		if block <= 8 && p[len(p)-1] == 0 {
			return probeYes
		}
	case 6:
		if len(p) > 4 && p[len(p)-1] == 0 && printableZ(p[2:]) {
			return probeYes
		}
	}
	return probeNo
}

// printableZ reports whether p is printable ASCII strings each ended by
// a zero byte (TFTP option names and values).
func printableZ(p []byte) bool {
	for _, b := range p {
		if b != 0 && (b < 0x20 || b > 0x7e) {
			return false
		}
	}
	return true
}

// matchDNS recognises a DNS message (RFC 1035 §4.1) by its header and
// question: exactly one question, small record counts, a defined opcode
// (query, status, notify, update), a name of labels up to 63 bytes and
// 255 in all ending in a zero byte, a non-zero type and a class IN, CH,
// HS, NONE or ANY (mDNS sets the top bit for unicast answers). The
// default dns pattern handles most names; this catches the rest (names
// with bytes no pattern allows, as exfiltration tunnels send).
func matchDNS(p []byte, _ *probeState) probeResult {
	if len(p) < 12+1+4 {
		return probeNo
	}
	if binary.BigEndian.Uint16(p[4:6]) != 1 {
		return probeNo
	}
	for i := 6; i < 12; i += 2 {
		if binary.BigEndian.Uint16(p[i:i+2]) > 64 {
			return probeNo
		}
	}
	switch (p[2] >> 3) & 0x0f {
	case 0, 2, 4, 5:
	default:
		return probeNo
	}
	i, total := 12, 0
	for p[i] != 0 {
		l := int(p[i])
		total += l + 1
		if l > 63 || total > 255 || i+1+l >= len(p) {
			return probeNo
		}
		i += 1 + l
	}
	if i+5 > len(p) {
		return probeNo
	}
	typ, class := binary.BigEndian.Uint16(p[i+1:i+3]), binary.BigEndian.Uint16(p[i+3:i+5])&0x7fff
	if typ == 0 || (class != 1 && class != 3 && class != 4 && class != 254 && class != 255) {
		return probeNo
	}
	return probeYes
}

// h225OID is the start of H.225.0's protocol identifier (ITU-T 0.0.8.2250
// .0.v, BER-encoded as PER carries it), the first field of every RAS and
// call signalling message.
var h225OID = []byte{0x06, 0x00, 0x08, 0x91, 0x4a, 0x00}

// matchH323RAS recognises H.225.0 RAS over UDP (registration, admission,
// status): the protocol identifier with a version 1-9 within the
// message's first bytes, after the choice and request sequence number.
func matchH323RAS(p []byte, _ *probeState) probeResult {
	head := p[:min(len(p), 16)]
	i := bytes.Index(head, h225OID)
	if i < 0 || i+len(h225OID) >= len(p) || p[i+len(h225OID)] < 1 || p[i+len(h225OID)] > 9 {
		return probeNo
	}
	return probeYes
}

// Q.931 message types H.225.0 call signalling uses (ITU-T Q.931 §4.4,
// H.225.0 §7.4): alerting, call proceeding, progress, setup, connect,
// setup acknowledge, release complete, facility, notify, status inquiry,
// status, information.
var q931Types = [...]byte{0x01, 0x02, 0x03, 0x05, 0x07, 0x0d, 0x5a, 0x62, 0x6e, 0x75, 0x7d, 0x7b}

// matchH323 recognises H.225.0 call signalling over TCP: a TPKT header
// (RFC 1006: version 3, reserved 0, a length that covers at least the
// Q.931 header), then Q.931's protocol discriminator 0x08, a call
// reference of at most 2 bytes, and a message type H.225.0 uses.
func matchH323(p []byte, _ *probeState) probeResult {
	if len(p) < 9 || p[0] != 3 || p[1] != 0 || p[4] != 0x08 || p[5] > 2 {
		return probeNo
	}
	if n := int(binary.BigEndian.Uint16(p[2:4])); n < 9 || n > 65535 {
		return probeNo
	}
	mt := p[6+int(p[5])]
	for _, t := range q931Types {
		if mt == t {
			return probeYes
		}
	}
	return probeNo
}

// matchRadmin recognises Radmin's TCP messages as its client and server
// open a session: a 4-byte header 01 00 00 00, a length byte that counts
// what follows the 9-byte message header, and the client's first request
// or the server's answer.
func matchRadmin(p []byte, _ *probeState) probeResult {
	if len(p) < 10 || p[0] != 1 || p[1] != 0 || p[2] != 0 || p[3] != 0 || int(p[4]) != len(p)-9 {
		return probeNo
	}
	return probeYes
}
