package ipfix

import "encoding/binary"

// IPFIX wire format (RFC 7011): a message is a 16-byte header followed by
// sets; a set is a 4-byte header (set id, length) and records. Set id 2
// holds template records, 3 options template records, 256 and up data
// records of the template with that id.
const (
	ipfixVersion     = 10
	ipfixHeaderLen   = 16
	setHeaderLen     = 4
	setTemplate      = 2
	setOptionsTmpl   = 3
	templateIPv4     = 256
	templateIPv6     = 257
	templateAppNames = 258
	// varLen in a template says the element is variable-length: each
	// value then starts with its own length (RFC 7011 §7).
	varLen = 0xffff
)

// PEN is the private enterprise number of l7sniff's own information
// elements: 32473, which IANA reserves for documentation and examples
// (RFC 5612). l7sniff has no registered number; a collector that wants the
// mismatch flag is configured with this one, and a user who needs a
// globally unique element can rebuild with their organisation's PEN.
const PEN = 32473

// Information element ids (IANA "IPFIX Information Elements" registry).
const (
	ieOctetDeltaCount      = 1
	iePacketDeltaCount     = 2
	ieProtocolIdentifier   = 4
	ieTCPControlBits       = 6
	ieSourceTransportPort  = 7
	ieSourceIPv4Address    = 8
	ieDestTransportPort    = 11
	ieDestIPv4Address      = 12
	ieSourceIPv6Address    = 27
	ieDestIPv6Address      = 28
	ieVLANID               = 58
	ieInterfaceName        = 82
	ieApplicationID        = 95
	ieApplicationName      = 96
	ieFlowID               = 148
	ieFlowStartMillis      = 152
	ieFlowEndMillis        = 153
	ieBiflowDirection      = 239
	ieHTTPRequestHost      = 460
	iePortGuessMismatch    = 1 // enterprise-specific, under PEN
	ieHost                 = 2 // enterprise: the flow's host (any source)
	ieService              = 3 // enterprise: the service its host matches
	ieALPN                 = 4 // enterprise: ALPN chosen, else offered
	enterpriseBit          = 0x8000
	appEngineUserDefined   = 6 // RFC 6759 classification engine "USER-Defined"
	appIDLen               = 5 // engine id + 32-bit selector
	biflowInitiator        = 1 // RFC 5103 biflowDirection values
	biflowReverseInitiator = 2
)

// field is one template entry.
type field struct {
	id, length uint16
	pen        uint32 // 0: IETF element
}

// flowFields returns the data template for one address family. Fixed-size
// elements come first and the two strings last, so a record's fixed part
// is one block.
func flowFields(v6 bool) []field {
	src, dst, alen := uint16(ieSourceIPv4Address), uint16(ieDestIPv4Address), uint16(4)
	if v6 {
		src, dst, alen = ieSourceIPv6Address, ieDestIPv6Address, 16
	}
	return []field{
		{id: src, length: alen},
		{id: dst, length: alen},
		{id: ieSourceTransportPort, length: 2},
		{id: ieDestTransportPort, length: 2},
		{id: ieProtocolIdentifier, length: 1},
		{id: ieTCPControlBits, length: 2},
		{id: ieOctetDeltaCount, length: 8},
		{id: iePacketDeltaCount, length: 8},
		{id: ieFlowStartMillis, length: 8},
		{id: ieFlowEndMillis, length: 8},
		{id: ieVLANID, length: 2},
		{id: ieFlowID, length: 8},
		{id: ieBiflowDirection, length: 1},
		{id: ieApplicationID, length: appIDLen},
		{id: iePortGuessMismatch, length: 1, pen: PEN},
		{id: ieInterfaceName, length: varLen},
		{id: ieApplicationName, length: varLen},
		{id: ieHTTPRequestHost, length: varLen},
		{id: ieHost, length: varLen, pen: PEN},
		{id: ieService, length: varLen, pen: PEN},
		{id: ieALPN, length: varLen, pen: PEN},
	}
}

// appNameFields is the options template that maps an applicationId to its
// applicationName (RFC 6759 §5.1), scoped by the id: collectors such as
// pmacct's nfacctd learn names only this way. The name has a fixed length,
// NUL-padded, as Cisco's NBAR option records have it, because nfdump and
// nfacctd read only fixed-length names there; data records carry the
// whole name.
var appNameFields = []field{
	{id: ieApplicationID, length: appIDLen},
	{id: ieApplicationName, length: appNameLen},
}

// appNameLen is the length of a name in an options record.
const appNameLen = 32

// Record is one uniflow data record: one direction of a flow, or of
// the part of it since its last active-timeout export. The engine fills
// it in from its flow; Exporter.Export sends it.
type Record struct {
	V6               bool
	Src, Dst         [16]byte // IPv4 in the first 4 bytes
	SrcPort, DstPort uint16
	Proto            uint8
	TCPFlags         uint16
	Octets, Packets  uint64
	Start, End       int64 // Unix milliseconds
	VLAN             uint16
	FlowID           uint64
	Reverse          bool // sent by the responder
	App              string
	Mismatch         bool
	// The flow's identity: HTTPHost is its host when an HTTP Host header
	// named it (IE 460), Host when anything else did (one of the two is
	// empty); ALPN is cut at maxALPNString.
	HTTPHost, Host, Service, ALPN string
}

// maxALPNString bounds the exported ALPN (the offered list can be long);
// hosts are at most identity.MaxHostLen and services 64 bytes already.
const maxALPNString = 64

// appID is the RFC 6759 applicationId l7sniff gives a verdict: engine 6
// (USER-Defined) followed by the 32-bit FNV-1a hash of the name. A hash,
// not an index, so the id of "http" is the same on every probe, across
// pattern reloads and releases; names come with it in the options
// records, so a collector never has to know the scheme.
func appID(name string) [appIDLen]byte {
	h := uint32(2166136261) // FNV-1a, inline: hash/fnv would allocate per record
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	var id [appIDLen]byte
	id[0] = appEngineUserDefined
	binary.BigEndian.PutUint32(id[1:], h)
	return id
}

// msgWriter builds one IPFIX message in a reusable buffer, opening and
// closing sets as the records' templates change.
type msgWriter struct {
	buf      []byte
	max      int // the message may not grow past this (UDP: one datagram)
	setStart int // offset of the open set's header; -1 when none is open
	setID    uint16
	records  int // data records in the message (they advance the sequence number)
	flows    int // of which flow records (the sent/dropped counters count these)
}

func newMsgWriter(max int) *msgWriter {
	return &msgWriter{buf: make([]byte, 0, max), max: max, setStart: -1}
}

// begin starts a message. seq is the number of data records sent earlier
// in this transport session (RFC 7011 §3.1).
func (w *msgWriter) begin(exportTime, seq, domain uint32) {
	w.buf = w.buf[:0]
	w.buf = binary.BigEndian.AppendUint16(w.buf, ipfixVersion)
	w.buf = binary.BigEndian.AppendUint16(w.buf, 0) // length, set by finish
	w.buf = binary.BigEndian.AppendUint32(w.buf, exportTime)
	w.buf = binary.BigEndian.AppendUint32(w.buf, seq)
	w.buf = binary.BigEndian.AppendUint32(w.buf, domain)
	w.setStart, w.records, w.flows = -1, 0, 0
}

// reset forgets the message, which makes it empty.
func (w *msgWriter) reset() {
	w.buf, w.setStart, w.records, w.flows = w.buf[:0], -1, 0, 0
}

// empty reports whether the message holds no set yet.
func (w *msgWriter) empty() bool { return len(w.buf) <= ipfixHeaderLen }

// templates writes the template set (IPv4 and IPv6 flows) and the options
// template set (application names). It fits in any message it starts.
func (w *msgWriter) templates() {
	w.openSet(setTemplate)
	w.template(templateIPv4, 0, flowFields(false))
	w.template(templateIPv6, 0, flowFields(true))
	w.openSet(setOptionsTmpl)
	w.template(templateAppNames, 1, appNameFields)
	w.closeSet()
}

// template appends a template record; scope > 0 makes it an options
// template record with that many scope fields.
func (w *msgWriter) template(id uint16, scope int, fields []field) {
	w.buf = binary.BigEndian.AppendUint16(w.buf, id)
	w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(len(fields)))
	if scope > 0 {
		w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(scope))
	}
	for _, f := range fields {
		if f.pen != 0 {
			w.buf = binary.BigEndian.AppendUint16(w.buf, f.id|enterpriseBit)
			w.buf = binary.BigEndian.AppendUint16(w.buf, f.length)
			w.buf = binary.BigEndian.AppendUint32(w.buf, f.pen)
			continue
		}
		w.buf = binary.BigEndian.AppendUint16(w.buf, f.id)
		w.buf = binary.BigEndian.AppendUint16(w.buf, f.length)
	}
}

// appName appends an options record naming an application; false if the
// message has no room left.
func (w *msgWriter) appName(name string) bool {
	if !w.room(templateAppNames, appIDLen+appNameLen) {
		return false
	}
	w.openSet(templateAppNames)
	id := appID(name)
	w.buf = append(w.buf, id[:]...)
	var fixed [appNameLen]byte
	copy(fixed[:], name)
	w.buf = append(w.buf, fixed[:]...)
	w.records++
	return true
}

// flow appends a flow record; false if the message has no room left.
func (w *msgWriter) flow(r *Record, iface string) bool {
	alen := 4
	tmpl := uint16(templateIPv4)
	if r.V6 {
		alen, tmpl = 16, templateIPv6
	}
	alpn := r.ALPN[:min(len(r.ALPN), maxALPNString)]
	need := 2*alen + 2 + 2 + 1 + 2 + 8*4 + 2 + 8 + 1 + appIDLen + 1 + varLenSize(iface) + varLenSize(r.App) +
		varLenSize(r.HTTPHost) + varLenSize(r.Host) + varLenSize(r.Service) + varLenSize(alpn)
	if !w.room(tmpl, need) {
		return false
	}
	w.openSet(tmpl)
	b := w.buf
	b = append(b, r.Src[:alen]...)
	b = append(b, r.Dst[:alen]...)
	b = binary.BigEndian.AppendUint16(b, r.SrcPort)
	b = binary.BigEndian.AppendUint16(b, r.DstPort)
	b = append(b, r.Proto)
	b = binary.BigEndian.AppendUint16(b, r.TCPFlags)
	b = binary.BigEndian.AppendUint64(b, r.Octets)
	b = binary.BigEndian.AppendUint64(b, r.Packets)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Start))
	b = binary.BigEndian.AppendUint64(b, uint64(r.End))
	b = binary.BigEndian.AppendUint16(b, r.VLAN)
	b = binary.BigEndian.AppendUint64(b, r.FlowID)
	dir := byte(biflowInitiator)
	if r.Reverse {
		dir = biflowReverseInitiator
	}
	b = append(b, dir)
	id := appID(r.App)
	b = append(b, id[:]...)
	b = append(b, ipfixBool(r.Mismatch))
	b = appendVarString(b, iface)
	b = appendVarString(b, r.App)
	b = appendVarString(b, r.HTTPHost)
	b = appendVarString(b, r.Host)
	b = appendVarString(b, r.Service)
	w.buf = appendVarString(b, alpn)
	w.records++
	w.flows++
	return true
}

// ipfixBool encodes an IPFIX boolean: 1 is true, 2 false (RFC 7011 §6.1.5).
func ipfixBool(v bool) byte {
	if v {
		return 1
	}
	return 2
}

// room reports whether a record of n bytes for set id fits, counting a new
// set header and the worst-case padding of the set it closes.
func (w *msgWriter) room(id uint16, n int) bool {
	if w.setStart < 0 || w.setID != id {
		n += setHeaderLen + 3
	}
	return len(w.buf)+n+3 <= w.max
}

// openSet makes id the open set, closing another one first.
func (w *msgWriter) openSet(id uint16) {
	if w.setStart >= 0 && w.setID == id {
		return
	}
	w.closeSet()
	w.setStart, w.setID = len(w.buf), id
	w.buf = binary.BigEndian.AppendUint16(w.buf, id)
	w.buf = binary.BigEndian.AppendUint16(w.buf, 0)
}

// closeSet pads the open set to a multiple of four bytes, as RFC 7011
// §3.3.1 allows, so the next set header is aligned; the padding is shorter
// than any record, which lets a collector tell it from one.
func (w *msgWriter) closeSet() {
	if w.setStart < 0 {
		return
	}
	for (len(w.buf)-w.setStart)%4 != 0 {
		w.buf = append(w.buf, 0)
	}
	binary.BigEndian.PutUint16(w.buf[w.setStart+2:], uint16(len(w.buf)-w.setStart))
	w.setStart = -1
}

// finish closes the message and returns it (valid until the next begin).
func (w *msgWriter) finish() []byte {
	w.closeSet()
	binary.BigEndian.PutUint16(w.buf[2:], uint16(len(w.buf)))
	return w.buf
}

// maxVarString bounds an exported string. With it, templates, an
// application-name record and the largest flow record fit together in one
// UDP message, so a record always fits in a message that starts empty.
const maxVarString = 256

// varLenSize is the encoded size of a variable-length string.
func varLenSize(s string) int {
	s = s[:min(len(s), maxVarString)]
	if len(s) < 255 {
		return 1 + len(s)
	}
	return 3 + len(s)
}

// appendVarString writes a variable-length value: one length byte, or 255
// and a 16-bit length for 255 bytes and more (RFC 7011 §7); strings are
// cut at maxVarString bytes.
func appendVarString(b []byte, s string) []byte {
	s = s[:min(len(s), maxVarString)]
	if len(s) < 255 {
		b = append(b, byte(len(s)))
	} else {
		b = append(b, 255)
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	}
	return append(b, s...)
}
