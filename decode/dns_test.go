package decode

import "testing"

// dnsResponse is a response for example.com with a CNAME and an A record,
// the answers' names compressed.
var dnsResponse = []byte{
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 3, 'w', 'w', 'w', 0xc0, 12,
	0xc0, 41, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
}

func TestDNSResponse(t *testing.T) {
	p := decodeApp(t, false, 53, dnsResponse, LayerDNS)
	for field, want := range map[string]string{
		"dns.id": "0x1234", "dns.flags.response": "1", "dns.flags.rcode": "0",
		"dns.count.answers": "2", "dns.qry.name": "example.com", "dns.qry.type": "1",
		"dns.resp.name": "example.com,www.example.com", "dns.resp.type": "5,1",
		"dns.resp.ttl": "3600,60", "dns.cname": "www.example.com", "dns.a": "93.184.216.34",
	} {
		if got := fieldValue(t, p, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	info, _ := p.AppendInfo(nil)
	if want := "Standard query response 0x1234 A example.com CNAME www.example.com A 93.184.216.34"; string(info) != want {
		t.Errorf("info %q, want %q", info, want)
	}
	if !p.Problem.OK() {
		t.Errorf("problem %v", p.Problem)
	}
}

// A name that points at itself must end in a problem, not a hang.
func TestDNSCompressionLoop(t *testing.T) {
	msg := []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
	p := decodeApp(t, false, 53, msg, LayerDNS)
	if p.Problem.Kind != Malformed || p.Problem.Layer != LayerDNS {
		t.Errorf("problem %v, want a DNS malformation", p.Problem)
	}
}

// Over TCP, a segment carrying two length-prefixed messages shows both.
func TestDNSOverTCPTwoMessages(t *testing.T) {
	one := append([]byte{0, byte(len(dnsResponse))}, dnsResponse...)
	p := decodeApp(t, true, 53, append(append([]byte(nil), one...), one...), LayerDNS)
	if got := fieldValue(t, p, "dns.id"); got != "0x1234,0x1234" {
		t.Errorf("dns.id = %q", got)
	}
	if whole, more := TCPMessages(40000, 53, one[:20]); whole != 0 || !more {
		t.Errorf("TCPMessages of a partial message = %d, %v", whole, more)
	}
}

func FuzzDNS(f *testing.F) {
	fuzzApp(f, false, 53, append(corpusPayloads(f, false, 53, 200, "dns"), dnsResponse))
}
