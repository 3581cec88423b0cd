package ui

import (
	"strings"
	"testing"
)

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
	d.open(v)
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
