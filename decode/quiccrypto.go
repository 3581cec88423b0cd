package decode

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
)

// Initial packet protection (RFC 9001 §5; RFC 9369 §3.3 for v2): keys
// derived with HKDF-SHA256 from the client's first Destination Connection
// ID and a per-version salt, AES-128-GCM for the payload, AES-ECB for the
// header protection mask.

// QUICCryptoLimit bounds the Initial CRYPTO bytes kept per direction of a
// connection: a ClientHello beyond it is not parsed (the bytes are
// counted as dropped).
const QUICCryptoLimit = 16 << 10

// maxCryptoRanges bounds the disjoint CRYPTO byte ranges tracked while
// frames arrive out of order (Chrome scatters them across packets).
const maxCryptoRanges = 16

// Initial salts, by the draft that introduced them.
var (
	saltDraft17 = mustHex("ef4fb0abb47470c41befcf8031334fae485e09a0")
	saltDraft21 = mustHex("7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a")
	saltDraft23 = mustHex("c3eef712c72ebb5a11a7d2432bb46365bef9f502")
	saltDraft29 = mustHex("afbfec289993d24c9e9786f19c6111e04390a899")
	saltV1      = mustHex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")
	saltV2Draft = mustHex("a707c203a59b47184a1d62ca570406ea7ae3e5d3")
	saltV2      = mustHex("0dede3def700a6db819381be6e269dcbf9bd2ed9")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// quicInitialSalt returns the salt and the label prefix ("quic " or
// "quicv2 ") of version v; ok is false for versions without known keys.
func quicInitialSalt(v uint32) (salt []byte, prefix string, ok bool) {
	switch v {
	case 0x6b3343cf:
		return saltV2, "quicv2 ", true
	case 0x709a50c4:
		return saltV2Draft, "quicv2 ", true
	}
	switch d := quicDraft(v); {
	case d >= 33:
		return saltV1, "quic ", true
	case d >= 29:
		return saltDraft29, "quic ", true
	case d >= 23:
		return saltDraft23, "quic ", true
	case d >= 21:
		return saltDraft21, "quic ", true
	case d >= 17:
		return saltDraft17, "quic ", true
	}
	return nil, "", false
}

// quicKeys protects one direction's Initial packets.
type quicKeys struct {
	aead  cipher.AEAD
	hp    cipher.Block
	iv    [12]byte
	nonce [12]byte // scratch: a stack array would escape through the interface call
	mask  [16]byte
	ok    bool
}

// hkdfExpandLabel is TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) with an
// empty context.
func hkdfExpandLabel(secret []byte, label string, n int) []byte {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = append(info, byte(n>>8), byte(n), byte(len(full)))
	info = append(info, full...)
	info = append(info, 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), n)
	if err != nil {
		panic(err) // only for n > 255*32, which no caller asks
	}
	return out
}

// deriveInitialKeys sets both directions' Initial keys from the client's
// DCID. It allocates (cipher objects), once per connection and again only
// if a Retry makes the client change its DCID.
func (c *QUICConn) deriveInitialKeys(version uint32, dcid []byte) {
	// The CRYPTO streams carry on: after a Retry the client resends its
	// ClientHello at the same offsets, which are not reported twice.
	c.haveKeys, c.retried = true, false
	if c.keys[0].ok && c.keysVersion == version && c.keysFor.equal(dcid) {
		return // kept from before (a scratch connection decoding packet by packet)
	}
	c.keysFor.set(dcid)
	c.keysVersion = version
	salt, prefix, ok := quicInitialSalt(version)
	if !ok {
		c.keys = [2]quicKeys{}
		return
	}
	initial, err := hkdf.Extract(sha256.New, dcid, salt)
	if err != nil {
		panic(err) // HMAC-SHA256 takes any key
	}
	for dir, label := range [2]string{"client in", "server in"} {
		key, iv, hp := quicPacketKeys(initial, label, prefix)
		k := &c.keys[dir]
		block, err := aes.NewCipher(key)
		if err != nil {
			panic(err) // a 16-byte key is always valid
		}
		if k.aead, err = cipher.NewGCM(block); err != nil {
			panic(err)
		}
		copy(k.iv[:], iv)
		if k.hp, err = aes.NewCipher(hp); err != nil {
			panic(err)
		}
		k.ok = true
	}
}

// quicPacketKeys derives one direction's packet protection key, IV and
// header protection key from the Initial secret (RFC 9001 §5.1).
func quicPacketKeys(initial []byte, label, prefix string) (key, iv, hp []byte) {
	secret := hkdfExpandLabel(initial, label, 32)
	return hkdfExpandLabel(secret, prefix+"key", 16), hkdfExpandLabel(secret, prefix+"iv", 12),
		hkdfExpandLabel(secret, prefix+"hp", 16)
}

// decryptInitial removes header protection from the Initial packet pkt
// (its packet number at pnOff), decrypts it into out's scratch and
// dissects its frames. Packet.Data is not modified: the unprotected header
// is built in out's scratch too.
func (c *QUICConn) decryptInitial(pkt []byte, pnOff, dir int, p *QUICPacket, out *QUIC) {
	k := &c.keys[dir]
	if !k.ok {
		return
	}
	if len(pkt) < pnOff+4+16 {
		p.Problem = QUICTruncated
		return
	}
	k.hp.Encrypt(k.mask[:], pkt[pnOff+4:pnOff+20])
	if cap(out.hdr) < pnOff+4 {
		out.hdr = make([]byte, pnOff+4+64)
	}
	h := out.hdr[:pnOff+4]
	copy(h, pkt)
	h[0] ^= k.mask[0] & 0x0f
	pnLen := int(h[0]&3) + 1
	var pn uint64
	for i := range pnLen {
		h[pnOff+i] ^= k.mask[1+i]
		pn = pn<<8 | uint64(h[pnOff+i])
	}
	pn = expandPN(c.nextPN[dir], pn, pnLen)
	ct := pkt[pnOff+pnLen:]
	if len(ct) < 16 {
		p.Problem = QUICTruncated
		return
	}
	k.nonce = k.iv
	for i := range 8 {
		k.nonce[4+i] ^= byte(pn >> (56 - 8*i))
	}
	if cap(out.plain) < len(ct) {
		out.plain = make([]byte, max(len(ct), 2048))
	}
	pt, err := k.aead.Open(out.plain[:0], k.nonce[:], ct, h[:pnOff+pnLen])
	if err != nil {
		p.Problem = QUICDecryptFailed
		c.Failures++
		return
	}
	p.Decrypted, p.PN = true, pn
	c.nextPN[dir] = max(c.nextPN[dir], pn+1)
	c.frames(pt, dir, p, out)
}

// expandPN recovers a full packet number from its truncated form (RFC 9000
// appendix A.3); expected is one more than the largest seen.
func expandPN(expected, truncated uint64, n int) uint64 {
	win := uint64(1) << (8 * n)
	hwin := win / 2
	cand := expected&^(win-1) | truncated
	switch {
	case cand+hwin <= expected && cand < 1<<62-win:
		return cand + win
	case cand > expected+hwin && cand >= win:
		return cand - win
	}
	return cand
}

// Frame types an Initial packet may carry (RFC 9000 §17.2.2).
const (
	frPadding    = 0x00
	frPing       = 0x01
	frAck        = 0x02
	frAckECN     = 0x03
	frCrypto     = 0x06
	frCloseQUIC  = 0x1c
	frCloseApp   = 0x1d
	frameVarints = 8 // most varints any of these frames starts with
)

// frames walks a decrypted Initial payload, collecting CRYPTO data, then
// reports the handshake messages it completed.
func (c *QUICConn) frames(pt []byte, dir int, p *QUICPacket, out *QUIC) {
	o := 0
	for o < len(pt) && p.Problem == QUICOK {
		t := pt[o]
		o++
		switch t {
		case frPadding, frPing:
		case frAck, frAckECN:
			o = skipAck(pt, o, t == frAckECN)
		case frCrypto:
			off, n1 := quicVarint(pt, o)
			l, n2 := quicVarint(pt, o+n1)
			o += n1 + n2
			if n1 == 0 || n2 == 0 || uint64(len(pt)-o) < l {
				o = -1
				break
			}
			c.crypto[dir].add(off, pt[o:o+int(l)])
			o += int(l)
			p.Crypto++
		case frCloseQUIC, frCloseApp:
			_, n1 := quicVarint(pt, o)
			o += n1
			if t == frCloseQUIC {
				_, n := quicVarint(pt, o)
				o += n
			}
			l, n := quicVarint(pt, o)
			o += n
			if n1 == 0 || n == 0 || uint64(len(pt)-o) < l {
				o = -1
				break
			}
			o += int(l)
		default:
			o = -1
		}
		if o < 0 {
			p.Problem = QUICBadFrame
		}
	}
	c.crypto[dir].drain(out)
}

// skipAck returns the offset after an ACK frame's fields at pt[o:], or -1.
func skipAck(pt []byte, o int, ecn bool) int {
	var v [4]uint64
	for i := range v {
		x, n := quicVarint(pt, o)
		if n == 0 {
			return -1
		}
		v[i], o = x, o+n
	}
	ranges := v[2] * 2 // gap and length per extra range
	if ecn {
		ranges += 3
	}
	for ; ranges > 0; ranges-- {
		_, n := quicVarint(pt, o)
		if n == 0 {
			return -1
		}
		o += n
	}
	return o
}

// quicCrypto reassembles one direction's Initial CRYPTO stream: frames may
// come out of order and repeat, so it keeps the received byte ranges.
type quicCrypto struct {
	b      []byte
	have   [maxCryptoRanges]Range // sorted, disjoint, not adjacent
	nhave  int
	parsed int // stream offset up to which messages were reported
	// Dropped counts CRYPTO bytes not kept: past QUICCryptoLimit or when
	// too many disjoint ranges were pending.
	Dropped int
}

// add stores data at stream offset off.
func (q *quicCrypto) add(off uint64, data []byte) {
	if off >= QUICCryptoLimit {
		q.Dropped += len(data)
		return
	}
	if int(off)+len(data) > QUICCryptoLimit {
		q.Dropped += int(off) + len(data) - QUICCryptoLimit
		data = data[:QUICCryptoLimit-int(off)]
	}
	lo, hi := int(off), int(off)+len(data)
	if hi <= lo {
		return
	}
	if !q.merge(lo, hi) {
		q.Dropped += len(data)
		return
	}
	if hi > len(q.b) {
		if hi > cap(q.b) {
			nb := make([]byte, hi, min(QUICCryptoLimit, max(2*cap(q.b), hi, 2048)))
			copy(nb, q.b)
			q.b = nb
		}
		q.b = q.b[:hi]
	}
	copy(q.b[lo:hi], data)
}

// merge records [lo,hi) in the sorted range list; false when the list is
// full and the range joins none.
func (q *quicCrypto) merge(lo, hi int) bool {
	i := 0
	for i < q.nhave && q.have[i].End() < lo {
		i++
	}
	j := i
	for j < q.nhave && q.have[j].Off <= hi {
		lo, hi = min(lo, q.have[j].Off), max(hi, q.have[j].End())
		j++
	}
	if i == j { // a new disjoint range: insert at i
		if q.nhave == maxCryptoRanges {
			return false
		}
		copy(q.have[i+1:q.nhave+1], q.have[i:q.nhave])
		q.nhave++
	} else if j > i+1 { // ranges i..j-1 became one
		copy(q.have[i+1:], q.have[j:q.nhave])
		q.nhave -= j - i - 1
	}
	q.have[i] = Range{lo, hi - lo}
	return true
}

// drain reports the handshake messages now complete from stream offset 0.
func (q *quicCrypto) drain(out *QUIC) {
	if q.nhave == 0 || q.have[0].Off != 0 {
		return
	}
	end := q.have[0].End()
	for end-q.parsed >= 4 {
		b := q.b
		n := 4 + (int(b[q.parsed+1])<<16 | int(b[q.parsed+2])<<8 | int(b[q.parsed+3]))
		if q.parsed+n > end {
			return
		}
		h := out.TLS.nextHandshake()
		if h == nil {
			return
		}
		parseTLSHandshake(h, b[:q.parsed+n], -1, q.parsed, false, true)
		q.parsed += n
	}
}
