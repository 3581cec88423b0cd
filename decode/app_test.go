package decode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
	"l7sniff/internal/corpustest"
)

// appFrame wraps an application payload in an Ethernet/IPv4 frame, TCP
// or UDP, from port 40000 to port.
func appFrame(tcp bool, port uint16, payload []byte) []byte {
	if tcp {
		return decodetest.TCPFrame(40000, port, payload)
	}
	return decodetest.UDPFrame(40000, port, payload)
}

// decodeApp decodes payload as sent to port and fails unless the
// dissector for want claimed it.
func decodeApp(t testing.TB, tcp bool, port uint16, payload []byte, want Layer) *Packet {
	t.Helper()
	p := new(Packet)
	data := appFrame(tcp, port, payload)
	Decode(LinkEthernet, data, len(data), p)
	if p.App.Layer != want {
		t.Fatalf("payload to port %d decoded as %v, want %v (problem: %v)", port, p.App.Layer, want, p.Problem)
	}
	return p
}

// fieldValue returns every occurrence of a field, joined by ",", as
// -T fields -E occurrence=a prints them.
func fieldValue(t testing.TB, p *Packet, name string) string {
	t.Helper()
	f, ok := LookupField(name)
	if !ok {
		t.Fatalf("no field %s", name)
	}
	var b []byte
	for i := 0; ; i++ {
		n := len(b)
		if i > 0 {
			b = append(b, ',')
		}
		var has bool
		if b, has = f.AppendNth(b, p, i); !has {
			return string(b[:n])
		}
	}
}

// corpusPayloads returns up to max non-empty application payloads of the
// app corpus captures whose file name contains one of names, sent over
// TCP (tcp) or UDP to or from port: seeds for a dissector's fuzz target.
func corpusPayloads(t testing.TB, tcp bool, port uint16, max int, names ...string) [][]byte {
	t.Helper()
	root := corpustest.Dir(t)
	list, err := os.ReadFile(filepath.Join(root, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	var p Packet
	for _, rel := range strings.Split(string(list), "\n") {
		if rel == "" || rel[0] == '#' || !containsAny(filepath.Base(rel), names) {
			continue
		}
		for _, fr := range readCapture(t, filepath.Join(root, rel)) {
			DecodeHeaders(fr.link, fr.data, fr.wireLen, &p)
			if p.Payload.Len == 0 || p.Has(LayerTCP) != tcp || !p.Has(LayerTCP) && !p.Has(LayerUDP) {
				continue
			}
			s, d := p.UDP.SrcPort, p.UDP.DstPort
			if tcp {
				s, d = p.TCP.SrcPort, p.TCP.DstPort
			}
			if s == port || d == port {
				out = append(out, append([]byte(nil), p.PayloadBytes()...))
				if len(out) == max {
					return out
				}
			}
		}
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// fuzzApp is the body of a dissector's fuzz target: the payload, sent
// over TCP or UDP to port, must decode without a panic and with every
// byte range inside the frame (checkFrame).
func fuzzApp(f *testing.F, tcp bool, port uint16, seeds [][]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		data := appFrame(tcp, port, payload)
		checkFrame(t, LinkEthernet, data, len(data))
	})
}
