package decode

// TLS fields, named and formatted as tshark 4.0 prints them. Occurrence i
// is the i-th value in tshark's order: records in order, then each
// handshake message's values in order. DTLS has dtls.* names in tshark, so
// a DTLS packet has none of these; QUIC's CRYPTO frames carry handshake
// messages, which tshark shows under the same tls.handshake.* names.

// TLSField names one tshark tls.* field the dissector fills.
type TLSField uint8

// The tls.* fields.
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

var tlsFieldDescs = [numTLSFields]string{
	"TLS record content type", "TLS record version", "TLS handshake message type",
	"ClientHello/ServerHello legacy version", "Server Name Indication host name",
	"ALPN protocol name", "supported_versions entry", "cipher suite (offered or chosen)",
}

// tlsOcc picks occurrence want of a field out of a walk over all of them.
type tlsOcc struct {
	dst  []byte
	n    int
	want int
}

// next reports whether the value the walk is at is the one wanted.
func (o *tlsOcc) next() bool {
	o.n++
	return o.n-1 == o.want
}

// walk feeds every occurrence of f to o.
func (t *TLS) walk(o *tlsOcc, f TLSField) {
	if t.DTLS {
		return
	}
	for i := range t.Records[:t.NumRecords] {
		r := &t.Records[i]
		switch {
		case f == TLSFieldContentType && !r.Opaque && o.next():
			o.dst = appendInt(o.dst, int64(r.ContentType))
		case f == TLSFieldRecordVersion && o.next():
			o.dst = appendHex16(o.dst, r.Version)
		}
	}
	for i := range t.Handshakes[:t.NumHandshakes] {
		t.Handshakes[i].walk(o, f)
	}
}

// walk feeds one handshake message's occurrences of f to o.
func (h *TLSHandshake) walk(o *tlsOcc, f TLSField) {
	switch f {
	case TLSFieldHandshakeType:
		if o.next() {
			o.dst = appendInt(o.dst, int64(h.Type))
		}
	case TLSFieldHandshakeVersion:
		if h.VersionOff > 0 && o.next() {
			o.dst = appendHex16(o.dst, h.Version)
		}
	case TLSFieldServerName:
		if h.SNI.Len > 0 && o.next() {
			o.dst = appendText(o.dst, h.Bytes(h.SNI))
		}
	case TLSFieldALPN:
		for _, r := range h.ALPN[:h.NumALPN] {
			if o.next() {
				o.dst = appendText(o.dst, h.Bytes(r))
			}
		}
	case TLSFieldSupportedVersion:
		for i := range h.NumVersions() {
			if o.next() {
				o.dst = appendHex16(o.dst, h.SupportedVersion(i))
			}
		}
	case TLSFieldCipherSuite:
		for i := range h.NumCiphers() {
			if o.next() {
				o.dst = appendHex16(o.dst, h.Cipher(i))
			}
		}
	}
}

// appendHex16 appends v as tshark prints a BASE_HEX uint16 (0x and four digits).
func appendHex16(dst []byte, v uint16) []byte { return appendHex(dst, uint64(v), 4) }

// tlsOf returns the TLS state whose fields a packet shows: its TLS
// records, or the handshake messages its QUIC CRYPTO frames completed.
func (p *Packet) tlsOf() *TLS {
	switch p.App.Layer {
	case LayerTLS:
		return &p.App.TLS
	case LayerQUIC:
		return &p.App.QUIC.TLS
	}
	return nil
}

// tlsFields are the -T fields entries of the TLS dissector.
var tlsFields = func() []Field {
	fs := make([]Field, numTLSFields)
	for f := range numTLSFields {
		fs[f] = nthField(TLSFieldNames[f], tlsFieldDescs[f], func(p *Packet, i int, dst []byte) ([]byte, bool) {
			t := p.tlsOf()
			if t == nil {
				return dst, false
			}
			o := tlsOcc{dst: dst, want: i}
			t.walk(&o, f)
			return o.dst, o.n > i
		})
	}
	return fs
}()
