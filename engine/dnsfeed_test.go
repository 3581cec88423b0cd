package engine

import (
	"net"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// dnsAnswer builds a DNS response for name with one A record.
func dnsAnswer(t *testing.T, name, addr string, ttl uint32) []byte {
	t.Helper()
	d := &layers.DNS{ID: 7, QR: true, RD: true, RA: true,
		Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}},
		Answers: []layers.DNSResourceRecord{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN,
			TTL: ttl, IP: net.ParseIP(addr).To4()}},
	}
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// clientHelloNoSNI is a TLS 1.2 ClientHello with one cipher suite and no
// extensions: nothing in it names the server.
var clientHelloNoSNI = []byte{
	0x16, 0x03, 0x01, 0x00, 0x2d, // record: handshake, 45 bytes
	0x01, 0x00, 0x00, 0x29, // ClientHello, 41 bytes
	0x03, 0x03, // client_version
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // random
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0x00,                   // session id
	0x00, 0x02, 0xc0, 0x2f, // cipher suites
	0x01, 0x00, // compression: null
}

// TestDNSCacheNamesFlow runs a capture through the engine: a DNS answer,
// then a TLS connection without SNI to the answer's address, which is
// named from the cache; with room for one entry, a second answer evicts
// the first (counted), and a connection to the first address stays
// unnamed.
func TestDNSCacheNamesFlow(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	frames := []testFrame{
		{at(0), udpFrame(t, "10.0.0.53", "10.0.0.1", 53, 40000, dnsAnswer(t, "video.example.com", "192.0.2.9", 300))},
		{at(10), tcpFrame(t, "10.0.0.1", "192.0.2.9", 50000, 443, "S", nil)},
		{at(11), tcpFrame(t, "10.0.0.1", "192.0.2.9", 50000, 443, "PA", clientHelloNoSNI)},
		// Another client: the cache answers per client, falling back to
		// what anyone resolved.
		{at(20), tcpFrame(t, "10.0.0.2", "192.0.2.9", 50001, 443, "S", nil)},
		{at(30), udpFrame(t, "10.0.0.53", "10.0.0.1", 53, 40001, dnsAnswer(t, "other.example.net", "192.0.2.10", 300))},
		// After the second answer took the only entry, the first
		// address has no name any more.
		{at(40), tcpFrame(t, "10.0.0.1", "192.0.2.9", 50002, 443, "S", nil)},
		{at(50), tcpFrame(t, "10.0.0.1", "192.0.2.10", 50003, 443, "S", nil)},
	}
	for _, shards := range []int{1, 3} {
		e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: shards, DNSCacheEntries: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"10.0.0.1:50000": "video.example.com",
			"10.0.0.2:50001": "video.example.com",
			"10.0.0.1:50002": "",
			"10.0.0.1:50003": "other.example.net",
		}
		for _, f := range flowsTo(e.Flows(), "443") {
			w, ok := want[f.A()]
			if !ok {
				t.Errorf("shards %d: unexpected flow %s → %s", shards, f.A(), f.B())
				continue
			}
			delete(want, f.A())
			src := HostSourceDNSCache
			if w == "" {
				src = ""
			}
			if f.Host != w || f.HostSource != src {
				t.Errorf("shards %d: %s → %s: host %q (%s), want %q (%s)", shards, f.A(), f.B(), f.Host, f.HostSource, w, src)
			}
		}
		for a := range want {
			t.Errorf("shards %d: no flow from %s", shards, a)
		}
		st := e.Stats().DNSCache
		if st.Inserted != 2 || st.Evicted != 1 || st.Entries != 1 {
			t.Errorf("shards %d: cache counters %+v, want 2 inserted, 1 evicted, 1 entry", shards, st)
		}
	}
}

// TestMDNSAnnouncementNamesFlow: an mDNS response carries no question;
// each of its address records names its own address, so a later
// connection to the announcing host is named from the cache. A query
// from port 5353 teaches nothing.
func TestMDNSAnnouncementNamesFlow(t *testing.T) {
	announce := &layers.DNS{QR: true, AA: true, Answers: []layers.DNSResourceRecord{
		{Name: []byte("_companion-link._tcp.local"), Type: layers.DNSTypePTR, Class: layers.DNSClassIN, TTL: 4500,
			PTR: []byte("MBPro._companion-link._tcp.local")},
		{Name: []byte("MBPro.local"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 120,
			IP: net.ParseIP("192.168.1.139").To4()},
	}}
	query := &layers.DNS{Questions: []layers.DNSQuestion{{Name: []byte("other.local"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}},
		Answers: []layers.DNSResourceRecord{{Name: []byte("other.local"), Type: layers.DNSTypeA, Class: layers.DNSClassIN,
			TTL: 120, IP: net.ParseIP("192.168.1.140").To4()}}} // known answer, in a query: not learnt
	wire := func(d *layers.DNS) []byte {
		buf := gopacket.NewSerializeBuffer()
		if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
			t.Fatal(err)
		}
		return append([]byte(nil), buf.Bytes()...)
	}
	t0 := time.Unix(1_700_000_000, 0)
	frames := []testFrame{
		{t0, udpFrame(t, "192.168.1.139", "224.0.0.251", 5353, 5353, wire(announce))},
		{t0.Add(time.Millisecond), udpFrame(t, "192.168.1.140", "224.0.0.251", 5353, 5353, wire(query))},
		{t0.Add(2 * time.Millisecond), tcpFrame(t, "192.168.1.121", "192.168.1.139", 50000, 7000, "S", nil)},
		{t0.Add(3 * time.Millisecond), tcpFrame(t, "192.168.1.121", "192.168.1.140", 50001, 7000, "S", nil)},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"192.168.1.139:7000": "MBPro.local", "192.168.1.140:7000": ""}
	for _, f := range flowsTo(e.Flows(), "7000") {
		w, ok := want[f.B()]
		if !ok {
			t.Errorf("unexpected flow %s → %s", f.A(), f.B())
			continue
		}
		delete(want, f.B())
		if f.Host != w || (w != "") != (f.HostSource == HostSourceDNSCache) {
			t.Errorf("%s → %s: host %q (%s), want %q from the DNS cache", f.A(), f.B(), f.Host, f.HostSource, w)
		}
	}
	for b := range want {
		t.Errorf("no flow to %s", b)
	}
}

// TestDNSOverTCPAnswerNamesFlow: a DNS response over TCP (length prefix,
// the whole message in one segment) feeds the cache like one over UDP.
func TestDNSOverTCPAnswerNamesFlow(t *testing.T) {
	msg := dnsAnswer(t, "big.example.org", "198.51.100.7", 300)
	framed := append([]byte{byte(len(msg) >> 8), byte(len(msg))}, msg...)
	t0 := time.Unix(1_700_000_000, 0)
	frames := []testFrame{
		{t0, tcpFrame(t, "10.0.0.53", "10.0.0.1", 53, 40000, "PA", framed)},
		{t0.Add(time.Millisecond), tcpFrame(t, "10.0.0.1", "198.51.100.7", 50000, 443, "S", nil)},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	fs := flowsTo(e.Flows(), "443")
	if len(fs) != 1 || fs[0].Host != "big.example.org" || fs[0].HostSource != HostSourceDNSCache {
		for _, f := range fs {
			t.Errorf("%s → %s: host %q (%s)", f.A(), f.B(), f.Host, f.HostSource)
		}
		t.Fatalf("want one flow to 198.51.100.7:443 named big.example.org from the DNS cache, got %d flows", len(fs))
	}
}
