package decode

// QUIC long-header packet types, in RFC 9000 (v1) numbering; a v2 packet's
// type is mapped onto these (RFC 9369 §3.2 renumbers them).
const (
	QUICInitial   = 0
	QUIC0RTT      = 1
	QUICHandshake = 2
	QUICRetry     = 3
	// QUICVersionNegotiation marks a long header with version 0.
	QUICVersionNegotiation = 0xff
)

// Bounds on one datagram's QUIC packets: more are counted in Dropped.
const (
	MaxQUICPackets = 8
	quicMaxCID     = 20
)

// QUIC is what one UDP datagram's QUIC packets say (several may be
// coalesced, RFC 9000 §12.2), and the TLS handshake messages their
// decrypted Initial CRYPTO frames complete.
type QUIC struct {
	Packets    [MaxQUICPackets]QUICPacket
	NumPackets int
	// TLS holds the handshake messages only (no records): a ClientHello or
	// ServerHello carried in CRYPTO frames. Their Buf is the connection's
	// reassembly buffer, so their Base is -1.
	TLS     TLS
	Dropped int
	// plain and hdr are scratch for one decrypted packet and its
	// unprotected header, allocated on first use and reused after it.
	plain, hdr []byte
}

// QUICPacket is one QUIC packet of a datagram. Ranges are in Packet.Data.
type QUICPacket struct {
	Off, Len int // where the packet lies in Packet.Data
	Long     bool
	// Type is the long packet type in v1 numbering (QUICInitial...) or
	// QUICVersionNegotiation; RawType is the two bits on the wire.
	Type, RawType uint8
	Version       uint32
	// DCID is valid for every long header, and for a short header when the
	// connection's IDs are known (a short header does not say its length).
	DCID, SCID Range
	HasDCID    bool
	Token      Range
	// PN is the packet number once header protection is removed.
	PN        uint64
	KeyPhase  bool
	Decrypted bool
	// Crypto counts the CRYPTO frames found in a decrypted packet.
	Crypto int
	// Problem says what stopped dissection early: truncated header,
	// decryption failure, ...; zero when none.
	Problem QUICProblem
}

// QUICProblem says why a QUIC packet was not dissected in full.
type QUICProblem uint8

// QUIC problems.
const (
	QUICOK            QUICProblem = iota
	QUICTruncated                 // header or length runs past the datagram
	QUICDecryptFailed             // AEAD authentication failed
	QUICTooLarge                  // bigger than the decryption buffer
	QUICBadFrame                  // a frame runs past the packet or has an unknown type
	QUICUnknownCID                // short header of a connection whose IDs are unknown
)

var quicProblemNames = [...]string{"", "truncated", "decryption failed", "too large to decrypt", "malformed frame", "unknown connection ID"}

// String describes the problem.
func (p QUICProblem) String() string {
	if int(p) < len(quicProblemNames) {
		return quicProblemNames[p]
	}
	return "malformed"
}

// IsGQUIC reports whether v is a Google QUIC version (Q0xx): tshark hands
// those to its gQUIC dissector, whose fields are gquic.*, not quic.*.
func IsGQUIC(v uint32) bool { return v>>24 == 'Q' }

// quicVarint reads a variable-length integer (RFC 9000 §16) at b[off:];
// n is 0 when it runs past b.
func quicVarint(b []byte, off int) (v uint64, n int) {
	if off >= len(b) {
		return 0, 0
	}
	n = 1 << (b[off] >> 6)
	if len(b)-off < n {
		return 0, 0
	}
	v = uint64(b[off] & 0x3f)
	for _, c := range b[off+1 : off+n] {
		v = v<<8 | uint64(c)
	}
	return v, n
}

// LooksLikeQUIC reports whether a UDP payload starts with a QUIC long
// header of a version tshark 4.0 dissects (v1, v2, IETF and mvfst drafts,
// the forcing-negotiation pattern) or a version negotiation packet.
func LooksLikeQUIC(b []byte) bool {
	if len(b) < 7 || b[0]&0x80 == 0 {
		return false
	}
	v := be.Uint32(b[1:])
	return v == 0 || quicDraft(v) > 0
}

// QUICConn is the state one QUIC connection keeps between datagrams: its
// connection IDs (a short header's DCID length is only known from them),
// the Initial keys, derived once from the client's first DCID, and the
// Initial CRYPTO stream of each direction. The caller keeps one per flow.
type QUICConn struct {
	Version uint32
	// clientCID and serverCID are the SCIDs each side chose.
	clientCID, serverCID cid
	haveClient           bool // clientCID was set (it may be empty)
	keysFor              cid  // the DCID the Initial keys were derived from
	haveKeys             bool
	keysVersion          uint32
	// retried is set by a Retry: the client's next Initial uses the DCID
	// the Retry chose, and its keys (RFC 9001 §5.2).
	retried bool
	keys    [2]quicKeys
	crypto  [2]quicCrypto
	// nextPN is one more than the largest packet number seen per
	// direction, to expand truncated packet numbers.
	nextPN [2]uint64
	// Failures counts packets that could not be decrypted.
	Failures int
}

// cid is a connection ID.
type cid struct {
	b [quicMaxCID]byte
	n int
}

func (c *cid) set(b []byte) { c.n = copy(c.b[:], b) }

func (c *cid) equal(b []byte) bool { return c.n == len(b) && string(c.b[:c.n]) == string(b) }

// Dissect dissects one UDP payload of the connection, lying at offset base
// of Packet.Data, into out.
func (c *QUICConn) Dissect(dgram []byte, base int, out *QUIC) {
	out.NumPackets, out.Dropped = 0, 0
	out.TLS.reset(false)
	for off := 0; off < len(dgram); {
		if out.NumPackets == MaxQUICPackets {
			out.Dropped++
			return
		}
		p := &out.Packets[out.NumPackets]
		n := c.packet(dgram, off, base, p, out)
		if n == 0 {
			return // not QUIC (padding after the last packet, gQUIC)
		}
		out.NumPackets++
		off += n
	}
}

// packet dissects the packet at dgram[off:]; it returns its length, or 0
// when the bytes are no QUIC packet.
func (c *QUICConn) packet(dgram []byte, off, base int, p *QUICPacket, out *QUIC) int {
	b := dgram[off:]
	*p = QUICPacket{Off: base + off, Len: len(b)}
	if len(b) == 0 || b[0] == 0 && off > 0 {
		// Zero padding after coalesced packets. Any other byte starts a
		// short header, fixed bit or not (peers may grease it, RFC 9287).
		return 0
	}
	if b[0]&0x80 == 0 {
		return c.shortHeader(b, base+off, p)
	}
	p.Long = true
	if len(b) < 7 {
		p.Problem = QUICTruncated
		return len(b)
	}
	p.Version = be.Uint32(b[1:])
	if IsGQUIC(p.Version) {
		return 0
	}
	o := 5
	dl := int(b[o])
	if dl > quicMaxCID || len(b) < o+1+dl+1 {
		p.Problem = QUICTruncated
		return len(b)
	}
	p.DCID, p.HasDCID = Range{base + off + o + 1, dl}, true
	o += 1 + dl
	sl := int(b[o])
	if sl > quicMaxCID || len(b) < o+1+sl {
		p.Problem = QUICTruncated
		return len(b)
	}
	p.SCID = Range{base + off + o + 1, sl}
	dcid, scid := b[6:6+dl], b[o+1:o+1+sl]
	o += 1 + sl
	if p.Version == 0 {
		p.Type = QUICVersionNegotiation
		return len(b)
	}
	if c.Version == 0 {
		c.Version = p.Version
	}
	p.RawType = b[0] >> 4 & 3
	p.Type = p.RawType
	if quicIsV2(p.Version) {
		p.Type = (p.RawType + 3) & 3 // v2: 1 Initial, 2 0-RTT, 3 Handshake, 0 Retry
	}
	fromServer := c.haveClient && c.clientCID.equal(dcid) && !c.keysFor.equal(dcid)
	if p.Type == QUICInitial || p.Type == QUICHandshake {
		if fromServer {
			c.serverCID.set(scid)
		} else if p.Type == QUICInitial {
			c.clientCID.set(scid)
			c.haveClient = true
		}
	}
	if p.Type == QUICRetry {
		p.Token = Range{base + off + o, max(len(b)-o-16, 0)}
		c.serverCID.set(scid)
		c.retried = true
		return len(b)
	}
	if p.Type == QUICInitial {
		tl, n := quicVarint(b, o)
		if n == 0 || uint64(len(b)-o-n) < tl {
			p.Problem = QUICTruncated
			return len(b)
		}
		p.Token = Range{base + off + o + n, int(tl)}
		o += n + int(tl)
	}
	l, n := quicVarint(b, o)
	if n == 0 {
		p.Problem = QUICTruncated
		return len(b)
	}
	o += n
	end := o + int(min(l, uint64(len(b))))
	if end > len(b) {
		p.Problem = QUICTruncated
		end = len(b)
	}
	p.Len = end
	if p.Type == QUICInitial && p.Problem == QUICOK {
		dir := 0
		if fromServer {
			dir = 1
		} else if !c.haveKeys || c.retried || c.keysVersion != p.Version {
			// After a Retry, or a Version Negotiation that made the client
			// switch versions, its next Initial has new keys.
			c.deriveInitialKeys(p.Version, dcid)
		}
		c.decryptInitial(b[:end], o, dir, p, out)
	}
	return end
}

// shortHeader dissects a 1-RTT packet: the DCID is whichever of the
// connection's IDs it starts with; the rest is protected and runs to the
// end of the datagram.
func (c *QUICConn) shortHeader(b []byte, off int, p *QUICPacket) int {
	for _, id := range [2]*cid{&c.serverCID, &c.clientCID} {
		if id.n > 0 && len(b) > id.n && string(b[1:1+id.n]) == string(id.b[:id.n]) {
			p.DCID, p.HasDCID = Range{off + 1, id.n}, true
			break
		}
	}
	if !p.HasDCID && c.serverCID.n == 0 && c.clientCID.n == 0 {
		p.Problem = QUICUnknownCID
	}
	p.KeyPhase = b[0]&0x04 != 0 // protected: as it appears on the wire
	return len(b)
}

// quicIsV2 reports whether v is QUIC v2 (RFC 9369) or its draft.
func quicIsV2(v uint32) bool { return v == 0x6b3343cf || v == 0x709a50c4 }

// quicDraft returns the IETF draft a version speaks, as tshark's
// quic_draft_version does: drafts 0xff0000NN, mvfst's Facebook versions,
// the 0x?a?a?a?a versions that force negotiation (treated as draft 29),
// 34 for v1 and 100 for v2; 0 for versions tshark does not decode.
func quicDraft(v uint32) int {
	switch {
	case v>>8 == 0xff0000:
		return int(v & 0xff)
	case v == 0xfaceb001:
		return 22
	case v == 0xfaceb002, v == 0xfaceb00e:
		return 27
	case v&0x0f0f0f0f == 0x0a0a0a0a:
		return 29
	case v == 1:
		return 34
	case quicIsV2(v):
		return 100
	}
	return 0
}

// QUICPort reports whether tshark 4.0 dissects UDP port p as QUIC without
// looking at the payload (its default "quic" UDP port).
func QUICPort(p uint16) bool { return p == 443 }

// reset forgets the connection, keeping for reuse the CRYPTO buffers and
// the last Initial keys (a packet with the same DCID needs no new ones).
func (c *QUICConn) reset() {
	b0, b1 := c.crypto[0].b[:0], c.crypto[1].b[:0]
	keys, keysFor, keysVersion := c.keys, c.keysFor, c.keysVersion
	*c = QUICConn{}
	c.crypto[0].b, c.crypto[1].b = b0, b1
	c.keys, c.keysFor, c.keysVersion = keys, keysFor, keysVersion
}
