package benchgen

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
)

// The application messages flows open with, written from each protocol's
// specification (not copied from any capture or from the pattern files),
// so that classification has to recognise real protocol openings.

var be = binary.BigEndian

// msg is one application message: who sends it and its bytes.
type msg struct {
	fromServer bool
	data       []byte
}

func cli(b []byte) msg { return msg{false, b} }
func srv(b []byte) msg { return msg{true, b} }

// randBytes returns n random bytes (keys, nonces, ciphertext).
func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var (
	hostWords = []string{"www", "api", "cdn", "static", "mail", "img", "login", "news", "shop", "docs"}
	domains   = []string{"example.com", "example.net", "example.org", "test.example", "invalid.example"}
	paths     = []string{"/", "/index.html", "/api/v1/items?page=2", "/static/app.3f9c.js", "/images/logo.png",
		"/favicon.ico", "/search?q=packet+sniffer", "/login", "/feed.xml", "/assets/style.css"}
	agents = []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"curl/7.88.1", "Wget/1.21.3",
	}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func hostName(r *rand.Rand) string { return pick(r, hostWords) + "." + pick(r, domains) }

// httpExchange is an HTTP/1.1 request and the head of its response
// (RFC 9112); the body follows in the flow's bulk packets.
func httpExchange(r *rand.Rand) []msg {
	method := "GET"
	if r.IntN(8) == 0 {
		method = "POST"
	}
	req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"+
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"+
		"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\n\r\n",
		method, pick(r, paths), hostName(r), pick(r, agents))
	status := pick(r, []string{"200 OK", "200 OK", "200 OK", "304 Not Modified", "404 Not Found", "301 Moved Permanently"})
	body := "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Example Domain</title></head>\n<body>\n"
	resp := fmt.Sprintf("HTTP/1.1 %s\r\nServer: nginx/1.22.1\r\nDate: Mon, 02 Mar 2026 10:00:00 GMT\r\n"+
		"Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"+
		"Cache-Control: max-age=3600\r\n\r\n%s", status, 1000+r.IntN(500000), body)
	return []msg{cli([]byte(req)), srv([]byte(resp))}
}

// tlsExchange is a TLS 1.3 ClientHello with SNI and ALPN, and the
// ServerHello, ChangeCipherSpec and first encrypted record (RFC 8446).
func tlsExchange(r *rand.Rand) []msg {
	// ClientHello body.
	var ch []byte
	ch = append(ch, 0x03, 0x03) // legacy_version TLS 1.2
	ch = append(ch, randBytes(r, 32)...)
	sid := randBytes(r, 32)
	ch = append(ch, byte(len(sid)))
	ch = append(ch, sid...)
	suites := []uint16{0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	ch = be.AppendUint16(ch, uint16(2*len(suites)))
	for _, s := range suites {
		ch = be.AppendUint16(ch, s)
	}
	ch = append(ch, 1, 0) // compression: null only
	var ext []byte
	host := hostName(r)
	sni := be.AppendUint16(nil, uint16(len(host)+3))
	sni = append(sni, 0) // host_name
	sni = be.AppendUint16(sni, uint16(len(host)))
	sni = append(sni, host...)
	ext = tlsExt(ext, 0x0000, sni)
	ext = tlsExt(ext, 0x0017, nil)                                                          // extended_master_secret
	ext = tlsExt(ext, 0xff01, []byte{0})                                                    // renegotiation_info
	ext = tlsExt(ext, 0x000a, []byte{0, 8, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19}) // groups
	ext = tlsExt(ext, 0x000b, []byte{1, 0})                                                 // ec_point_formats
	ext = tlsExt(ext, 0x0010, []byte{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'})
	ext = tlsExt(ext, 0x000d, []byte{0, 8, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03}) // signature_algorithms
	ks := []byte{0, 36, 0x00, 0x1d, 0, 32}
	ks = append(ks, randBytes(r, 32)...)
	ext = tlsExt(ext, 0x0033, ks)                                // key_share x25519
	ext = tlsExt(ext, 0x002b, []byte{4, 0x03, 0x04, 0x03, 0x03}) // supported_versions
	ext = tlsExt(ext, 0x002d, []byte{1, 1})                      // psk_key_exchange_modes
	ch = be.AppendUint16(ch, uint16(len(ext)))
	ch = append(ch, ext...)
	client := tlsRecord(0x16, 0x0301, tlsHandshake(1, ch))

	// ServerHello body.
	var sh []byte
	sh = append(sh, 0x03, 0x03)
	sh = append(sh, randBytes(r, 32)...)
	sh = append(sh, byte(len(sid)))
	sh = append(sh, sid...)
	sh = append(sh, 0x13, 0x01, 0) // TLS_AES_128_GCM_SHA256, no compression
	var sext []byte
	sext = tlsExt(sext, 0x002b, []byte{0x03, 0x04})
	sks := []byte{0x00, 0x1d, 0, 32}
	sks = append(sks, randBytes(r, 32)...)
	sext = tlsExt(sext, 0x0033, sks)
	sh = be.AppendUint16(sh, uint16(len(sext)))
	sh = append(sh, sext...)
	server := tlsRecord(0x16, 0x0303, tlsHandshake(2, sh))
	server = append(server, tlsRecord(0x14, 0x0303, []byte{1})...)
	// Encrypted extensions, certificate and so on: opaque application data.
	server = append(server, tlsRecord(0x17, 0x0303, randBytes(r, 1000+r.IntN(2500)))...)
	finished := tlsRecord(0x14, 0x0303, []byte{1})
	finished = append(finished, tlsRecord(0x17, 0x0303, randBytes(r, 53))...)
	return []msg{cli(client), srv(server), cli(finished)}
}

func tlsExt(b []byte, typ uint16, data []byte) []byte {
	b = be.AppendUint16(b, typ)
	b = be.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

func tlsHandshake(typ byte, body []byte) []byte {
	b := []byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	return append(b, body...)
}

func tlsRecord(typ byte, version uint16, body []byte) []byte {
	b := []byte{typ}
	b = be.AppendUint16(b, version)
	b = be.AppendUint16(b, uint16(len(body)))
	return append(b, body...)
}

// sshExchange is the identification strings and the client's KEXINIT
// (RFC 4253 sections 4.2 and 7.1).
func sshExchange(r *rand.Rand) []msg {
	server := pick(r, []string{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n", "SSH-2.0-dropbear_2022.83\r\n"})
	client := pick(r, []string{"SSH-2.0-OpenSSH_9.6\r\n", "SSH-2.0-PuTTY_Release_0.81\r\n", "SSH-2.0-Go\r\n"})
	var kex []byte
	kex = append(kex, 20) // SSH_MSG_KEXINIT
	kex = append(kex, randBytes(r, 16)...)
	for _, l := range []string{
		"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,ext-info-c",
		"ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
		"chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
		"umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-256", "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
		"none,zlib@openssh.com", "none,zlib@openssh.com", "", "",
	} {
		kex = be.AppendUint32(kex, uint32(len(l)))
		kex = append(kex, l...)
	}
	kex = append(kex, 0, 0, 0, 0, 0) // first_kex_packet_follows, reserved
	return []msg{srv([]byte(server)), cli([]byte(client)), cli(sshPacket(kex)), srv(sshPacket(kex))}
}

// sshPacket frames a payload as an unencrypted binary packet: length,
// padding length, payload, at least 4 bytes of padding to a multiple of 8.
func sshPacket(payload []byte) []byte {
	pad := 8 - (len(payload)+5)%8
	if pad < 4 {
		pad += 8
	}
	b := be.AppendUint32(nil, uint32(1+len(payload)+pad))
	b = append(b, byte(pad))
	b = append(b, payload...)
	return append(b, make([]byte, pad)...)
}

// dnsExchange is a recursive query and its answer (RFC 1035 section 4).
func dnsExchange(r *rand.Rand) []msg {
	id := uint16(r.Uint32())
	qtype := pick(r, []uint16{1, 1, 1, 28, 28, 65, 15})
	q := be.AppendUint16(nil, id)
	q = append(q, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0) // RD; one question
	name := hostName(r)
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			q = append(q, byte(i-start))
			q = append(q, name[start:i]...)
			start = i + 1
		}
	}
	q = append(q, 0)
	q = be.AppendUint16(q, qtype)
	q = append(q, 0, 1) // IN
	a := append([]byte(nil), q...)
	a[2], a[3] = 0x81, 0x80 // response, RD, RA
	a[7] = 1                // one answer
	a = append(a, 0xc0, 12) // name: pointer to the question
	a = be.AppendUint16(a, qtype)
	a = append(a, 0, 1)
	a = be.AppendUint32(a, uint32(60+r.IntN(3600)))
	switch qtype {
	case 28:
		a = append(a, 0, 16, 0x20, 0x01, 0x0d, 0xb8)
		a = append(a, randBytes(r, 12)...)
	case 1:
		a = append(a, 0, 4, 192, 0, 2, byte(r.IntN(254)+1))
	default: // MX/HTTPS: some opaque rdata
		a = append(a, 0, 12)
		a = append(a, randBytes(r, 12)...)
	}
	return []msg{cli(q), srv(a)}
}

// ntpExchange is a client request and a server reply (RFC 5905 section 7.3).
func ntpExchange(r *rand.Rand) []msg {
	// NTP era 0 seconds for early 2026.
	const sec = 3981715200
	req := make([]byte, 48)
	req[0] = 0<<6 | 4<<3 | 3 // LI 0, version 4, client
	req[2], req[3] = 6, 0xec // poll, precision
	be.PutUint32(req[40:], sec+uint32(r.IntN(86400)))
	be.PutUint32(req[44:], r.Uint32())
	resp := make([]byte, 48)
	resp[0] = 0<<6 | 4<<3 | 4 // server
	resp[1], resp[2], resp[3] = 2, 6, 0xe9
	be.PutUint32(resp[4:], 0x00000020)
	be.PutUint32(resp[8:], 0x00000040)
	copy(resp[12:16], []byte{192, 0, 2, 123})
	for off := 16; off < 48; off += 8 {
		be.PutUint32(resp[off:], sec+uint32(r.IntN(86400)))
		be.PutUint32(resp[off+4:], r.Uint32())
	}
	copy(resp[24:32], req[40:48]) // origin = client's transmit
	return []msg{cli(req), srv(resp)}
}

// mailExchange is the opening of an SMTP (RFC 5321), POP3 (RFC 1939),
// IMAP (RFC 9051) or FTP (RFC 959) session: server greeting first.
func mailExchange(r *rand.Rand, proto string) []msg {
	switch proto {
	case "smtp":
		return []msg{
			srv([]byte("220 mail." + pick(r, domains) + " ESMTP Postfix (Debian/GNU)\r\n")),
			cli([]byte("EHLO client." + pick(r, domains) + "\r\n")),
			srv([]byte("250-mail.example.net\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n")),
			cli([]byte("MAIL FROM:<alice@example.org> SIZE=4096\r\n")),
			srv([]byte("250 2.1.0 Ok\r\n")),
		}
	case "pop3":
		return []msg{
			srv([]byte("+OK Dovecot (Debian) ready.\r\n")),
			cli([]byte("CAPA\r\n")),
			srv([]byte("+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\nSASL PLAIN\r\n.\r\n")),
			cli([]byte("USER alice\r\n")),
			srv([]byte("+OK\r\n")),
		}
	case "imap":
		return []msg{
			srv([]byte("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n")),
			cli([]byte("a001 LOGIN alice secret\r\n")),
			srv([]byte("a001 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH] Logged in\r\n")),
			cli([]byte("a002 SELECT INBOX\r\n")),
		}
	default: // ftp
		return []msg{
			srv([]byte("220 (vsFTPd 3.0.3)\r\n")),
			cli([]byte("USER anonymous\r\n")),
			srv([]byte("331 Please specify the password.\r\n")),
			cli([]byte("PASS guest@example.org\r\n")),
			srv([]byte("230 Login successful.\r\n")),
			cli([]byte("SYST\r\n")),
			srv([]byte("215 UNIX Type: L8\r\n")),
		}
	}
}

// btExchange is the peer wire handshake of BitTorrent (BEP 3) followed by
// a bitfield message.
func btExchange(r *rand.Rand) []msg {
	info := randBytes(r, 20)
	hs := func() []byte {
		b := append([]byte{19}, "BitTorrent protocol"...)
		b = append(b, 0, 0, 0, 0, 0, 0x10, 0, 0x05) // extension protocol, fast, DHT
		b = append(b, info...)
		b = append(b, "-qB4650-"...)
		return append(b, randBytes(r, 12)...)
	}
	bits := randBytes(r, 100+r.IntN(300))
	bitfield := be.AppendUint32(nil, uint32(1+len(bits)))
	bitfield = append(bitfield, 5)
	bitfield = append(bitfield, bits...)
	return []msg{cli(hs()), srv(hs()), srv(bitfield)}
}

// dhtExchange is a BitTorrent DHT get_peers query and its reply (BEP 5,
// bencoded).
func dhtExchange(r *rand.Rand) []msg {
	q := []byte("d1:ad2:id20:")
	q = append(q, randBytes(r, 20)...)
	q = append(q, "9:info_hash20:"...)
	q = append(q, randBytes(r, 20)...)
	q = append(q, "e1:q9:get_peers1:t2:"...)
	q = append(q, randBytes(r, 2)...)
	q = append(q, "1:y1:qe"...)
	a := []byte("d1:rd2:id20:")
	a = append(a, randBytes(r, 20)...)
	a = append(a, "5:nodes208:"...)
	a = append(a, randBytes(r, 208)...)
	a = append(a, "5:token8:"...)
	a = append(a, randBytes(r, 8)...)
	a = append(a, "e1:t2:"...)
	a = append(a, q[len(q)-9:len(q)-7]...)
	a = append(a, "1:y1:re"...)
	return []msg{cli(q), srv(a)}
}

// sipExchange is a REGISTER and its 200 OK (RFC 3261).
func sipExchange(r *rand.Rand) []msg {
	branch := fmt.Sprintf("z9hG4bK%08x", r.Uint32())
	tag := fmt.Sprintf("%08x", r.Uint32())
	head := "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch + "\r\nFrom: <sip:alice@example.com>;tag=" + tag +
		"\r\nTo: <sip:alice@example.com>\r\nCall-ID: " + fmt.Sprintf("%016x", r.Uint64()) + "@10.0.0.1\r\nCSeq: 1 REGISTER\r\n"
	req := "REGISTER sip:example.com SIP/2.0\r\n" + head + "Max-Forwards: 70\r\nContact: <sip:alice@10.0.0.1:5060>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n"
	resp := "SIP/2.0 200 OK\r\n" + head + "Contact: <sip:alice@10.0.0.1:5060>;expires=3600\r\nContent-Length: 0\r\n\r\n"
	return []msg{cli([]byte(req)), srv([]byte(resp))}
}

// mysqlExchange is the server's protocol-10 handshake and the client's
// response (MySQL client/server protocol, connection phase).
func mysqlExchange(r *rand.Rand) []msg {
	var g []byte
	g = append(g, 10)
	g = append(g, "8.0.36-0+deb12u1\x00"...)
	g = binary.LittleEndian.AppendUint32(g, r.Uint32()%100000)
	g = append(g, randPrintable(r, 8)...)
	g = append(g, 0, 0xff, 0xff, 0xff, 0x02, 0x00, 0xff, 0xdf, 21)
	g = append(g, make([]byte, 10)...)
	g = append(g, randPrintable(r, 12)...)
	g = append(g, 0)
	g = append(g, "caching_sha2_password\x00"...)
	login := binary.LittleEndian.AppendUint32(nil, 0x01afa20d)
	login = binary.LittleEndian.AppendUint32(login, 1<<24)
	login = append(login, 255)
	login = append(login, make([]byte, 23)...)
	login = append(login, "app\x00"...)
	login = append(login, 32)
	login = append(login, randBytes(r, 32)...)
	login = append(login, "caching_sha2_password\x00"...)
	return []msg{srv(mysqlPacket(0, g)), cli(mysqlPacket(1, login))}
}

func mysqlPacket(seq byte, payload []byte) []byte {
	b := []byte{byte(len(payload)), byte(len(payload) >> 8), byte(len(payload) >> 16), seq}
	return append(b, payload...)
}

func randPrintable(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('!' + r.IntN(94))
	}
	return b
}

// redisExchange is a RESP command and reply.
func redisExchange(r *rand.Rand) []msg {
	key := fmt.Sprintf("session:%d", r.IntN(1_000_000))
	cmd := fmt.Sprintf("*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(key), key)
	val := randPrintable(r, 20+r.IntN(200))
	reply := fmt.Sprintf("$%d\r\n%s\r\n", len(val), val)
	return []msg{cli([]byte(cmd)), srv([]byte(reply))}
}

// wireguardExchange is a WireGuard handshake initiation and response
// (whitepaper section 5.4): a UDP protocol no pattern names, so its flows
// end "unknown"; transport data follows in bulk packets.
func wireguardExchange(r *rand.Rand) []msg {
	init := []byte{1, 0, 0, 0}
	init = append(init, randBytes(r, 144)...)
	resp := []byte{2, 0, 0, 0}
	resp = append(resp, randBytes(r, 88)...)
	return []msg{cli(init), srv(resp)}
}

// opaqueExchange is an unidentifiable TCP opening (an obfuscated or
// proprietary protocol), so "unknown" verdicts are exercised too.
func opaqueExchange(r *rand.Rand) []msg {
	return []msg{cli(randBytes(r, 64+r.IntN(400))), srv(randBytes(r, 64+r.IntN(1200)))}
}
