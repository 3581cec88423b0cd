package identity

import "encoding/binary"

// Names in payloads that l7sniff's dissectors do not decode (tshark
// gives these protocols no dissector on their ports, or decodes them
// differently), read just far enough to name a flow. Each reads at most
// the bytes it is given and allocates nothing; a malformed message is
// simply not a name.

// STUNRealm returns the REALM attribute of a STUN message (RFC 8489
// §14.9): a TURN server names its domain there. b is a UDP payload or
// TCP bytes, where a message may follow a 2-byte RFC 4571 length. stun
// reports whether b is a STUN message at all, realm or not.
func STUNRealm(b []byte) (realm []byte, stun bool) {
	const magic = 0x2112a442
	for _, skip := range [2]int{0, 2} {
		m := b[min(skip, len(b)):]
		if len(m) < 20 || m[0]&0xc0 != 0 || binary.BigEndian.Uint32(m[4:]) != magic {
			continue
		}
		stun = true
		n := int(binary.BigEndian.Uint16(m[2:]))
		attrs := m[20:min(20+n, len(m))]
		for len(attrs) >= 4 {
			typ, l := binary.BigEndian.Uint16(attrs), int(binary.BigEndian.Uint16(attrs[2:]))
			if 4+l > len(attrs) {
				break
			}
			if typ == 0x0014 && l > 0 {
				return attrs[4 : 4+l], true
			}
			attrs = attrs[min(4+(l+3)&^3, len(attrs)):]
		}
		return nil, true
	}
	return nil, false
}

// GQUICSNI returns the SNI tag of a Google QUIC client hello (a CHLO
// handshake message, sent in plain text in gQUIC up to Q046): "CHLO", a
// tag count and padding, then (tag, end offset) pairs and the values.
func GQUICSNI(b []byte) ([]byte, bool) {
	i := indexCHLO(b)
	if i < 0 || len(b) < i+8 {
		return nil, false
	}
	n := int(binary.LittleEndian.Uint16(b[i+4:]))
	tags := b[i+8:]
	if n == 0 || n > 256 || len(tags) < 8*n {
		return nil, false
	}
	values := tags[8*n:]
	start := 0
	for k := range n {
		e := tags[8*k:]
		end := int(binary.LittleEndian.Uint32(e[4:]))
		if end < start || end > len(values) {
			return nil, false
		}
		if string(e[:4]) == "SNI\x00" {
			return values[start:end], end > start
		}
		start = end
	}
	return nil, false
}

// indexCHLO finds the CHLO tag in the first bytes of a gQUIC packet.
func indexCHLO(b []byte) int {
	for i := 0; i+4 <= min(len(b), 128); i++ {
		if b[i] == 'C' && b[i+1] == 'H' && b[i+2] == 'L' && b[i+3] == 'O' {
			return i
		}
	}
	return -1
}
