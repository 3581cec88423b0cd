package ui

import (
	"testing"

	"l7sniff/engine"
)

// pageOf is a page of flows with ids from..to-1, as the engine would
// answer a query at offset from-1.
func pageOf(from, to uint64, total, focusAt int) engine.FlowPage {
	p := engine.FlowPage{Total: total, FocusAt: focusAt}
	for id := from; id < to; id++ {
		p.Flows = append(p.Flows, engine.FlowView{ID: id})
	}
	return p
}

// TestFlowListPages: the flows view holds one page of the order; moving
// within it keeps the selection on its flow, moving past it asks for the
// page there, and the selection follows its flow to where the engine
// says it went.
func TestFlowListPages(t *testing.T) {
	l := newFlowList(&common{})
	l.height = 5
	if !l.due() {
		t.Fatal("nothing fetched, but no page due")
	}
	q := l.query()
	l.set(pageOf(1, 16, 100, -1), q, false)
	if l.due() {
		t.Fatalf("rows 0-4 of a page holding 0-14: new page due")
	}
	l.move(7)
	if f, ok := l.selected(); !ok || f.ID != 8 || l.top != 3 {
		t.Fatalf("after 7 down: selected %d (%v), top %d; want flow 8, top 3", f.ID, ok, l.top)
	}
	l.move(30) // row 37: not on the page
	if _, ok := l.selected(); ok || !l.due() {
		t.Fatalf("row 37 selected from a page of 0-14 (due %v)", l.due())
	}
	q = l.query()
	if q.Offset != l.top-5 || q.Limit != 15 || q.Focus != 0 {
		t.Fatalf("query for row 37: %+v; want offset %d, limit 15, no focus", q, l.top-5)
	}
	l.set(pageOf(uint64(q.Offset+1), uint64(q.Offset+16), 100, -1), q, false)
	f, ok := l.selected()
	if !ok || f.ID != 38 || l.due() {
		t.Fatalf("selected %d (%v), due %v; want flow 38 on the page", f.ID, ok, l.due())
	}
	// The order changes: flow 38 is now 60th; its row follows it.
	l.cycleSort()
	if !l.due() {
		t.Fatal("order changed, but no page due")
	}
	q = l.query()
	if q.Focus != 38 || q.Order != flowCols[l.sortBy].order {
		t.Fatalf("query after sort: %+v; want focus 38 in the new order", q)
	}
	l.set(pageOf(uint64(q.Offset+1), uint64(q.Offset+16), 100, 60), q, false)
	if l.sel != 60 || l.top > 60 || l.top+l.height <= 60 || !l.due() {
		t.Fatalf("selection at %d, top %d, due %v; want row 60 on screen and its page due", l.sel, l.top, l.due())
	}
}
