package decode

// TLS handshake message types (RFC 8446 §4, RFC 5246 §7.4) the dissector
// looks inside.
const (
	TLSClientHello        = 1
	TLSServerHello        = 2
	TLSEncryptedExtension = 8
	TLSCertificate        = 11
)

// Bounds on what one handshake message records; values past them are
// counted in the message's Dropped, not stored.
const (
	MaxTLSALPN      = 8
	MaxTLSKeyShares = 8
	MaxTLSSANs      = 8
)

// TLSHandshake is one handshake message. Ranges are offsets into Buf, the
// bytes the message was parsed from; Base is where Buf[0] sits in the
// bytes the dissector was given (App.Data), or -1 when Buf is a buffer of
// its own (a message put together from several records, or decrypted
// from a QUIC packet).
type TLSHandshake struct {
	Buf  []byte
	Base int

	Msg    Range // the whole message: type, length and body
	Type   uint8
	Length int // body length the header claims
	// Truncated is set when Buf holds less than the header claims (the
	// fields found in what is there are kept); Malformed when a length
	// inside contradicts its container.
	Truncated, Malformed bool

	// Version is the legacy_version of a ClientHello or ServerHello.
	Version    uint16
	VersionOff int
	// Ciphers holds 2-byte cipher suites: a ClientHello's offer or the one
	// a ServerHello chose.
	Ciphers Range
	// SNI is the first host_name of the server_name extension.
	SNI  Range
	ALPN [MaxTLSALPN]Range
	// NumALPN counts the protocol names stored in ALPN.
	NumALPN int
	// Versions holds 2-byte supported_versions: the offered list, or the
	// one a ServerHello selected.
	Versions Range
	// KeyShares are the groups of the key_share extension.
	KeyShares    [MaxTLSKeyShares]uint16
	KeyShareOff  [MaxTLSKeyShares]int // where each group sits, for the tree
	NumKeyShares int
	// CertCN and CertSAN are the subject common name and the SAN DNS
	// names of the first certificate of a Certificate message.
	CertCN     Range
	CertSAN    [MaxTLSSANs]Range
	NumCertSAN int
	// Dropped counts list entries beyond the bounds above.
	Dropped int
}

// Bytes returns the bytes of r in the message's buffer.
func (h *TLSHandshake) Bytes(r Range) []byte { return h.Buf[r.Off:r.End()] }

// DataRange maps r to the dissector's input bytes, or returns false when
// the message was parsed from a buffer of its own.
func (h *TLSHandshake) DataRange(r Range) (Range, bool) {
	if h.Base < 0 {
		return Range{}, false
	}
	return Range{h.Base + r.Off, r.Len}, true
}

// NumCiphers is the number of cipher suites in Ciphers.
func (h *TLSHandshake) NumCiphers() int { return h.Ciphers.Len / 2 }

// Cipher returns the i-th cipher suite.
func (h *TLSHandshake) Cipher(i int) uint16 { return be.Uint16(h.Buf[h.Ciphers.Off+2*i:]) }

// NumVersions is the number of versions in Versions.
func (h *TLSHandshake) NumVersions() int { return h.Versions.Len / 2 }

// SupportedVersion returns the i-th supported_versions entry.
func (h *TLSHandshake) SupportedVersion(i int) uint16 {
	return be.Uint16(h.Buf[h.Versions.Off+2*i:])
}

// tlsReader walks a buffer of TLS vectors, remembering whether a length ran
// past its container. Reads past the end return zero and set bad, so the
// parsers check once per structure instead of per byte.
type tlsReader struct {
	b        []byte
	off, end int
	bad      bool
}

func (r *tlsReader) left() int { return r.end - r.off }

func (r *tlsReader) skip(n int) int {
	if n < 0 || r.left() < n {
		r.bad = true
		r.off = r.end
		return r.end
	}
	o := r.off
	r.off += n
	return o
}

func (r *tlsReader) u8() int {
	o := r.skip(1)
	if r.bad {
		return 0
	}
	return int(r.b[o])
}

func (r *tlsReader) u16() int {
	o := r.skip(2)
	if r.bad {
		return 0
	}
	return int(be.Uint16(r.b[o:]))
}

func (r *tlsReader) u24() int {
	o := r.skip(3)
	if r.bad {
		return 0
	}
	return int(r.b[o])<<16 | int(r.b[o+1])<<8 | int(r.b[o+2])
}

// sub returns a reader over the next n bytes and advances past them.
func (r *tlsReader) sub(n int) tlsReader {
	o := r.skip(n)
	if r.bad {
		return tlsReader{b: r.b, off: o, end: o, bad: true}
	}
	return tlsReader{b: r.b, off: o, end: o + n}
}

// parseTLSHandshake parses the handshake message at b[off:]: a 4-byte TLS
// header (or DTLS's 12-byte one when dtls) and as much of the body as b
// holds. tls13 says the connection negotiated TLS 1.3, which changes the
// Certificate message's layout. It returns the bytes it consumed.
func parseTLSHandshake(h *TLSHandshake, b []byte, base, off int, dtls, tls13 bool) int {
	*h = TLSHandshake{Buf: b, Base: base}
	hl := 4
	if dtls {
		hl = 12
	}
	if len(b)-off < hl {
		h.Msg = Range{off, len(b) - off}
		h.Truncated = true
		if off < len(b) {
			h.Type = b[off]
		}
		return len(b) - off
	}
	h.Type = b[off]
	h.Length = int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
	body, end := off+hl, off+hl+h.Length
	if dtls {
		// Only an unfragmented DTLS message has its body here.
		fragOff := int(b[off+6])<<16 | int(b[off+7])<<8 | int(b[off+8])
		fragLen := int(b[off+9])<<16 | int(b[off+10])<<8 | int(b[off+11])
		if fragOff != 0 || fragLen != h.Length {
			end = off + hl + fragLen
			h.Truncated = true
		}
	}
	if end > len(b) {
		end = len(b)
		h.Truncated = true
	}
	h.Msg = Range{off, end - off}
	if dtls && h.Truncated {
		return end - off
	}
	r := tlsReader{b: b, off: body, end: end}
	switch h.Type {
	case TLSClientHello:
		h.parseHello(&r, dtls, true)
	case TLSServerHello:
		h.parseHello(&r, dtls, false)
	case TLSEncryptedExtension:
		ext := r.sub(r.u16())
		h.parseExtensions(&ext, false)
		r.bad = r.bad || ext.bad
	case TLSCertificate:
		h.parseCertificate(&r, tls13)
	}
	if r.bad && !h.Truncated {
		h.Malformed = true
	}
	return end - off
}

// parseHello parses a ClientHello or ServerHello body.
func (h *TLSHandshake) parseHello(r *tlsReader, dtls, client bool) {
	h.VersionOff = r.off
	h.Version = uint16(r.u16())
	r.skip(32) // random
	r.skip(r.u8())
	if client {
		if dtls {
			r.skip(r.u8()) // cookie
		}
		n := r.u16()
		o := r.skip(n)
		if r.bad {
			return
		}
		h.Ciphers = Range{o, n &^ 1}
		r.skip(r.u8()) // compression methods
	} else {
		o := r.skip(2)
		if r.bad {
			return
		}
		h.Ciphers = Range{o, 2}
		r.skip(1)
	}
	if r.bad || r.left() < 2 {
		return // no extensions (SSL 3.0, early TLS)
	}
	ext := r.sub(r.u16())
	h.parseExtensions(&ext, client)
	r.bad = r.bad || ext.bad
}

// TLS extension types the dissector reads.
const (
	extServerName        = 0
	extALPN              = 16
	extSupportedVersions = 43
	extKeyShare          = 51
)

// parseExtensions reads the extensions block; client says whether it is a
// ClientHello's (list forms) or a server's (single selections).
func (h *TLSHandshake) parseExtensions(r *tlsReader, client bool) {
	for r.left() >= 4 && !r.bad {
		typ := r.u16()
		e := r.sub(r.u16())
		if e.bad {
			r.bad = true
			return
		}
		if e.left() == 0 {
			continue // a server acknowledges server_name with no data
		}
		switch typ {
		case extServerName:
			list := e.sub(e.u16())
			for list.left() >= 3 && !list.bad {
				kind, n := list.u8(), list.u16()
				o := list.skip(n)
				if kind == 0 && !list.bad && h.SNI.Len == 0 {
					h.SNI = Range{o, n}
				}
			}
			e.bad = e.bad || list.bad
		case extALPN:
			list := e.sub(e.u16())
			for list.left() >= 1 && !list.bad {
				n := list.u8()
				o := list.skip(n)
				if list.bad {
					break
				}
				if h.NumALPN < MaxTLSALPN {
					h.ALPN[h.NumALPN] = Range{o, n}
					h.NumALPN++
				} else {
					h.Dropped++
				}
			}
			e.bad = e.bad || list.bad
		case extSupportedVersions:
			n := 2
			if client {
				n = e.u8()
			}
			if o := e.skip(n); !e.bad {
				h.Versions = Range{o, n &^ 1}
			}
		case extKeyShare:
			h.parseKeyShare(&e, client)
		}
		if e.bad {
			r.bad = true
		}
	}
}

// parseKeyShare records the groups of a key_share extension: a list of
// entries in a ClientHello, one entry (or, in a HelloRetryRequest, a bare
// group) from a server.
func (h *TLSHandshake) parseKeyShare(e *tlsReader, client bool) {
	list := *e
	if client {
		list = e.sub(e.u16())
	}
	for list.left() >= 2 && !list.bad {
		at := list.off
		g := uint16(list.u16())
		if list.left() >= 2 {
			list.skip(list.u16())
		}
		if list.bad {
			break
		}
		if h.NumKeyShares < MaxTLSKeyShares {
			h.KeyShares[h.NumKeyShares] = g
			h.KeyShareOff[h.NumKeyShares] = at
			h.NumKeyShares++
		} else {
			h.Dropped++
		}
	}
	e.bad = e.bad || list.bad
}

// parseCertificate finds the first certificate of a Certificate message
// and reads its subject CN and SAN DNS names.
func (h *TLSHandshake) parseCertificate(r *tlsReader, tls13 bool) {
	if tls13 {
		r.skip(r.u8()) // certificate_request_context
	}
	n := min(r.u24(), r.left()) // a message cut at the buffer's bound
	list := r.sub(n)
	if list.left() < 3 {
		r.bad = r.bad || list.bad
		return
	}
	n = list.u24()
	if list.left() < n {
		// The first certificate is cut off (message bigger than what was
		// kept): read what is there.
		n = list.left()
	}
	cert := list.sub(n)
	parseCertNames(h, cert.b[cert.off:cert.end], cert.off)
}
