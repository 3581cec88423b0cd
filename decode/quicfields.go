package decode

// QUIC fields, named and formatted as tshark 4.0 prints them. Occurrence
// i is the i-th value over the datagram's packets in order.

// QUICField names one tshark quic.* field the dissector fills.
type QUICField uint8

// The quic.* fields.
const (
	QUICFieldVersion QUICField = iota
	QUICFieldPacketType
	QUICFieldDCID
	QUICFieldSCID
	numQUICFields
)

// QUICFieldNames are the tshark names of the QUICField values.
var QUICFieldNames = [numQUICFields]string{
	QUICFieldVersion:    "quic.version",
	QUICFieldPacketType: "quic.long.packet_type",
	QUICFieldDCID:       "quic.dcid",
	QUICFieldSCID:       "quic.scid",
}

var quicFieldDescs = [numQUICFields]string{
	"QUIC version of a long header", "long header packet type (v1 numbering on the wire)",
	"Destination Connection ID", "Source Connection ID",
}

// walk feeds every occurrence of f to o.
func (q *QUIC) walk(o *tlsOcc, data []byte, f QUICField) {
	for i := range q.Packets[:q.NumPackets] {
		p := &q.Packets[i]
		switch f {
		case QUICFieldVersion:
			if p.Long && o.next() {
				o.dst = appendHex(o.dst, uint64(p.Version), 8)
			}
		case QUICFieldPacketType:
			// tshark 4.0 shows v2's types as quic.long.packet_type_v2.
			if p.Long && p.Type != QUICVersionNegotiation && !quicIsV2(p.Version) && o.next() {
				o.dst = appendInt(o.dst, int64(p.RawType))
			}
		case QUICFieldDCID:
			if p.HasDCID && p.DCID.Len > 0 && o.next() {
				o.dst = appendHexBytes(o.dst, data[p.DCID.Off:p.DCID.End()])
			}
		case QUICFieldSCID:
			if p.Long && p.SCID.Len > 0 && o.next() {
				o.dst = appendHexBytes(o.dst, data[p.SCID.Off:p.SCID.End()])
			}
		}
	}
}

// appendHexBytes appends b as lower-case hex without separators, as
// tshark prints connection IDs.
func appendHexBytes(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// quicFields are the -T fields entries of the QUIC dissector.
var quicFields = func() []Field {
	fs := make([]Field, numQUICFields)
	for f := range numQUICFields {
		fs[f] = nthField(QUICFieldNames[f], quicFieldDescs[f], func(p *Packet, i int, dst []byte) ([]byte, bool) {
			if p.App.Layer != LayerQUIC {
				return dst, false
			}
			o := tlsOcc{dst: dst, want: i}
			p.App.QUIC.walk(&o, p.App.Data, f)
			return o.dst, o.n > i
		})
	}
	return fs
}()
