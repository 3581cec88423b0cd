package decode

// QUIC fields, named and formatted as tshark 4.0 prints them.

// QUICField names one tshark quic.* field the dissector fills.
type QUICField uint8

// The quic.* fields, in the order of the corpus truth columns.
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

// AppendField appends every occurrence of field f in q to dst, joined by
// sep, and reports how many there were. data is Packet.Data, which the
// connection IDs' ranges point into.
func (q *QUIC) AppendField(dst []byte, data []byte, f QUICField, sep byte) ([]byte, int) {
	n := 0
	for i := range q.Packets[:q.NumPackets] {
		p := &q.Packets[i]
		switch f {
		case QUICFieldVersion:
			if !p.Long {
				continue
			}
			dst = appendHex(appendSep(dst, sep, n), uint64(p.Version), 8)
		case QUICFieldPacketType:
			// tshark 4.0 shows v2's types as quic.long.packet_type_v2.
			if !p.Long || p.Type == QUICVersionNegotiation || quicIsV2(p.Version) {
				continue
			}
			dst = appendInt(appendSep(dst, sep, n), int64(p.RawType))
		case QUICFieldDCID:
			if !p.HasDCID || p.DCID.Len == 0 {
				continue
			}
			dst = appendHexBytes(appendSep(dst, sep, n), data[p.DCID.Off:p.DCID.End()])
		case QUICFieldSCID:
			if !p.Long || p.SCID.Len == 0 {
				continue
			}
			dst = appendHexBytes(appendSep(dst, sep, n), data[p.SCID.Off:p.SCID.End()])
		}
		n++
	}
	return dst, n
}

// appendHexBytes appends b as lower-case hex without separators, as
// tshark prints connection IDs.
func appendHexBytes(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}
