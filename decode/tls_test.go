package decode

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"l7sniff/decode/decodetest"
)

// tlsVec appends a vector: an n-byte big-endian length, then body.
func tlsVec(dst []byte, n int, body []byte) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(len(body)>>(8*i)))
	}
	return append(dst, body...)
}

func u16s(vs ...uint16) []byte {
	var b []byte
	for _, v := range vs {
		b = append(b, byte(v>>8), byte(v))
	}
	return b
}

// tlsExt appends one extension.
func tlsExt(dst []byte, typ uint16, body []byte) []byte {
	return tlsVec(append(dst, byte(typ>>8), byte(typ)), 2, body)
}

// handshakeMsg wraps a body in a handshake header.
func handshakeMsg(typ byte, body []byte) []byte { return tlsVec([]byte{typ}, 3, body) }

// tlsRecord wraps a fragment in a record header.
func tlsRecord(ct byte, version uint16, frag []byte) []byte {
	return tlsVec([]byte{ct, byte(version >> 8), byte(version)}, 2, frag)
}

// clientHello builds a ClientHello offering TLS 1.3 and 1.2, with SNI,
// ALPN and two key shares.
func clientHello(sni string, alpn ...string) []byte {
	b := u16s(0x0303)
	b = append(b, make([]byte, 32)...)             // random
	b = tlsVec(b, 1, nil)                          // session id
	b = tlsVec(b, 2, u16s(0x1a1a, 0x1301, 0xc02f)) // GREASE first, as browsers do
	b = tlsVec(b, 1, []byte{0})                    // null compression
	var ext []byte
	if sni != "" {
		ext = tlsExt(ext, extServerName, tlsVec(nil, 2, tlsVec([]byte{0}, 2, []byte(sni))))
	}
	var list []byte
	for _, p := range alpn {
		list = tlsVec(list, 1, []byte(p))
	}
	ext = tlsExt(ext, extALPN, tlsVec(nil, 2, list))
	ext = tlsExt(ext, extSupportedVersions, tlsVec(nil, 1, u16s(0x0304, 0x0303)))
	shares := tlsVec(u16s(29), 2, make([]byte, 32))
	shares = tlsVec(append(shares, u16s(0x11ec)...), 2, make([]byte, 8))
	ext = tlsExt(ext, extKeyShare, tlsVec(nil, 2, shares))
	b = tlsVec(b, 2, ext)
	return handshakeMsg(TLSClientHello, b)
}

// serverHello builds a ServerHello choosing version (via
// supported_versions when it is 1.3) and cipher, acknowledging SNI with
// an empty server_name extension, as servers do.
func serverHello(version, cipher uint16, alpn string) []byte {
	b := u16s(0x0303)
	b = append(b, make([]byte, 32)...)
	b = tlsVec(b, 1, nil)
	b = append(b, u16s(cipher)...)
	b = append(b, 0)
	var ext []byte
	ext = tlsExt(ext, extServerName, nil)
	if alpn != "" {
		ext = tlsExt(ext, extALPN, tlsVec(nil, 2, tlsVec(nil, 1, []byte(alpn))))
	}
	if version == 0x0304 {
		ext = tlsExt(ext, extSupportedVersions, u16s(0x0304))
	}
	return handshakeMsg(TLSServerHello, tlsVec(b, 2, ext))
}

func TestTLSClientHelloFields(t *testing.T) {
	rec := tlsRecord(TLSContentHandshake, 0x0301, clientHello("example.com", "h2", "http/1.1"))
	p := decodeApp(t, true, 443, rec, LayerTLS)
	for field, want := range map[string]string{
		"tls.record.content_type":                    "22",
		"tls.record.version":                         "0x0301",
		"tls.handshake.type":                         "1",
		"tls.handshake.version":                      "0x0303",
		"tls.handshake.extensions_server_name":       "example.com",
		"tls.handshake.extensions_alpn_str":          "h2,http/1.1",
		"tls.handshake.extensions.supported_version": "0x0304,0x0303",
		"tls.handshake.ciphersuite":                  "0x1a1a,0x1301,0xc02f",
	} {
		if got := fieldValue(t, p, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	h := &p.App.TLS.Handshakes[0]
	if got := h.KeyShares[:h.NumKeyShares]; !slices.Equal(got, []uint16{29, 0x11ec}) {
		t.Errorf("key share groups %v, want [29 4588]", got)
	}
	if info, _ := p.AppendInfo(nil); string(info) != "Client Hello (SNI=example.com)" {
		t.Errorf("Info %q", info)
	}
	// The SNI node highlights exactly the name's bytes in the frame, and
	// each key share group node its two bytes.
	var sni bool
	var groups []string
	for _, n := range p.Tree() {
		switch n.Label {
		case "Server Name":
			sni = true
			if got := string(p.Data[n.Bytes.Off:n.Bytes.End()]); got != "example.com" {
				t.Errorf("Server Name node covers %q", got)
			}
		case "Key Share Group":
			groups = append(groups, fmt.Sprintf("%x", p.Data[n.Bytes.Off:n.Bytes.End()]))
		}
	}
	if !sni {
		t.Error("no Server Name node in the tree")
	}
	if got := strings.Join(groups, " "); got != "001d 11ec" {
		t.Errorf("Key Share Group nodes cover %q, want 001d 11ec", got)
	}
}

// A server's empty server_name extension once ended the extension walk,
// losing the ServerHello's ALPN and supported_versions.
func TestTLSServerHelloAfterEmptyServerName(t *testing.T) {
	rec := tlsRecord(TLSContentHandshake, 0x0303, serverHello(0x0304, 0x1301, "h2"))
	p := decodeApp(t, true, 443, rec, LayerTLS)
	for field, want := range map[string]string{
		"tls.handshake.type":                         "2",
		"tls.handshake.extensions_alpn_str":          "h2",
		"tls.handshake.extensions.supported_version": "0x0304",
		"tls.handshake.ciphersuite":                  "0x1301",
	} {
		if got := fieldValue(t, p, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if p.Problem.Kind != NoProblem {
		t.Errorf("problem %v", p.Problem)
	}
}

// feedAll feeds segments of one direction in order and returns the
// handshake types and record types reported for each.
func feedAll(c *TLSConn, dir int, segs ...[]byte) (hs, recs [][]uint8) {
	var out TLS
	seq := uint32(1000)
	for _, s := range segs {
		c.Feed(dir, seq, s, 0, &out)
		seq += uint32(len(s))
		var h, r []uint8
		for _, m := range out.Handshakes[:out.NumHandshakes] {
			h = append(h, m.Type)
		}
		for _, x := range out.Records[:out.NumRecords] {
			r = append(r, x.ContentType)
		}
		hs, recs = append(hs, h), append(recs, r)
	}
	return hs, recs
}

// A record whose header is split over two segments still collects its
// body: a 4-byte ServerHelloDone record was lost that way.
func TestTLSRecordHeaderSplitOverSegments(t *testing.T) {
	done := tlsRecord(TLSContentHandshake, 0x0303, handshakeMsg(14, nil))
	sh := tlsRecord(TLSContentHandshake, 0x0303, serverHello(0x0303, 0xc02f, ""))
	stream := append(sh, done...)
	cut := len(sh) + 3 // inside the second record's header
	var c TLSConn
	hs, recs := feedAll(&c, 1, stream[:cut], stream[cut:])
	if !slices.Equal(hs[0], []uint8{TLSServerHello}) || !slices.Equal(hs[1], []uint8{14}) {
		t.Errorf("handshakes per segment %v, want [[2] [14]]", hs)
	}
	if len(recs[1]) != 1 || recs[1][0] != TLSContentHandshake {
		t.Errorf("records per segment %v", recs)
	}
}

// A handshake message spanning two records, each split over segments, is
// reported once, on the segment that completes it, with its fields.
func TestTLSHandshakeAcrossRecordsAndSegments(t *testing.T) {
	msg := clientHello("split.example", "h2")
	half := len(msg) / 2
	stream := append(tlsRecord(TLSContentHandshake, 0x0301, msg[:half]), tlsRecord(TLSContentHandshake, 0x0301, msg[half:])...)
	var c TLSConn
	var out TLS
	seq := uint32(1)
	for i := 0; i < len(stream); i += 100 {
		end := min(i+100, len(stream))
		c.Feed(0, seq, stream[i:end], 0, &out)
		seq += uint32(end - i)
		if end < len(stream) && out.NumHandshakes != 0 {
			t.Fatalf("handshake reported at byte %d of %d", end, len(stream))
		}
	}
	if out.NumHandshakes != 1 {
		t.Fatalf("%d handshakes on the last segment, want 1", out.NumHandshakes)
	}
	h := &out.Handshakes[0]
	if h.Base != -1 || string(h.Bytes(h.SNI)) != "split.example" || h.Truncated || h.Malformed {
		t.Errorf("reassembled ClientHello: base %d SNI %q truncated %v malformed %v", h.Base, h.Bytes(h.SNI), h.Truncated, h.Malformed)
	}
	// A retransmission of the last segment adds nothing.
	c.Feed(0, seq-10, stream[len(stream)-10:], 0, &out)
	if out.NumRecords != 0 || out.NumHandshakes != 0 {
		t.Errorf("retransmission reported %d records, %d handshakes", out.NumRecords, out.NumHandshakes)
	}
}

// After a ServerHello selecting TLS 1.3, application data records are
// opaque: tshark shows no tls.record.content_type for them.
func TestTLS13RecordsAreOpaque(t *testing.T) {
	var c TLSConn
	feedAll(&c, 0, tlsRecord(TLSContentHandshake, 0x0301, clientHello("a.example")))
	feedAll(&c, 1, tlsRecord(TLSContentHandshake, 0x0303, serverHello(0x0304, 0x1301, "")))
	var out TLS
	c.Feed(0, 5000, tlsRecord(TLSContentApplicationData, 0x0303, make([]byte, 40)), 0, &out)
	if out.NumRecords != 1 || !out.Records[0].Opaque {
		t.Fatalf("records %+v, want one opaque", out.Records[:out.NumRecords])
	}
}

// The first certificate's subject CN and SAN DNS names, checked against
// a certificate crypto/x509 made.
func TestTLSCertificateNames(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "cn.example", Organization: []string{"l7sniff"}},
		DNSNames:     []string{"a.example", "b.example"},
		NotBefore:    time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tls13 := range []bool{false, true} {
		var body []byte
		entry := tlsVec(nil, 3, der)
		if tls13 {
			body = tlsVec(nil, 1, nil)
			entry = tlsVec(entry, 2, nil)
		}
		body = tlsVec(body, 3, entry)
		msg := handshakeMsg(TLSCertificate, body)
		var h TLSHandshake
		parseTLSHandshake(&h, msg, 0, 0, false, tls13)
		var sans []string
		for _, r := range h.CertSAN[:h.NumCertSAN] {
			sans = append(sans, string(h.Bytes(r)))
		}
		if cn := string(h.Bytes(h.CertCN)); cn != "cn.example" || !slices.Equal(sans, tmpl.DNSNames) || h.Malformed {
			t.Errorf("tls13=%v: CN %q SANs %v malformed %v", tls13, cn, sans, h.Malformed)
		}
	}
}

// Cut and corrupted messages are marked, never panic, and keep what was
// readable.
func TestTLSBadInput(t *testing.T) {
	msg := clientHello("cut.example", "h2")
	var h TLSHandshake
	for n := 0; n <= len(msg); n++ {
		parseTLSHandshake(&h, msg[:n], 0, 0, false, false)
		if n < len(msg) && !h.Truncated {
			t.Fatalf("cut at %d of %d: not marked truncated", n, len(msg))
		}
	}
	bad := slices.Clone(msg)
	bad[4+2+32+1+1] = 0xff // cipher suites length far past the message
	parseTLSHandshake(&h, bad, 0, 0, false, false)
	if !h.Malformed {
		t.Error("an overlong cipher suite list is not marked malformed")
	}
	p := decodeApp(t, true, 443, tlsRecord(TLSContentHandshake, 0x0301, bad), LayerTLS)
	if p.Problem.Kind != Malformed || p.Problem.Layer != LayerTLS {
		t.Errorf("problem %v, want TLS malformed", p.Problem)
	}
}

// Records the dissector reads are held until whole; a cut application
// data record is not (TLSConn follows it by length).
func TestSplitTLS(t *testing.T) {
	r1 := tlsRecord(TLSContentHandshake, 0x0303, make([]byte, 10))
	r2 := tlsRecord(TLSContentApplicationData, 0x0303, make([]byte, 20))
	b := append(slices.Clone(r1), r2...)
	for _, c := range []struct {
		n     int
		whole int
		more  bool
	}{{len(b), len(b), false}, {len(r1) + 3, len(r1), true}, {len(r1) + 10, len(r1) + 10, false}, {8, 0, true}, {3, 0, true}} {
		if w, m := splitTLS(b[:c.n]); w != c.whole || m != c.more {
			t.Errorf("split of %d bytes = %d, %v; want %d, %v", c.n, w, m, c.whole, c.more)
		}
	}
	if w, m := splitTLS([]byte("GET / HTTP/1.1\r\n")); w != 16 || m {
		t.Errorf("non-TLS bytes held back: %d, %v", w, m)
	}

}

func FuzzTLS(f *testing.F) {
	seeds := corpusPayloads(f, true, 443, 60, "tls", "443-", "chrome", "firefox", "facebook")
	seeds = append(seeds, tlsRecord(TLSContentHandshake, 0x0301, clientHello("f.example", "h2")))
	fuzzApp(f, true, 443, seeds)
}

func BenchmarkTLSClientHello(b *testing.B) {
	rec := tlsRecord(TLSContentHandshake, 0x0301, clientHello("bench.example.com", "h2", "http/1.1"))
	data := appFrame(true, 443, rec)
	var p Packet
	var c AppConn
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c = AppConn{tls: c.tls} // a new connection's first packet, reusing its buffers
		if c.tls != nil {
			c.tls.Reset()
		}
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
	}
	if p.App.TLS.NumHandshakes != 1 {
		b.Fatal("ClientHello not decoded")
	}
}

// decodeFlow decodes TCP payloads of one flow in order with per-flow
// state, client to server from port 40000, and returns the layer each
// claimed.
func decodeFlow(t *testing.T, port uint16, payloads ...[]byte) []Layer {
	t.Helper()
	var c AppConn
	var p Packet
	var layers []Layer
	seq := [2]uint32{1, 1}
	for i, pl := range payloads {
		data := decodetest.TCPFrame(40000, port, pl)
		if i%2 == 1 { // replies come from the server
			data = decodetest.TCPFrame(port, 40000, pl)
		}
		DecodeHeaders(LinkEthernet, data, len(data), &p)
		be.PutUint32(data[14+20+4:], seq[i%2])
		seq[i%2] += uint32(len(pl))
		DecodeStream(LinkEthernet, data, len(data), &p, &Stream{Conn: &c})
		layers = append(layers, p.App.Layer)
	}
	return layers
}

// Off the TLS ports a Hello is TLS when another protocol came first (a
// hand-over such as MySQL's or STARTTLS) or when no dissector owns the
// port; a flow that starts with one on another protocol's port is not TLS
// to tshark, its replies included.
func TestTLSHeuristicHandOver(t *testing.T) {
	ch := tlsRecord(TLSContentHandshake, 0x0301, clientHello("h.example"))
	sh := tlsRecord(TLSContentHandshake, 0x0303, serverHello(0x0303, 0xc02f, ""))
	for _, c := range []struct {
		name     string
		port     uint16
		payloads [][]byte
		want     []Layer
	}{
		{"first bytes on HTTP's port", 80, [][]byte{ch, sh}, []Layer{LayerNone, LayerNone}},
		{"first bytes on a port nobody owns", 7070, [][]byte{ch, sh}, []Layer{LayerTLS, LayerTLS}},
		{"after a cleartext exchange", 3306, [][]byte{[]byte("J\x00\x00\x00\x0a8.0.0"), ch, sh}, []Layer{LayerNone, LayerTLS, LayerTLS}},
	} {
		got := decodeFlow(t, c.port, c.payloads...)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: layers %v, want %v", c.name, got, c.want)
		}
	}
}
