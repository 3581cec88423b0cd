package decode

// Just enough DER (X.690) to find a certificate's subject common name and
// its subjectAltName DNS names without crypto/x509, which allocates a tree
// of the whole certificate: these walk the bytes in place and record
// ranges, bounded by the certificate's own length.

// derElem is one DER element: its tag and where its content lies.
type derElem struct {
	tag      byte
	off, len int // content
}

func (e derElem) end() int { return e.off + e.len }

// derNext reads the element at b[off:end]; ok is false when its header or
// length runs past end (long lengths above 4 bytes are refused too).
func derNext(b []byte, off, end int) (derElem, bool) {
	if end-off < 2 {
		return derElem{}, false
	}
	tag, l := b[off], int(b[off+1])
	off += 2
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || end-off < n {
			return derElem{}, false
		}
		l = 0
		for _, c := range b[off : off+n] {
			l = l<<8 | int(c)
		}
		off += n
	}
	if l < 0 || end-off < l {
		return derElem{}, false
	}
	return derElem{tag, off, l}, true
}

// DER tags and object identifiers the walk looks for.
const (
	derSequence = 0x30
	derSet      = 0x31
	derOID      = 0x06
	derBool     = 0x01
	derOctets   = 0x04
	derCtx0     = 0xa0 // [0] EXPLICIT version
	derCtx3     = 0xa3 // [3] EXPLICIT extensions
	derDNSName  = 0x82 // GeneralName dNSName [2] IMPLICIT IA5String
)

var (
	oidCommonName = []byte{0x55, 0x04, 0x03}
	oidSubjectAlt = []byte{0x55, 0x1d, 0x11}
)

// parseCertNames records the subject CN and SAN DNS names of the DER
// certificate in b (which starts at offset base of h.Buf).
func parseCertNames(h *TLSHandshake, b []byte, base int) {
	cert, ok := derNext(b, 0, len(b))
	if !ok || cert.tag != derSequence {
		h.Malformed = h.Malformed || len(b) > 0 && !h.Truncated
		return
	}
	tbs, ok := derNext(b, cert.off, cert.end())
	if !ok || tbs.tag != derSequence {
		return
	}
	// tbsCertificate: [0] version?, serial, signature, issuer, validity,
	// subject, subjectPublicKeyInfo, [1]?, [2]?, [3] extensions?
	off, idx := tbs.off, 0
	for off < tbs.end() {
		e, ok := derNext(b, off, tbs.end())
		if !ok {
			return
		}
		off = e.end()
		if idx == 0 && e.tag == derCtx0 {
			continue // version does not count in the positions below
		}
		switch {
		case idx == 4 && e.tag == derSequence:
			certCN(h, b, base, e)
		case e.tag == derCtx3:
			certSAN(h, b, base, e)
		}
		idx++
	}
}

// certCN finds the common name attribute of a Name.
func certCN(h *TLSHandshake, b []byte, base int, name derElem) {
	for off := name.off; off < name.end(); {
		rdn, ok := derNext(b, off, name.end())
		if !ok || rdn.tag != derSet {
			return
		}
		off = rdn.end()
		atv, ok := derNext(b, rdn.off, rdn.end())
		if !ok || atv.tag != derSequence {
			continue
		}
		oid, ok := derNext(b, atv.off, atv.end())
		if !ok || oid.tag != derOID || string(b[oid.off:oid.end()]) != string(oidCommonName) {
			continue
		}
		if v, ok := derNext(b, oid.end(), atv.end()); ok {
			h.CertCN = Range{base + v.off, v.len} // the last CN wins, as in x509 display
		}
	}
}

// certSAN finds the subjectAltName extension and its dNSName entries.
func certSAN(h *TLSHandshake, b []byte, base int, ctx derElem) {
	exts, ok := derNext(b, ctx.off, ctx.end())
	if !ok || exts.tag != derSequence {
		return
	}
	for off := exts.off; off < exts.end(); {
		ext, ok := derNext(b, off, exts.end())
		if !ok {
			return
		}
		off = ext.end()
		oid, ok := derNext(b, ext.off, ext.end())
		if !ok || oid.tag != derOID || string(b[oid.off:oid.end()]) != string(oidSubjectAlt) {
			continue
		}
		v, ok := derNext(b, oid.end(), ext.end())
		if ok && v.tag == derBool {
			v, ok = derNext(b, v.end(), ext.end())
		}
		if !ok || v.tag != derOctets {
			return
		}
		names, ok := derNext(b, v.off, v.end())
		if !ok || names.tag != derSequence {
			return
		}
		for o := names.off; o < names.end(); {
			gn, ok := derNext(b, o, names.end())
			if !ok {
				return
			}
			o = gn.end()
			if gn.tag != derDNSName {
				continue
			}
			if h.NumCertSAN < MaxTLSSANs {
				h.CertSAN[h.NumCertSAN] = Range{base + gn.off, gn.len}
				h.NumCertSAN++
			} else {
				h.Dropped++
			}
		}
		return
	}
}
