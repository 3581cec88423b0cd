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

// TestDecodeAppMatchesDecodeStream runs every TCP and UDP frame of the
// app corpus through DecodeApp, with the headers DecodeHeaders found,
// and through DecodeStream, each with its own per-flow state, and wants
// the same application layer from both: dissector, Info text and every
// application field.
func TestDecodeAppMatchesDecodeStream(t *testing.T) {
	corpus := corpustest.Dir(t)
	list, err := os.ReadFile(filepath.Join(corpus, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var app []*Field
	for _, f := range AllFields() {
		if f.Application() {
			app = append(app, f)
		}
	}
	var full, only, hdr Packet
	frames, differ := 0, 0
	for _, rel := range strings.Split(string(list), "\n") {
		if rel = strings.TrimSpace(rel); rel == "" || strings.HasPrefix(rel, "#") {
			continue
		}
		fullConns, onlyConns := map[FlowKey]*AppConn{}, map[FlowKey]*AppConn{}
		conn := func(m map[FlowKey]*AppConn, k FlowKey) *AppConn {
			if m[k] == nil {
				m[k] = new(AppConn)
			}
			return m[k]
		}
		for i, fr := range readCapture(t, filepath.Join(corpus, rel)) {
			DecodeHeaders(fr.link, fr.data, fr.wireLen, &hdr)
			k := hdr.Flow
			if !k.Valid() || hdr.Quoted || k.Proto != IPProtoTCP && k.Proto != IPProtoUDP {
				continue
			}
			tr := Transport{TCP: k.Proto == IPProtoTCP, FromA: hdr.FromA, Payload: hdr.Payload}
			if tr.TCP {
				tr.SrcPort, tr.DstPort, tr.Seq, tr.SegLen = hdr.TCP.SrcPort, hdr.TCP.DstPort, hdr.TCP.Seq, hdr.TCP.SegLen
			} else {
				tr.SrcPort, tr.DstPort = hdr.UDP.SrcPort, hdr.UDP.DstPort
			}
			DecodeStream(fr.link, fr.data, fr.wireLen, &full, &Stream{Conn: conn(fullConns, k)})
			DecodeApp(fr.link, fr.data, fr.wireLen, &tr, &only, &Stream{Conn: conn(onlyConns, k)})
			frames++
			want, got := appSummary(&full, app), appSummary(&only, app)
			if want != got {
				if differ++; differ <= 20 {
					t.Errorf("%s#%d: DecodeApp gives\n%s\nDecodeStream\n%s", rel, i+1, got, want)
				}
			}
		}
	}
	t.Logf("%d frames, %d differ", frames, differ)
	if frames == 0 {
		t.Fatal("no TCP or UDP frames in the app corpus")
	}
}

// appSummary prints a packet's application layer: dissector, Info and
// every application field present.
func appSummary(p *Packet, fields []*Field) string {
	b := []byte(p.App.Layer.String())
	if p.App.Pending {
		b = append(b, " pending"...)
	}
	b = append(b, '\n')
	b, _ = p.AppendInfo(b)
	for _, f := range fields {
		n := len(b)
		b = append(b, "\n"+f.Name+"="...)
		var ok bool
		if b, ok = f.AppendAll(b, p, ','); !ok {
			b = b[:n]
		}
	}
	return string(b)
}

// TestDecodeAppDissectSet: a dissector outside Transport.Dissect is
// named but not run, one inside it runs.
func TestDecodeAppDissectSet(t *testing.T) {
	data := appFrame(true, 25, []byte("EHLO client.example\r\n"))
	var hdr Packet
	DecodeHeaders(LinkEthernet, data, len(data), &hdr)
	tr := Transport{TCP: true, SrcPort: hdr.TCP.SrcPort, DstPort: hdr.TCP.DstPort, Seq: hdr.TCP.Seq,
		SegLen: hdr.TCP.SegLen, FromA: hdr.FromA, Payload: hdr.Payload}
	for _, c := range []struct {
		run  LayerSet
		want string
	}{
		{0, "EHLO"},
		{1<<LayerSMTP | 1<<LayerHTTP, "EHLO"},
		{1 << LayerHTTP, ""},
	} {
		tr.Dissect = c.run
		p := new(Packet)
		DecodeApp(LinkEthernet, data, len(data), &tr, p, nil)
		if p.App.Layer != LayerSMTP || !p.Has(LayerSMTP) {
			t.Errorf("Dissect %#x: layer %v, want smtp named", c.run, p.App.Layer)
		}
		if got := fieldValue(t, p, "smtp.req.command"); got != c.want {
			t.Errorf("Dissect %#x: smtp.req.command %q, want %q", c.run, got, c.want)
		}
	}
}
