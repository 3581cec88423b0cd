package decode

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Initial keys of RFC 9001 appendix A.1 (v1) and RFC 9369 appendix
// A.1 (v2), for the DCID 0x8394c8f03e515708, and the header protection
// mask of RFC 9001 A.2's sample.
func TestQUICInitialKeysRFCVectors(t *testing.T) {
	dcid := unhex(t, "8394c8f03e515708")
	for _, c := range []struct {
		version                 uint32
		dir, key, iv, hp, label string
	}{
		{1, "client in", "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2", ""},
		{1, "server in", "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314", ""},
		{0x6b3343cf, "client in", "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9", ""},
		{0x6b3343cf, "server in", "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a", ""},
	} {
		salt, prefix, ok := quicInitialSalt(c.version)
		if !ok {
			t.Fatalf("version %#x has no salt", c.version)
		}
		initial, err := hkdf.Extract(sha256.New, dcid, salt)
		if err != nil {
			t.Fatal(err)
		}
		key, iv, hp := quicPacketKeys(initial, c.dir, prefix)
		if hex.EncodeToString(key) != c.key || hex.EncodeToString(iv) != c.iv || hex.EncodeToString(hp) != c.hp {
			t.Errorf("%#x %s: key %x iv %x hp %x", c.version, c.dir, key, iv, hp)
		}
	}
	// RFC 9001 A.2: the client Initial's sample and its mask.
	var c QUICConn
	c.deriveInitialKeys(1, dcid)
	var mask [16]byte
	c.keys[0].hp.Encrypt(mask[:], unhex(t, "d1b1c98dd7689fb8ec11d242b123dc9b"))
	if got := hex.EncodeToString(mask[:5]); got != "437b9aec36" {
		t.Errorf("header protection mask %s, want 437b9aec36", got)
	}
}

// RFC 9000 appendix A.3's example, and the window's edges.
func TestQUICExpandPacketNumber(t *testing.T) {
	for _, c := range []struct {
		expected, truncated uint64
		n                   int
		want                uint64
	}{
		{0xa82f30ea + 1, 0x9b32, 2, 0xa82f9b32},
		{0, 0, 1, 0},
		{256, 0x01, 1, 257},
		{300, 0xff, 1, 255},
	} {
		if got := expandPN(c.expected, c.truncated, c.n); got != c.want {
			t.Errorf("expandPN(%#x, %#x, %d) = %#x, want %#x", c.expected, c.truncated, c.n, got, c.want)
		}
	}
}

// CRYPTO data out of order, repeated and overlapping, completes the
// message once, when its last gap fills.
func TestQUICCryptoReassembly(t *testing.T) {
	msg := clientHello("crypto.example", "h3")
	var q quicCrypto
	var out QUIC
	n := len(msg)
	parts := [][2]int{{n * 3 / 8, n / 2}, {0, n / 8}, {n / 16, n * 3 / 16}, {0, n / 8}, {n / 2, n}}
	for _, r := range parts {
		q.add(uint64(r[0]), msg[r[0]:r[1]])
		out.TLS.reset(false)
		q.drain(&out)
		if out.TLS.NumHandshakes != 0 {
			t.Fatalf("message reported before the gap filled")
		}
	}
	q.add(uint64(n*3/16), msg[n*3/16:n*3/8])
	out.TLS.reset(false)
	q.drain(&out)
	if out.TLS.NumHandshakes != 1 || string(out.TLS.Handshakes[0].Bytes(out.TLS.Handshakes[0].SNI)) != "crypto.example" {
		t.Fatalf("after the gap filled: %d messages", out.TLS.NumHandshakes)
	}
	q.add(0, msg[:n/2]) // a retransmission: nothing new to report
	out.TLS.reset(false)
	q.drain(&out)
	if out.TLS.NumHandshakes != 0 {
		t.Error("retransmitted CRYPTO data reported the message again")
	}
}

// quicInitial builds a client Initial packet of version v carrying frames,
// protected with the keys derived from dcid (RFC 9001 §5), padded to
// 1200 bytes as clients must.
func quicInitial(t testing.TB, v uint32, dcid, scid []byte, pn uint32, frames []byte) []byte {
	t.Helper()
	salt, prefix, ok := quicInitialSalt(v)
	if !ok {
		t.Fatalf("no salt for %#x", v)
	}
	initial, _ := hkdf.Extract(sha256.New, dcid, salt)
	key, iv, hp := quicPacketKeys(initial, "client in", prefix)
	first := byte(0xc0 | 3) // long header, Initial (v1 type 0), 4-byte PN
	if quicIsV2(v) {
		first |= 1 << 4 // v2 Initial is type 1
	}
	hdr := []byte{first, byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	hdr = tlsVec(hdr, 1, dcid)
	hdr = tlsVec(hdr, 1, scid)
	hdr = append(hdr, 0) // no token
	payLen := 1200 - len(hdr) - 2 - 4 - 16
	for len(frames) < payLen {
		frames = append(frames, frPadding)
	}
	l := len(frames) + 4 + 16
	hdr = append(hdr, 0x40|byte(l>>8), byte(l))
	pnOff := len(hdr)
	hdr = append(hdr, byte(pn>>24), byte(pn>>16), byte(pn>>8), byte(pn))
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	nonce := append([]byte(nil), iv...)
	for i := range 4 {
		nonce[8+i] ^= byte(pn >> (24 - 8*i))
	}
	pkt := aead.Seal(append([]byte(nil), hdr...), nonce, frames, hdr)
	hpb, _ := aes.NewCipher(hp)
	var mask [16]byte
	hpb.Encrypt(mask[:], pkt[pnOff+4:pnOff+20])
	pkt[0] ^= mask[0] & 0x0f
	for i := range 4 {
		pkt[pnOff+i] ^= mask[1+i]
	}
	return pkt
}

// cryptoFrame returns a CRYPTO frame carrying data at offset off.
func cryptoFrame(off int, data []byte) []byte {
	b := []byte{frCrypto, 0x40 | byte(off>>8), byte(off)}
	return append(append(b, 0x40|byte(len(data)>>8), byte(len(data))), data...)
}

// A ClientHello split over two Initial packets (as large post-quantum
// ones are), the second frame first, is reported on the packet that
// completes it, with its SNI and ALPN; both v1 and v2.
func TestQUICInitialDecryption(t *testing.T) {
	for _, v := range []uint32{1, 0x6b3343cf, 0xff00001d} {
		ch := clientHello("quic.example", "h3")
		dcid, scid := unhex(t, "0011223344556677"), unhex(t, "a1a2a3a4")
		half := len(ch) / 2
		p1 := quicInitial(t, v, dcid, scid, 0, append([]byte{frPing}, cryptoFrame(half, ch[half:])...))
		p2 := quicInitial(t, v, dcid, scid, 1, cryptoFrame(0, ch[:half]))
		var c AppConn
		var p Packet
		for i, pkt := range [][]byte{p1, p2} {
			data := appFrame(false, 443, pkt)
			DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
			if p.App.Layer != LayerQUIC || p.App.QUIC.NumPackets != 1 || !p.App.QUIC.Packets[0].Decrypted {
				t.Fatalf("%#x packet %d: layer %v, %d packets, problem %v", v, i, p.App.Layer, p.App.QUIC.NumPackets, p.App.QUIC.Packets[0].Problem)
			}
			if got := p.App.QUIC.Packets[0].PN; got != uint64(i) {
				t.Errorf("%#x packet %d: PN %d", v, i, got)
			}
			if i == 0 && p.App.QUIC.TLS.NumHandshakes != 0 {
				t.Errorf("%#x: ClientHello reported before its first half came", v)
			}
		}
		for field, want := range map[string]string{
			"tls.handshake.extensions_server_name": "quic.example",
			"tls.handshake.extensions_alpn_str":    "h3",
			"quic.version":                         string(appendHex(nil, uint64(v), 8)),
			"quic.dcid":                            "0011223344556677",
			"quic.scid":                            "a1a2a3a4",
		} {
			if got := fieldValue(t, &p, field); got != want {
				t.Errorf("%#x: %s = %q, want %q", v, field, got, want)
			}
		}
		info, _ := p.AppendInfo(nil)
		if want := "Initial, DCID=0011223344556677, SCID=a1a2a3a4, PKN: 1, Client Hello (SNI=quic.example)"; string(info) != want {
			t.Errorf("%#x: Info %q\nwant %q", v, info, want)
		}
		// A flipped ciphertext bit fails authentication, reported.
		bad := append([]byte(nil), p1...)
		bad[len(bad)-20] ^= 1
		data := appFrame(false, 443, bad)
		Decode(LinkEthernet, data, len(data), &p)
		if p.App.QUIC.Packets[0].Problem != QUICDecryptFailed {
			t.Errorf("%#x: corrupted packet: problem %v", v, p.App.QUIC.Packets[0].Problem)
		}
	}
}

// A short header's DCID is known from the connection's long headers.
func TestQUICShortHeaderDCID(t *testing.T) {
	dcid, scid := unhex(t, "0011223344556677"), unhex(t, "a1a2a3a4")
	var c AppConn
	var p Packet
	for _, pkt := range [][]byte{
		quicInitial(t, 1, dcid, scid, 0, cryptoFrame(0, clientHello("s.example"))),
		append([]byte{0x40}, append(scid, make([]byte, 30)...)...), // server → client 1-RTT
	} {
		data := appFrame(false, 443, pkt)
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	}
	if got := fieldValue(t, &p, "quic.dcid"); got != "a1a2a3a4" {
		t.Errorf("short header dcid %q, want a1a2a3a4", got)
	}
	if info, _ := p.AppendInfo(nil); string(info) != "Protected Payload (KP0), DCID=a1a2a3a4" {
		t.Errorf("Info %q", info)
	}
}

// Truncated packets at every length are marked, never panic.
func TestQUICTruncated(t *testing.T) {
	pkt := quicInitial(t, 1, unhex(t, "0011223344556677"), nil, 0, cryptoFrame(0, clientHello("t.example")))
	for n := 7; n < len(pkt); n += 13 {
		var c QUICConn
		var q QUIC
		c.Dissect(pkt[:n], 0, &q)
		if q.NumPackets != 1 || q.Packets[0].Problem == QUICOK {
			t.Fatalf("cut at %d: %d packets, problem %v", n, q.NumPackets, q.Packets[0].Problem)
		}
	}
}

func FuzzQUIC(f *testing.F) {
	seeds := corpusPayloads(f, false, 443, 60, "quic", "doq")
	seeds = append(seeds, quicInitial(f, 1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, nil, 0, cryptoFrame(0, clientHello("f.example", "h3"))))
	fuzzApp(f, false, 443, seeds)
}

// BenchmarkQUICInitial decodes a client Initial of a known connection:
// header, header protection, AES-GCM decryption, frames and the
// ClientHello inside (the CRYPTO stream is reset each time so it is
// parsed every time).
func BenchmarkQUICInitial(b *testing.B) {
	pkt := quicInitial(b, 1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{9, 9}, 0, cryptoFrame(0, clientHello("bench.example.com", "h3")))
	data := appFrame(false, 443, pkt)
	var p Packet
	var c AppConn
	DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		q := c.quic
		q.crypto[0] = quicCrypto{b: q.crypto[0].b[:0]}
		q.nextPN[0] = 0
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	}
	if p.App.QUIC.TLS.NumHandshakes != 1 {
		b.Fatal("ClientHello not decoded")
	}
}

// After Version Negotiation the client's next Initial, same DCID, new
// version, is protected with the new version's keys.
func TestQUICKeysFollowVersionChange(t *testing.T) {
	dcid := unhex(t, "0011223344556677")
	var c AppConn
	var p Packet
	for _, v := range []uint32{0xff00001d, 1} {
		data := appFrame(false, 443, quicInitial(t, v, dcid, nil, 0, cryptoFrame(0, clientHello("v.example"))))
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
		if k := &p.App.QUIC.Packets[0]; !k.Decrypted {
			t.Errorf("version %#x: not decrypted (%v)", v, k.Problem)
		}
	}
}

// A short header coalesced after a long one is dissected even when its
// fixed bit is greased to 0 (RFC 9287); only zero bytes are padding.
func TestQUICCoalescedGreasedShortHeader(t *testing.T) {
	dcid, scid := unhex(t, "0011223344556677"), unhex(t, "a1a2a3a4")
	var c AppConn
	var p Packet
	hs := []byte{0xe0, 0, 0, 0, 1}
	hs = tlsVec(hs, 1, scid) // from the server: DCID is the client's SCID
	hs = tlsVec(hs, 1, unhex(t, "b1b2b3b4"))
	hs = append(hs, 0x40, 20)
	hs = append(hs, make([]byte, 20)...)
	short := append([]byte{0x05}, append(scid, make([]byte, 24)...)...)
	for _, pkt := range [][]byte{
		quicInitial(t, 1, dcid, scid, 0, cryptoFrame(0, clientHello("s.example"))),
		append(hs, short...),
	} {
		data := appFrame(false, 443, pkt)
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	}
	if got := fieldValue(t, &p, "quic.dcid"); got != "a1a2a3a4,a1a2a3a4" {
		t.Errorf("dcid %q, want both packets' a1a2a3a4", got)
	}
}
