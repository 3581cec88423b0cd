package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"l7sniff/engine"
)

// TestFlowWidths: at every width the columns fit; at 80 the endpoints
// keep an IPv4 address and port and the host keeps a column; the service
// gets its own column only where the verdict's "· service" is not alone.
func TestFlowWidths(t *testing.T) {
	for width := 80; width <= 260; width++ {
		w := flowWidths(width)
		used := 1
		for _, n := range w {
			if n > 0 {
				used += n + 1
			}
		}
		if used-1 > width {
			t.Errorf("width %d: columns take %d", width, used-1)
		}
		if w[aCol] < wantEndpoint || w[bCol] < wantEndpoint || w[hostCol] < minHost || w[verdictCol] == 0 || w[bytesCol] == 0 {
			t.Errorf("width %d: endpoints %d/%d, host %d, verdict %d, bytes %d", width, w[aCol], w[bCol], w[hostCol], w[verdictCol], w[bytesCol])
		}
		if (w[serviceCol] > 0) != (width >= 160) {
			t.Errorf("width %d: service column %d", width, w[serviceCol])
		}
	}
}

func TestFitHost(t *testing.T) {
	for _, c := range []struct {
		host string
		w    int
		want string
	}{
		{"api.github.com", 20, "api.github.com      "},
		{"r4---sn-4g5e6nze.googlevideo.com", 20, "….googlevideo.com   "},
		{"r4---sn-4g5e6nze.googlevideo.com", 12, "…levideo.com"},
		{"www.example.co.uk", 12, "….co.uk     "},
		{"a.b", 2, "a…"},
	} {
		if got := fitHost(c.host, c.w); got != c.want {
			t.Errorf("fitHost(%q, %d) = %q, want %q", c.host, c.w, got, c.want)
		}
	}
}

// A flow row shows the host, the verdict beside its service, and keeps
// the mismatch flag.
func TestFlowRowIdentity(t *testing.T) {
	th := testTheme()
	f := engine.FlowView{ID: 7, Proto: "TCP", App: "ssl", Service: "youtube", Host: "rr1---sn-x.googlevideo.com"}
	for _, width := range []int{80, 120, 200} {
		row := ansi.Strip(flowRow(th, &f, flowWidths(width), false, width))
		if !strings.Contains(row, "ssl · youtube") && !strings.Contains(row, "ssl · yout") {
			t.Errorf("width %d: no verdict with its service: %q", width, row)
		}
		w := flowWidths(width)[hostCol]
		want := f.Host // whole where it fits, else cut from the left
		if len(want) > w {
			want = "…" + f.Host[len(f.Host)-min(w-1, len(".googlevideo.com")):]
		}
		if !strings.Contains(row, want) {
			t.Errorf("width %d: host in %d columns is not %q: %q", width, w, want, row)
		}
	}
	f.Mismatch = true
	if row := ansi.Strip(flowRow(th, &f, flowWidths(200), false, 200)); !strings.Contains(row, "ssl! · youtube") {
		t.Errorf("mismatch flag lost beside the service: %q", row)
	}
}
