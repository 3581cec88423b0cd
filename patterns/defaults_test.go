package patterns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/internal/corpustest"
)

// firstPackets are realistic opening payloads, built from each protocol's
// specification (see the comments in defaults/*.pat).
var firstPackets = map[string][]string{
	"http": {
		"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
		"POST /api/v1/items HTTP/1.1\r\nHost: example.com\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
	},
	"ssl": {
		"\x16\x03\x01\x00\xf1\x01\x00\x00\xed\x03\x03\x5a\x1b\x9c\x00\x11\x22\x33\x44",
		"\x16\x03\x00\x00\x4f\x01\x00\x00\x4b\x03\x00\x41\x42",
		"\x80\x4c\x01\x03\x01\x00\x33\x00\x00\x00\x10",
		// Mid-connection: an application data record, and an alert.
		"\x17\x03\x03\x00\x45\x9a\x1c\xe3\x50\x07",
		"\x15\x03\x03\x00\x1a\x00\x00\x00\x00\x00\x00\x00\x01\xd2\x37",
	},
	"ssh": {"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", "SSH-1.99-Cisco-1.25\r\n"},
	"ssdp": {
		"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n",
		"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n",
		"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.0.2.7:8008/ssdp/device-desc.xml\r\nST: upnp:rootdevice\r\nUSN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice\r\n\r\n",
	},
	"socks": {
		// SOCKS5, no authentication, CONNECT to a domain name: greeting,
		// method choice, request (as one stream).
		"\x05\x01\x00" + "\x05\x00" + "\x05\x01\x00\x03\x0bexample.com\x00\x50",
		// SOCKS5 with username/password (RFC 1929).
		"\x05\x02\x00\x02" + "\x05\x02" + "\x01\x05alice\x06secret" + "\x01\x00" + "\x05\x01\x00\x01\xc0\x00\x02\x0a\x01\xbb",
		// SOCKS4 CONNECT with user id "bob", request granted.
		"\x04\x01\x00\x50\xc0\x00\x02\x0abob\x00" + "\x00\x5a\x00\x50\xc0\x00\x02\x0a",
	},
	"dns": {
		// A query for www.example.com, type A, class IN, with RD set.
		"\x1a\x2b\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01",
		// AAAA with an EDNS OPT record.
		"\xbe\xef\x01\x20\x00\x01\x00\x00\x00\x00\x00\x01\x06google\x03com\x00\x00\x1c\x00\x01\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00",
		// An mDNS PTR query with the unicast-response bit.
		"\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x08_airplay\x04_tcp\x05local\x00\x00\x0c\x80\x01",
	},
	"smtp": {"220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n", "220 mail.example.com Service ready\r\nEHLO client.example.net\r\n"},
	"ftp":  {"220 (vsFTPd 3.0.5)\r\n", "220 Welcome\r\nUSER anonymous\r\n"},
	"pop3": {"+OK Dovecot (Debian) ready.\r\n", "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"},
	"imap": {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n", "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"},
	"bittorrent": {
		"\x13BitTorrent protocol\x00\x00\x00\x00\x00\x10\x00\x05\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd",
		"d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
		"GET /announce?info_hash=%12%34&peer_id=-qB4650-abcdefghijkl&port=6881 HTTP/1.1\r\nHost: tracker.example.org\r\n\r\n",
	},
	"rtsp":     {"OPTIONS rtsp://192.0.2.10:554/stream RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: LibVLC/3.0.20\r\n\r\n", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"},
	"sip":      {"INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n", "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n", "SIP/2.0 100 Trying\r\n"},
	"jabber":   {"<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>", "<stream:stream xmlns:stream=\"http://etherx.jabber.org/streams\" xmlns=\"jabber:server\" to=\"b.example\">", "</stream:stream>"},
	"irc":      {"NICK alice\r\nUSER alice 0 * :Alice Liddell\r\n", "CAP LS 302\r\nNICK bob\r\nUSER bob 0 * :Bob\r\n", ":irc.example.net NOTICE * :*** Looking up your hostname...\r\n"},
	"mysql":    {"\x4a\x00\x00\x00\x0a8.0.36\x00\x0b\x00\x00\x00\x25\x3a\x6f\x2c\x1a\x5e\x4b\x11\x00\xff\xff\xff\x02\x00\xff\xdf\x15", "\x59\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB-0+deb12u1\x00\x05\x00\x00\x00"},
	"postgres": {"\x00\x00\x00\x54\x00\x03\x00\x00user\x00postgres\x00database\x00app\x00application_name\x00psql\x00\x00", "\x00\x00\x00\x08\x04\xd2\x16\x2f"},
	"redis":    {"*1\r\n$4\r\nPING\r\n", "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"},
	"mqtt":     {"\x10\x23\x00\x04MQTT\x04\x02\x00\x3c\x00\x17mosq-xyz1234567890abcde", "\x10\x1a\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x0cclient-00001"},
	"rdp": {"\x03\x00\x00\x2b\x26\xe0\x00\x00\x00\x00\x00Cookie: mstshash=alice\r\n\x01\x00\x08\x00\x03\x00\x00\x00", "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x0b\x00\x00\x00",
		// RDP-UDP SYN: snSourceAck -1, window 64, flags SYN|CORRELATION_ID|SYNEX, ISN, MTUs 1232.
		"\xff\xff\xff\xff\x00\x40\x08\x01\x2b\x7e\x15\x16\x04\xd0\x04\xd0" + strings.Repeat("\x00", 32)},
	"vnc":      {"RFB 003.008\n"},
	"gnutella": {"GNUTELLA CONNECT/0.6\r\nUser-Agent: gtk-gnutella/1.2.2\r\n", "GNUTELLA/0.6 200 OK\r\n", "GIV 0:74e83102414c9fb617abb10c9760594a/file\n\n"},
	"syslog":   {"<26>Jan 01 00:01:47 nb6 nbd: 01=7;03=95.136.242.54", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - event", "<134> 2021-04-18 15:12:38+04:00 10.126.20.68 Log"},
	"telnet":   {"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27", "\xff\xfb\x01\xff\xfb\x03"},
	"smb": {
		"\x00\x00\x00\x85\xffSMBr\x00\x00\x00\x00\x18\x53\xc8\x00\x00",
		"\x00\x00\x00\xb0\xfeSMB\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		"\x81\x00\x00\x44\x20CKFDENECFDEFFCFGEFFCCACACACACACA\x00\x20EMEFEDEJFDEBECEGEEFFEPEOEMCACAAA\x00\x82\x00\x00\x00\x00\x00\x00\x85\xffSMBr",
	},
	"ntp": {
		// An SNTP client request: all zero but the first byte and the
		// transmit timestamp.
		"\x23" + strings.Repeat("\x00", 39) + "\xeb\x1d\x2f\x40\x8a\x3c\x11\x02",
		// An ntpd server reply.
		"\x24\x02\x03\xe8\x00\x00\x00\x1c\x00\x00\x00\x24\xc0\xa8\x01\x01\xeb\x1d\x2e\x10\x12\x34\x56\x78\xeb\x1d\x2f\x40\x8a\x3c\x11\x02\xeb\x1d\x2f\x40\x8b\x00\x00\x10\xeb\x1d\x2f\x40\x8b\x01\x00\x20",
	},
	"usb-storage": {
		// CBW: INQUIRY, 36 bytes in, LUN 0.
		"USBC\x01\x00\x00\x00\x24\x00\x00\x00\x80\x00\x06\x12\x00\x00\x00\x24\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		// CSW: tag 1, no residue, passed.
		"USBS\x01\x00\x00\x00\x00\x00\x00\x00\x00",
	},
}

// overlaps are the defaults whose messages another default's pattern
// also describes, and which take priority over it: a tracker request and
// an SSDP search answer are HTTP messages; SOCKS5's username/password
// sub-negotiation is length-prefixed strings, as DNS names are.
var overlaps = map[string]string{"bittorrent": "http", "ssdp": "http", "socks": "dns"}

func TestDefaultsMatchTheirPackets(t *testing.T) {
	set, errs := Default()
	if len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
	if set.Len() != len(firstPackets) {
		t.Errorf("%d default patterns, %d with test packets", set.Len(), len(firstPackets))
	}
	for _, p := range set.Patterns() {
		if p.Meta.Description == "" || p.Meta.Wiki == "" || len(p.Meta.Attributes) == 0 || len(p.Meta.Groups) == 0 {
			t.Errorf("%s: incomplete header %+v", p.File, p.Meta)
		}
		if !strings.HasPrefix(p.File, "defaults/") {
			t.Errorf("%s: file not named defaults/...", p.File)
		}
	}
	for name, pkts := range firstPackets {
		for i, pkt := range pkts {
			st := set.NewStream()
			if v := st.Feed([]byte(pkt)); v.Name() != name {
				t.Errorf("%s packet %d: verdict %s", name, i, v)
			}
			// No other default may match it, whatever the priority,
			// but for the overlaps listed.
			for _, p := range set.Patterns() {
				if p.Name != name && overlaps[name] != p.Name && goMatch(t, p.Regexp, pkt) {
					t.Errorf("%s packet %d also matches %s", name, i, p.Name)
				}
			}
		}
	}
}

// TestDefaultsOnSamples runs the defaults over the l7-protocols samples
// and logs every sample a default claims that is not of its protocol.
// UDP samples are many datagrams in one file, so this is a report, not an
// assertion.
func TestDefaultsOnSamples(t *testing.T) {
	dir := corpustest.Dir(t, "l7-protocols")
	set, _ := Default()
	samples, _ := filepath.Glob(filepath.Join(dir, "testing", "data", "*"))
	// Samples whose file name does not start with the l7 name they carry.
	alias := map[string]string{"validcertssl": "ssl", "http-": "http", "ipp": "http", "bittorrent": "bittorrent"}
	for _, f := range samples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		v := feedChunks(set, data, 1400)
		if !v.Done() || v.Unknown() || strings.HasPrefix(name, v.Name()+"-") {
			continue
		}
		ok := false
		for prefix, proto := range alias {
			ok = ok || strings.HasPrefix(name, prefix) && v.Name() == proto
		}
		if !ok {
			t.Logf("sample %s classified %s by the defaults", name, v)
		}
	}
}

// TestDefaultsHexLint guards the defaults against l7-filter's trap: \xHH
// becomes its byte before parsing, so \x2e is '.' (any byte), not a dot.
func TestDefaultsHexLint(t *testing.T) {
	set, _ := Default()
	for _, p := range set.Patterns() {
		for i := 0; i+3 < len(p.Source); i++ {
			if p.Source[i] == '\\' && p.Source[i+1] == 'x' {
				b := unhex(p.Source[i+2])<<4 | unhex(p.Source[i+3])
				if strings.IndexByte(`$()*+.?[\]^{|}`, b) >= 0 {
					t.Errorf("%s: \\x%s is the regex operator %q; write it escaped", p.File, p.Source[i+2:i+4], b)
				}
			}
		}
	}
}
