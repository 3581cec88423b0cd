package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"l7sniff/decode"
)

// render writes a compiled filter as text, with every and/or node in
// parentheses, so a test can see how it was grouped and which BPF texts
// went to libpcap.
func render(n filterNode) string {
	switch n := n.(type) {
	case *bpfLeaf:
		return "[" + n.text + "]"
	case appLeaf:
		return "app=" + string(n)
	case serviceLeaf:
		return "service=" + string(n)
	case hostLeaf:
		return "host=" + string(n)
	case notNode:
		return "not " + render(n.x)
	case andNode, orNode:
		op, kids := " and ", []filterNode(nil)
		if o, ok := n.(orNode); ok {
			op, kids = " or ", o
		} else {
			kids = n.(andNode)
		}
		parts := make([]string, len(kids))
		for i, k := range kids {
			parts[i] = render(k)
		}
		return "(" + strings.Join(parts, op) + ")"
	}
	return fmt.Sprintf("?%T", n)
}

func TestViewFilterParse(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{"service youtube and not udp port 53", "(service=youtube and [not udp port 53])"},
		{"host github.com or app ssh", "(host=github.com or app=ssh)"},
		// BPF's precedence: and/or equal, left to right; not tightest.
		{"app ssh or app http and tcp", "((app=ssh or app=http) and [tcp])"},
		{"app ssh or (app http and tcp)", "(app=ssh or (app=http and [tcp]))"},
		{"not app ssh and tcp", "(not app=ssh and [tcp])"},
		{"! app ssh && tcp || udp", "((not app=ssh and [tcp]) or [udp])"},
		{"not not app ssh", "not not app=ssh"},
		{"not (app ssh or app http)", "not (app=ssh or app=http)"},
		// Neighbouring BPF parts go to libpcap as one text, keeping its
		// implied qualifiers ("443" is "port 443").
		{"app http or port 80 or 443", "(app=http or [port 80 or 443])"},
		{"tcp and port 80 and host example.com", "([tcp and port 80] and host=example.com)"},
		{"(tcp or udp) and app dns", "([(tcp or udp)] and app=dns)"},
		{"tcp and udp or port 80 or app x", "([tcp and udp or port 80] or app=x)"},
		{"tcp and port 80", "[tcp and port 80]"},
		// host with an address is BPF's; with a name it is the flow's.
		{"host 10.0.0.1 or app ssh", "([host 10.0.0.1] or app=ssh)"},
		{"host 2001:db8::1 and service x", "([host 2001:db8::1] and service=x)"},
		{"src host 10.0.0.1 and service x", "([src host 10.0.0.1] and service=x)"},
		{"host *.GitHub.com", "host=github.com"},
		{"host .github.com", "host=github.com"},
		{"APP SSH OR Service YouTube", "(app=ssh or service=youtube)"},
		// BPF arithmetic stays whole.
		{"tcp[13]&2!=0 and app ssh", "([tcp[13]&2!=0] and app=ssh)"},
		{"tcp[13] & 2 != 0 and app ssh", "([tcp[13] & 2 != 0] and app=ssh)"},
		{"(tcp[12] & 0xf0) > 20 and app ssh", "([(tcp[12] & 0xf0) > 20] and app=ssh)"},
		{"len > (100) and app ssh", "([len > (100)] and app=ssh)"},
		{"!tcp and app dns", "([!tcp] and app=dns)"},
	} {
		f, err := compileViewFilter(c.expr, decode.LinkEthernet)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if got := render(f.root); got != c.want {
			t.Errorf("%q\n got %s\nwant %s", c.expr, got, c.want)
		}
	}
}

func TestViewFilterErrors(t *testing.T) {
	for _, c := range []struct {
		expr string
		col  int
		msg  string
	}{
		{"app", 1, "app needs a name"},
		{"service and tcp", 1, "service needs a name"},
		{"app ssh and", 12, "ends where an operand is expected"},
		{"(app ssh", 1, "( is never closed"},
		{"app ssh)", 8, `unexpected ")"`},
		{"(app ssh tcp)", 10, `unexpected "tcp"`},
		{"app ssh tcp", 9, `unexpected "tcp"`},
		{"or app ssh", 1, `"or" where an operand is expected`},
		{"app ssh or udp port", 12, `BPF "udp port"`},
		{"(tcp[12] & (app x)) > 1", 12, "inside BPF arithmetic"},
		{"host *", 6, "not just a wildcard"},
		{strings.Repeat("(", 100) + "app x" + strings.Repeat(")", 100), 65, "nested too deeply"},
		{strings.Repeat("not ", 100) + "app x", 257, "nested too deeply"},
	} {
		_, err := compileViewFilter(c.expr, decode.LinkEthernet)
		var fe *FilterError
		if !errors.As(err, &fe) {
			t.Errorf("%q: error %v, want a FilterError", c.expr, err)
			continue
		}
		if fe.Col != c.col || !strings.Contains(fe.Msg, c.msg) {
			t.Errorf("%q: column %d %q, want column %d %q", c.expr, fe.Col, fe.Msg, c.col, c.msg)
		}
	}
	// All-BPF expressions fail with libpcap's own message, as before.
	_, err := compileViewFilter("udp port", decode.LinkEthernet)
	var fe *FilterError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("bad BPF: %v, want libpcap's syntax error", err)
	}
}

func TestHostHasSuffix(t *testing.T) {
	for _, c := range []struct {
		host, suffix string
		want         bool
	}{
		{"api.github.com", "github.com", true},
		{"github.com", "github.com", true},
		{"API.GitHub.com.", "github.com", true},
		{"notgithub.com", "github.com", false},
		{"github.com", "api.github.com", false},
		{"", "github.com", false},
		{"com", "com", true},
	} {
		if got := hostHasSuffix(c.host, c.suffix); got != c.want {
			t.Errorf("hostHasSuffix(%q, %q) = %v", c.host, c.suffix, got)
		}
	}
}

// identityRing is a ring holding packets of three flows with known
// identities and one packet of no flow.
func identityRing(t testing.TB) (*Ring, map[string][]uint64) {
	r := newRing(64, 0)
	cell := func(app string, id *flowIdentity) *verdictCell {
		c := &verdictCell{}
		c.app.Store(&app)
		if id != nil {
			c.ident.Store(id)
		}
		return c
	}
	flows := []struct {
		name  string
		frame []byte
		id    uint64
		cell  *verdictCell
	}{
		{"yt", tcpFrame(t, "10.0.0.1", "10.0.0.9", 40000, 443, "A", []byte("x")), 1,
			cell("ssl", &flowIdentity{host: "rr1.googlevideo.com", source: HostSourceSNI, service: "youtube"})},
		{"dns", udpFrame(t, "10.0.0.1", "10.0.0.53", 5353, 53, []byte("q")), 2,
			cell("dns", &flowIdentity{host: "www.github.com", source: HostSourceDNSQuery})},
		{"ssh", tcpFrame(t, "10.0.0.1", "10.0.0.22", 40001, 22, "A", []byte("SSH-2.0")), 3, cell("ssh", nil)},
		{"none", tcpFrame(t, "10.0.0.1", "10.0.0.23", 40002, 23, "A", nil), 0, nil},
	}
	seqs := map[string][]uint64{}
	seq := uint64(1)
	for round := 0; round < 3; round++ {
		for _, f := range flows {
			r.add(&item{ts: 1, link: decode.LinkEthernet, wireLen: len(f.frame), flowID: f.id, cell: f.cell}, f.frame, nil)
			seqs[f.name] = append(seqs[f.name], seq)
			seq++
		}
	}
	return r, seqs
}

func TestViewFilterIdentity(t *testing.T) {
	r, seqs := identityRing(t)
	of := func(names ...string) []uint64 {
		var out []uint64
		for _, n := range names {
			out = append(out, seqs[n]...)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		expr  string
		want  []uint64
		flows []uint64
	}{
		{"service youtube", of("yt"), []uint64{1}},
		{"service YouTube and not udp port 53", of("yt"), []uint64{1}},
		{"service youtube and udp port 53", nil, nil},
		{"host github.com or app ssh", of("dns", "ssh"), []uint64{2, 3}},
		{"host hub.com", nil, nil},
		{"host googlevideo.com and tcp port 443", of("yt"), []uint64{1}},
		{"not service youtube", of("dns", "ssh", "none"), []uint64{2, 3}},
		{"app SSL", of("yt"), []uint64{1}},
		{"(app ssh or app dns) and not host github.com", of("ssh"), []uint64{3}},
		{"tcp port 23 or app dns", of("dns", "none"), []uint64{2}},
	} {
		if err := r.SetViewFilter(c.expr, decode.LinkEthernet); err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if got := viewSeqs(r); !slices.Equal(got, c.want) || r.ViewLen() != len(c.want) {
			t.Errorf("%q: packets %v (ViewLen %d), want %v", c.expr, got, r.ViewLen(), c.want)
		}
		var flows []uint64
		for id := range r.ViewFlows() {
			flows = append(flows, id)
		}
		slices.Sort(flows)
		if !slices.Equal(flows, c.flows) {
			t.Errorf("%q: flows %v, want %v", c.expr, flows, c.flows)
		}
	}
	// A bad expression keeps the filter in force.
	if err := r.SetViewFilter("service", decode.LinkEthernet); err == nil || r.ViewFilter() != "tcp port 23 or app dns" {
		t.Errorf("bad expression: err %v, filter now %q", err, r.ViewFilter())
	}
}

// A packet arriving after the filter is set is judged by the identity its
// flow has then.
func TestViewFilterFollowsNewPackets(t *testing.T) {
	r := newRing(16, 0)
	if err := r.SetViewFilter("service youtube", decode.LinkEthernet); err != nil {
		t.Fatal(err)
	}
	c := &verdictCell{}
	frame := tcpFrame(t, "10.0.0.1", "10.0.0.9", 40000, 443, "A", []byte("x"))
	add := func() {
		r.add(&item{ts: 1, link: decode.LinkEthernet, wireLen: len(frame), flowID: 1, cell: c}, frame, nil)
	}
	add()
	c.ident.Store(&flowIdentity{host: "www.youtube.com", service: "youtube"})
	add()
	if got := viewSeqs(r); !slices.Equal(got, []uint64{2}) {
		t.Errorf("view %v, want [2] (packet 1 came before the host was known)", got)
	}
	// Re-filtering sees the identity as known now.
	if err := r.SetViewFilter("service youtube", decode.LinkEthernet); err != nil {
		t.Fatal(err)
	}
	if got := viewSeqs(r); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("re-filtered view %v, want [1 2]", got)
	}
}

func BenchmarkViewFilterMatch(b *testing.B) {
	r, _ := identityRing(b)
	f, err := compileViewFilter("(service youtube or host github.com) and not udp port 53 or app ssh", decode.LinkEthernet)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.matchSlot(r, r.slotOf(uint64(1+i%12)))
	}
}

// FuzzViewFilterParse checks that the parser never panics and that every
// text it would hand to libpcap is a whole sub-expression: inside the
// input, with balanced parentheses.
func FuzzViewFilterParse(f *testing.F) {
	for _, s := range []string{
		"service youtube and not udp port 53", "host github.com or app ssh", "(tcp[12] & 0xf0) > 20 and app x",
		"! app ssh && tcp || udp", "app http or port 80 or 443", "((app x)", "host *.a.b", "not not (tcp)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parseFilter(src)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) || fe.Col < 1 || fe.Col > len(src)+1 {
				t.Fatalf("%q: error %v without a column inside the input", src, err)
			}
			return
		}
		var check func(e *expr)
		check = func(e *expr) {
			if e.lo < 0 || e.hi > len(src) || e.lo > e.hi {
				t.Fatalf("%q: span %d..%d outside the input", src, e.lo, e.hi)
			}
			if e.pure {
				depth := 0
				for _, tok := range lexFilter(src[e.lo:e.hi]) {
					switch tok.kind {
					case tLParen:
						depth++
					case tRParen:
						depth--
					}
					if depth < 0 {
						t.Fatalf("%q: BPF text %q closes a parenthesis it did not open", src, src[e.lo:e.hi])
					}
				}
				if depth != 0 {
					t.Fatalf("%q: BPF text %q leaves a parenthesis open", src, src[e.lo:e.hi])
				}
			}
			for _, k := range e.kids {
				if k.lo < e.lo || k.hi > e.hi {
					t.Fatalf("%q: child span %d..%d outside its parent %d..%d", src, k.lo, k.hi, e.lo, e.hi)
				}
				check(k)
			}
		}
		check(e)
	})
}

// Packets arrive and identities change while filters are set and the
// view read (run with -race).
func TestViewFilterConcurrent(t *testing.T) {
	r := newRing(256, 0)
	c := &verdictCell{}
	frame := tcpFrame(t, "10.0.0.1", "10.0.0.9", 40000, 443, "A", []byte("x"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 2000; i++ {
			if i%100 == 0 {
				c.ident.Store(&flowIdentity{host: fmt.Sprintf("h%d.youtube.com", i), service: "youtube"})
			}
			r.add(&item{ts: 1, link: decode.LinkEthernet, wireLen: len(frame), flowID: 1, cell: c}, frame, nil)
		}
	}()
	for i := 0; i < 50; i++ {
		expr := []string{"service youtube", "host youtube.com and tcp", "not app ssh or udp"}[i%3]
		if err := r.SetViewFilter(expr, decode.LinkEthernet); err != nil {
			t.Fatal(err)
		}
		r.View(0, 10)
		r.ViewFlows()
	}
	<-done
	if err := r.SetViewFilter("service youtube", decode.LinkEthernet); err != nil || r.ViewLen() != 256 {
		t.Errorf("after the writer: err %v, %d in view, want all 256 kept", err, r.ViewLen())
	}
}
