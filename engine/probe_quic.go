package engine

import "encoding/binary"

// matchQUIC recognises a QUIC long-header packet (RFC 9000 §17.2): the
// header form and fixed bits set, a version l7sniff knows (v1, v2, the
// IETF drafts, Google's Q0xx/T0xx), connection IDs of at most 20 bytes,
// and for Initial, 0-RTT and Handshake packets a Length that fits in the
// datagram. Google QUIC before Q046 has its own public header: a flags
// byte announcing the version, an 8-byte connection ID, then "Q0xx".
// A flow starts with a long header, so the first datagram decides.
func matchQUIC(p []byte, _ *probeState) probeResult {
	if len(p) >= 13 && p[0]&0x80 == 0 && p[0]&0x09 == 0x09 && gquicVersion(p[9:13]) {
		return probeYes // gQUIC public header: version flag, 8-byte CID
	}
	if len(p) < 7 || p[0]&0xc0 != 0xc0 {
		return probeNo
	}
	v := p[1:5]
	if gquicVersion(v) {
		return probeYes // Q046+ long header: its CID lengths are nibbles
	}
	known := quicVersion(v)
	dcid := int(p[5])
	if dcid > 20 || len(p) < 7+dcid {
		return probeNo
	}
	scid := int(p[6+dcid])
	rest := p[7+dcid:]
	if scid > 20 || len(rest) < scid {
		return probeNo
	}
	rest = rest[scid:]
	if !known {
		// A version l7sniff does not know (a greasing one that forces
		// version negotiation, a vendor's): only a client's first
		// Initial tells, by its mandatory padding to 1200 bytes and a
		// destination CID of at least 8 (RFC 9000 §14.1, §7.2).
		if len(p) >= 1200 && dcid >= 8 {
			return probeYes
		}
		return probeNo
	}
	typ := (p[0] >> 4) & 3
	if binary.BigEndian.Uint32(v) == 0x6b3343cf {
		typ = (typ + 3) & 3 // RFC 9369 §3.2: v2 rotates the type codes
	}
	if typ == 3 {
		return probeYes // Retry: token and integrity tag to the end
	}
	if typ == 0 { // Initial: a token before the length
		n, l := quicVarint(rest)
		if l == 0 || uint64(len(rest)-l) < n {
			return probeNo
		}
		rest = rest[l+int(n):]
	}
	n, l := quicVarint(rest)
	if l == 0 || n > uint64(len(rest)-l) || n < 1 {
		return probeNo
	}
	return probeYes
}

// quicVersion reports a version whose header this probe parses: 1, 2,
// an IETF draft (0xff0000xx), or Facebook's mvfst (0xfaceb0xx).
func quicVersion(v []byte) bool {
	switch x := binary.BigEndian.Uint32(v); {
	case x == 1, x == 0x6b3343cf:
		return true
	case x&0xffffff00 == 0xff000000 && x&0xff >= 0x0d && x&0xff <= 0x22:
		return true
	case x&0xffffff00 == 0xfaceb000:
		return true
	}
	return false
}

// gquicVersion: "Q0" or "T0" then two digits.
func gquicVersion(v []byte) bool {
	return (v[0] == 'Q' || v[0] == 'T') && v[1] == '0' && isDigit(v[2]) && isDigit(v[3])
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// quicVarint decodes a variable-length integer (RFC 9000 §16); l is its
// size, 0 when p is too short.
func quicVarint(p []byte) (n uint64, l int) {
	if len(p) == 0 {
		return 0, 0
	}
	l = 1 << (p[0] >> 6)
	if len(p) < l {
		return 0, 0
	}
	n = uint64(p[0] & 0x3f)
	for _, b := range p[1:l] {
		n = n<<8 | uint64(b)
	}
	return n, l
}
