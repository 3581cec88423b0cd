package ui

import (
	"strings"
	"testing"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
	"l7sniff/engine"
)

// ← collapses the selected node (or, on a leaf, selects its parent) and
// → expands it again; the DNS message's own node folds like the layers.
func TestDetailFoldAndInfo(t *testing.T) {
	query := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1}
	data := decodetest.UDPFrame(40000, 53, query)
	v := engine.PacketView{Seq: 1, Link: decode.LinkEthernet, WireLen: len(data), Data: data}
	var d detail
	d.open(nil, v)
	dns := -1
	for i, n := range d.nodes {
		if n.Depth == 0 && n.Label == "Domain Name System" {
			dns = i
		}
	}
	if dns < 0 {
		t.Fatalf("no DNS node in %v", d.nodes)
	}
	all := len(d.nodes)
	d.move(dns)
	d.fold(true)
	if len(d.nodes) != dns+1 || d.sel != dns {
		t.Fatalf("collapsed: %d nodes shown, selection %d; want %d, %d", len(d.nodes), d.sel, dns+1, dns)
	}
	d.fold(false)
	if len(d.nodes) != all {
		t.Fatalf("expanded: %d nodes, want %d", len(d.nodes), all)
	}
	d.move(1) // the transaction id, a leaf
	d.fold(true)
	if d.sel != dns {
		t.Errorf("← on a leaf selected %d, want its parent %d", d.sel, dns)
	}
	var f rowFormatter
	r := f.format(&v, v.Time)
	if r.proto != "DNS" || !strings.HasPrefix(r.info, "Standard query 0x1234 A example.com") {
		t.Errorf("row proto %q info %q", r.proto, r.info)
	}
}

// TestDetailHexOffFillsFreedRows: with the last field selected and the
// hex dump on, the tree is scrolled; turning the dump off (x) gives the
// tree its rows, which must show fields rather than stay blank.
func TestDetailHexOffFillsFreedRows(t *testing.T) {
	e := demoEngine(t)
	v, ok := e.Ring().Get(4) // an HTTP request: a tree longer than the screen's half
	if !ok {
		t.Fatal("packet 4 not kept")
	}
	var d detail
	d.open(nil, v)
	th := testTheme()
	const height = 24
	d.view(th, 100, height, true)
	d.move(len(d.nodes))
	d.view(th, 100, height, true)
	if d.top == 0 {
		t.Fatalf("tree of %d nodes not scrolled with hex on: test packet too small", len(d.nodes))
	}
	scr := d.view(th, 100, height, false)
	lines := strings.Split(scr, "\n")[1:] // less the summary
	want := min(len(d.nodes), height-1)
	filled := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			filled++
		}
	}
	if filled != want {
		t.Errorf("hex off: %d tree lines drawn, want %d (of %d nodes):\n%s", filled, want, len(d.nodes), scr)
	}
}
