package decode

// TLS record content types (RFC 8446 §5.1).
const (
	TLSContentChangeCipherSpec = 20
	TLSContentAlert            = 21
	TLSContentHandshake        = 22
	TLSContentApplicationData  = 23
	TLSContentHeartbeat        = 24
)

// Bounds on what one frame's TLS records are kept; more are counted in
// TLS.Dropped.
const (
	MaxTLSRecords    = 16
	MaxTLSHandshakes = 8
	MaxTLSAlerts     = 4
	// TLSHandshakeLimit bounds the bytes kept per direction of a handshake
	// message that spans records or segments. A bigger message (long
	// certificate chains) is reported when it completes, marked
	// Truncated, parsed from its first TLSHandshakeLimit bytes: enough for
	// a ClientHello and the first certificate.
	TLSHandshakeLimit = 32 << 10
	// tlsMaxRecordLen is the largest record body RFC 8446 allows
	// (2^14 plus expansion); a longer length means the bytes are not TLS.
	tlsMaxRecordLen = 1<<14 + 2048
)

// TLS is what one frame's TLS or DTLS records say: the records that end in
// the frame, the handshake messages and alerts they complete.
type TLS struct {
	DTLS          bool
	Records       [MaxTLSRecords]TLSRecord
	NumRecords    int
	Handshakes    [MaxTLSHandshakes]TLSHandshake
	NumHandshakes int
	Alerts        [MaxTLSAlerts]TLSAlert
	NumAlerts     int
	// Dropped counts records, messages and alerts beyond the arrays, and
	// handshake bytes lost past TLSHandshakeLimit.
	Dropped int
}

// TLSRecord is one record header. Off is its offset in Packet.Data, or -1
// when the header arrived in an earlier segment than the record's end.
type TLSRecord struct {
	Off         int
	ContentType uint8
	Version     uint16
	Length      int
	// Opaque is set for a TLS 1.3 protected record: its type byte is the
	// outer opaque_type (always 23), not the real content type.
	Opaque bool
	// Encrypted is set when the body is ciphertext.
	Encrypted bool
	// Truncated is set when a datagram holds less than Length.
	Truncated bool
}

// TLSAlert is an unencrypted alert; Off is its offset in Packet.Data or -1.
type TLSAlert struct {
	Off                int
	Level, Description uint8
}

func (t *TLS) reset(dtls bool) {
	t.DTLS = dtls
	t.NumRecords, t.NumHandshakes, t.NumAlerts, t.Dropped = 0, 0, 0, 0
}

func (t *TLS) addRecord(r TLSRecord) {
	if t.NumRecords == MaxTLSRecords {
		t.Dropped++
		return
	}
	t.Records[t.NumRecords] = r
	t.NumRecords++
}

// nextHandshake returns the slot for the next message, or nil when full.
func (t *TLS) nextHandshake() *TLSHandshake {
	if t.NumHandshakes == MaxTLSHandshakes {
		t.Dropped++
		return nil
	}
	t.NumHandshakes++
	return &t.Handshakes[t.NumHandshakes-1]
}

func (t *TLS) addAlert(body []byte, off int) {
	if len(body) < 2 {
		return
	}
	if t.NumAlerts == MaxTLSAlerts {
		t.Dropped++
		return
	}
	t.Alerts[t.NumAlerts] = TLSAlert{Off: off, Level: body[0], Description: body[1]}
	t.NumAlerts++
}

// validTLSContentType reports whether c is a record type tshark accepts.
func validTLSContentType(c byte) bool {
	return c >= TLSContentChangeCipherSpec && c <= TLSContentHeartbeat
}

// LooksLikeTLS reports whether b starts with a plausible TLS record header:
// a known content type, an SSL 3.0 to TLS 1.3 record version and a length
// a record may have. Dissector selection uses it beyond the TLS ports.
func LooksLikeTLS(b []byte) bool {
	return len(b) >= 5 && validTLSContentType(b[0]) && b[1] == 3 && b[2] <= 4 &&
		int(be.Uint16(b[3:])) <= tlsMaxRecordLen
}

// LooksLikeTLSHello reports whether b starts with a TLS handshake record
// holding a ClientHello or ServerHello: the check for a connection that
// switches to TLS after a cleartext start (STARTTLS, proxies).
func LooksLikeTLSHello(b []byte) bool {
	return LooksLikeTLS(b) && b[0] == TLSContentHandshake && len(b) > 5 &&
		(b[5] == TLSClientHello || b[5] == TLSServerHello)
}

// isTLS13 reports whether a ServerHello's selected version means TLS 1.3:
// 0x0304, an IETF draft (0x7fxx) or Facebook's draft variants (0xfbxx).
func isTLS13(v uint16) bool { return v == 0x0304 || v>>8 == 0x7f || v>>8 == 0xfb }

// TLSConn is the state of one TLS-over-TCP connection that the dissector
// keeps between segments: a record layer per direction and what the
// ServerHello negotiated. The caller keeps one per flow and feeds each
// direction's bytes in sequence order.
type TLSConn struct {
	dir [2]tlsStream
	// TLS13 is set once a ServerHello selected TLS 1.3: later records of
	// type 23 are opaque, and Certificate messages carry a context.
	TLS13 bool
}

// tlsStream follows one direction's record layer across segments.
type tlsStream struct {
	// next is the TCP sequence number of the byte after those fed so far,
	// valid once synced.
	next   uint32
	synced bool
	hdr    [5]byte // a record header split over segments
	nhdr   int
	// cur is the record being received, remain its body bytes still to
	// come; remain == 0 means the stream is at a record boundary.
	cur    TLSRecord
	remain int
	// ccs is set after this direction's ChangeCipherSpec: its handshake
	// records are encrypted from then on.
	ccs bool
	hs  tlsHandshakeBuf
}

// tlsHandshakeBuf holds handshake bytes that have not formed a complete
// message yet. Its storage is allocated on first need and dropped when the
// direction turns to encrypted records; start advances over messages parsed from it, and the bytes
// are moved to the front only at the next segment, so the messages
// reported for a frame stay valid until the next Feed.
type tlsHandshakeBuf struct {
	b                []byte
	start, end, seen int // seen > end when bytes were dropped at the bound
	// body collects the body of a handshake record split over segments
	// before it joins the message bytes.
	inRecord bool
}

// Reset forgets the connection, keeping buffers for reuse.
func (c *TLSConn) Reset() {
	for i := range c.dir {
		b := c.dir[i].hs.b
		c.dir[i] = tlsStream{}
		c.dir[i].hs.b = b[:0]
	}
	c.TLS13 = false
}

// Feed dissects TCP bytes of direction dir (0 and 1: the flow's two
// sides) whose first byte has sequence number seq into out; seg lies at
// offset base of the dissector's input. Bytes fed before (a
// retransmission) are skipped; after a gap the direction starts afresh at
// the next record header. Records are reported in the segment that
// completes them, as tshark does with desegmentation on.
func (c *TLSConn) Feed(dir int, seq uint32, seg []byte, base int, out *TLS) {
	out.reset(false)
	s := &c.dir[dir&1]
	s.hs.compact()
	if s.synced {
		switch d := int32(s.next - seq); {
		case d > 0 && int(d) >= len(seg):
			return // nothing new
		case d > 0:
			seg, base, seq = seg[d:], base+int(d), s.next
		case d < 0:
			s.lose()
		}
	}
	s.next, s.synced = seq+uint32(len(seg)), true
	off := 0
	for off < len(seg) {
		if s.remain > 0 {
			n := min(s.remain, len(seg)-off)
			if s.hs.inRecord {
				s.hs.add(seg[off : off+n])
			}
			off += n
			s.remain -= n
			if s.remain == 0 {
				c.finishRecord(s, out, nil, -1)
			}
			continue
		}
		// A record header, possibly completing one split last time.
		hdrOff := base + off
		if s.nhdr > 0 || len(seg)-off < 5 {
			n := copy(s.hdr[s.nhdr:], seg[off:])
			s.nhdr += n
			off += n
			if s.nhdr < 5 {
				return
			}
			hdrOff = -1
			if !c.startRecord(s, s.hdr[:], hdrOff, out) {
				s.nhdr = 0
				return
			}
			s.nhdr = 0
			continue
		}
		h := seg[off : off+5]
		if !c.startRecord(s, h, hdrOff, out) {
			return // not TLS here: wait for a segment that starts a record
		}
		off += 5
		if len(seg)-off >= s.remain {
			body := seg[off : off+s.remain]
			off += s.remain
			s.remain = 0
			c.finishRecord(s, out, body, base+off-len(body))
			continue
		}
	}
}

// startRecord takes the header h; it returns false when h is no TLS
// record header, leaving the stream at a boundary to retry later.
func (c *TLSConn) startRecord(s *tlsStream, h []byte, off int, out *TLS) bool {
	ct, l := h[0], int(be.Uint16(h[3:]))
	if !validTLSContentType(ct) || l > tlsMaxRecordLen {
		return false
	}
	s.cur = TLSRecord{Off: off, ContentType: ct, Version: be.Uint16(h[1:]), Length: l}
	s.cur.Encrypted = ct == TLSContentApplicationData || s.ccs && ct != TLSContentChangeCipherSpec
	s.remain = l
	// A handshake record's body joins the message buffer piece by piece
	// if it spans segments.
	s.hs.inRecord = ct == TLSContentHandshake && !s.ccs
	if l == 0 {
		c.finishRecord(s, out, nil, -1)
	}
	return true
}

// finishRecord reports the completed record s.cur. body is its bytes when
// the record lies in this segment (at offset bodyOff of Packet.Data);
// otherwise handshake bytes were collected in s.hs as they came.
func (c *TLSConn) finishRecord(s *tlsStream, out *TLS, body []byte, bodyOff int) {
	r := &s.cur
	// Whether the type byte is opaque depends on the version known when
	// the record completes, as in tshark.
	r.Opaque = c.TLS13 && r.ContentType == TLSContentApplicationData
	out.addRecord(*r)
	s.hs.inRecord = false
	switch {
	case r.ContentType == TLSContentChangeCipherSpec:
		s.ccs = true
	case r.Encrypted:
		// Encrypted records mean this direction's cleartext handshake is
		// over: give its buffer back unless a message is still pending.
		if s.hs.empty() && s.hs.b != nil {
			s.hs = tlsHandshakeBuf{}
		}
	case r.ContentType == TLSContentAlert && body != nil:
		out.addAlert(body, bodyOff)
	case r.ContentType == TLSContentHandshake:
		if body != nil && s.hs.empty() {
			off := 0
			for len(body)-off >= 4 {
				n := 4 + (int(body[off+1])<<16 | int(body[off+2])<<8 | int(body[off+3]))
				if n > len(body)-off {
					break
				}
				c.handshake(out, body, bodyOff, off)
				off += n
			}
			s.hs.add(body[off:])
			return
		}
		if body != nil {
			s.hs.add(body)
		}
		c.drainHandshakes(s, out)
	}
}

// drainHandshakes reports every message complete in the buffer.
func (c *TLSConn) drainHandshakes(s *tlsStream, out *TLS) {
	hb := &s.hs
	for hb.end-hb.start >= 4 {
		b := hb.b
		n := 4 + (int(b[hb.start+1])<<16 | int(b[hb.start+2])<<8 | int(b[hb.start+3]))
		switch {
		case hb.start+n <= hb.end:
			c.handshake(out, b[:hb.start+n], -1, hb.start)
			hb.start += n
		case hb.seen > hb.end && hb.seen >= hb.start+n:
			// The message overran the bound but has ended: report what
			// was kept. Bytes after it were dropped with the rest, so
			// the buffer starts afresh at the next record.
			c.handshake(out, b[:hb.end], -1, hb.start)
			out.Dropped += hb.seen - hb.end
			hb.start, hb.seen = hb.end, hb.end
			return
		default:
			return
		}
	}
}

// handshake parses the message at b[off:] into the next slot of out.
func (c *TLSConn) handshake(out *TLS, b []byte, base, off int) {
	h := out.nextHandshake()
	if h == nil {
		return
	}
	parseTLSHandshake(h, b, base, off, false, c.TLS13)
	if h.Type == TLSServerHello && h.NumVersions() > 0 && isTLS13(h.SupportedVersion(0)) {
		c.TLS13 = true
	}
}

// lose forgets a direction's partial record and message after a gap.
func (s *tlsStream) lose() {
	s.nhdr, s.remain = 0, 0
	s.hs.start, s.hs.end, s.hs.seen, s.hs.inRecord = 0, 0, 0, false
	s.hs.b = s.hs.b[:0]
}

func (hb *tlsHandshakeBuf) empty() bool { return hb.end == hb.start }

// add appends handshake bytes up to TLSHandshakeLimit; seen counts them all.
func (hb *tlsHandshakeBuf) add(p []byte) {
	if len(p) == 0 {
		return
	}
	if hb.b == nil {
		hb.b = make([]byte, 0, TLSHandshakeLimit)
	}
	n := copy(hb.b[hb.end:cap(hb.b)], p)
	hb.b = hb.b[:hb.end+n]
	hb.end += n
	hb.seen += len(p)
}

// compact moves unparsed bytes to the front before a new segment.
func (hb *tlsHandshakeBuf) compact() {
	if hb.start == 0 {
		return
	}
	n := copy(hb.b[:cap(hb.b)], hb.b[hb.start:hb.end])
	hb.seen -= hb.start
	hb.start, hb.end = 0, n
	hb.b = hb.b[:n]
}

// DTLS record header length: type, version, epoch, sequence number, length.
const dtlsRecordLen = 13

// LooksLikeDTLS reports whether b starts with a DTLS 1.0 or 1.2 record
// header (versions 0xfeff and 0xfefd, and OpenSSL's pre-standard 0x0100).
func LooksLikeDTLS(b []byte) bool {
	if len(b) < dtlsRecordLen || !validTLSContentType(b[0]) {
		return false
	}
	v := be.Uint16(b[1:])
	return v == 0xfeff || v == 0xfefd || v == 0x0100
}

// DissectDTLS dissects the DTLS records of one datagram, which lies at
// offset base of Packet.Data, into out. DTLS records never span datagrams;
// a handshake message fragmented over records is reported with its header
// and marked Truncated (fragments are not reassembled).
func DissectDTLS(dgram []byte, base int, out *TLS) {
	out.reset(true)
	for off := 0; len(dgram)-off >= dtlsRecordLen && validTLSContentType(dgram[off]); {
		h := dgram[off:]
		r := TLSRecord{Off: base + off, ContentType: h[0], Version: be.Uint16(h[1:]), Length: int(be.Uint16(h[11:]))}
		epoch := be.Uint16(h[3:])
		r.Encrypted = r.ContentType == TLSContentApplicationData || epoch > 0 && r.ContentType != TLSContentChangeCipherSpec
		body := off + dtlsRecordLen
		end := body + r.Length
		if end > len(dgram) {
			end, r.Truncated = len(dgram), true
		}
		out.addRecord(r)
		switch {
		case r.Encrypted:
		case r.ContentType == TLSContentAlert:
			out.addAlert(dgram[body:end], base+body)
		case r.ContentType == TLSContentHandshake:
			rec := dgram[:end]
			for o := body; end-o >= 12; {
				h := out.nextHandshake()
				if h == nil {
					break
				}
				o += parseTLSHandshake(h, rec, base, o, true, false)
			}
		}
		off = end
	}
}
