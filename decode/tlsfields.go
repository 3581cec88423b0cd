package decode

// TLS fields, named and formatted as tshark 4.0 prints them.

// TLSField names one tshark tls.* field the dissector fills.
type TLSField uint8

// The tls.* fields, in the order of the corpus truth columns.
const (
	TLSFieldContentType TLSField = iota
	TLSFieldRecordVersion
	TLSFieldHandshakeType
	TLSFieldHandshakeVersion
	TLSFieldServerName
	TLSFieldALPN
	TLSFieldSupportedVersion
	TLSFieldCipherSuite
	numTLSFields
)

// TLSFieldNames are the tshark names of the TLSField values.
var TLSFieldNames = [numTLSFields]string{
	TLSFieldContentType:      "tls.record.content_type",
	TLSFieldRecordVersion:    "tls.record.version",
	TLSFieldHandshakeType:    "tls.handshake.type",
	TLSFieldHandshakeVersion: "tls.handshake.version",
	TLSFieldServerName:       "tls.handshake.extensions_server_name",
	TLSFieldALPN:             "tls.handshake.extensions_alpn_str",
	TLSFieldSupportedVersion: "tls.handshake.extensions.supported_version",
	TLSFieldCipherSuite:      "tls.handshake.ciphersuite",
}

// AppendField appends every occurrence of field f in t to dst, joined by
// sep, and reports how many there were. DTLS records have dtls.* names in
// tshark, so a DTLS t has none of these.
func (t *TLS) AppendField(dst []byte, f TLSField, sep byte) ([]byte, int) {
	if t.DTLS {
		return dst, 0
	}
	n := 0
	switch f {
	case TLSFieldContentType, TLSFieldRecordVersion:
		for i := range t.Records[:t.NumRecords] {
			r := &t.Records[i]
			if f == TLSFieldContentType {
				if r.Opaque {
					continue
				}
				dst = appendSep(dst, sep, n)
				dst = appendInt(dst, int64(r.ContentType))
			} else {
				dst = appendSep(dst, sep, n)
				dst = appendHex16(dst, r.Version)
			}
			n++
		}
		return dst, n
	}
	return t.appendHandshakeFields(dst, f, sep, 0)
}

// appendHandshakeFields appends field f of every handshake message; n is
// the number of values already written.
func (t *TLS) appendHandshakeFields(dst []byte, f TLSField, sep byte, n int) ([]byte, int) {
	for i := range t.Handshakes[:t.NumHandshakes] {
		dst, n = t.Handshakes[i].appendField(dst, f, sep, n)
	}
	return dst, n
}

// appendField appends field f of one handshake message.
func (h *TLSHandshake) appendField(dst []byte, f TLSField, sep byte, n int) ([]byte, int) {
	hello := h.Type == TLSClientHello || h.Type == TLSServerHello
	switch f {
	case TLSFieldHandshakeType:
		return appendInt(appendSep(dst, sep, n), int64(h.Type)), n + 1
	case TLSFieldHandshakeVersion:
		if hello && h.VersionOff > 0 {
			return appendHex16(appendSep(dst, sep, n), h.Version), n + 1
		}
	case TLSFieldServerName:
		if h.SNI.Len > 0 {
			return append(appendSep(dst, sep, n), h.Bytes(h.SNI)...), n + 1
		}
	case TLSFieldALPN:
		for _, r := range h.ALPN[:h.NumALPN] {
			dst = append(appendSep(dst, sep, n), h.Bytes(r)...)
			n++
		}
	case TLSFieldSupportedVersion:
		for i := range h.NumVersions() {
			dst = appendHex16(appendSep(dst, sep, n), h.SupportedVersion(i))
			n++
		}
	case TLSFieldCipherSuite:
		for i := range h.NumCiphers() {
			dst = appendHex16(appendSep(dst, sep, n), h.Cipher(i))
			n++
		}
	}
	return dst, n
}

// appendSep appends sep unless this is the first value.
func appendSep(dst []byte, sep byte, n int) []byte {
	if n > 0 {
		dst = append(dst, sep)
	}
	return dst
}

// appendHex16 appends v as tshark prints a BASE_HEX uint16 (0x and four digits).
func appendHex16(dst []byte, v uint16) []byte { return appendHex(dst, uint64(v), 4) }
