package engine

import (
	"cmp"
	"slices"
	"strings"
	"testing"
)

// TestFlowPage checks pages of flows sorted by the shards against every
// flow copied and sorted here: the same flows in the same order, the
// total, and the focus flow's place, with and without a filter, near the
// top and deep enough (past deepPage) to be read from the other end.
func TestFlowPage(t *testing.T) {
	const n = 3 * deepPage
	e := runningShards(t, defaultSet(t), n)
	all := e.Flows()
	if len(all) != n {
		t.Fatalf("%d flows, want %d", len(all), n)
	}
	bigFirst := func(a, b FlowView) int { // bytes descending, then id descending
		if c := cmp.Compare(b.TotalBytes(), a.TotalBytes()); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	}
	byA := func(a, b FlowView) int { // endpoint A as text, then id
		if c := strings.Compare(a.A(), b.A()); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
	odd := func(id uint64) bool { return id%2 == 1 }
	for _, c := range []struct {
		name  string
		q     FlowQuery
		order func(a, b FlowView) int
	}{
		{"bytes desc", FlowQuery{Order: ByBytes, Desc: true}, bigFirst},
		{"A asc", FlowQuery{Order: ByA}, byA},
		{"A asc, odd ids", FlowQuery{Order: ByA, Keep: odd}, byA},
	} {
		want := slices.Clone(all)
		if c.q.Keep != nil {
			want = slices.DeleteFunc(want, func(f FlowView) bool { return !c.q.Keep(f.ID) })
		}
		slices.SortFunc(want, c.order)
		focus := want[len(want)/3]
		for _, off := range []int{0, 7, len(want)/2 - 5, deepPage + 1, len(want) - 3, len(want) + 5} {
			q := c.q
			q.Offset, q.Limit, q.Focus = off, 10, focus.ID
			got := e.FlowPage(q)
			wantPage := want[min(off, len(want)):min(off+10, len(want))]
			if got.Total != len(want) {
				t.Errorf("%s: total %d, want %d", c.name, got.Total, len(want))
			}
			if got.FocusAt != len(want)/3 {
				t.Errorf("%s: flow %d at %d, want %d", c.name, focus.ID, got.FocusAt, len(want)/3)
			}
			if !slices.EqualFunc(got.Flows, wantPage, func(a, b FlowView) bool { return a.ID == b.ID && a.A() == b.A() }) {
				t.Errorf("%s, offset %d: got %v, want %v", c.name, off, ids(got.Flows), ids(wantPage))
			}
		}
	}
	if p := e.FlowPage(FlowQuery{Focus: 1 << 40, Limit: 1}); p.FocusAt != -1 || p.Total != n || len(p.Flows) != 1 {
		t.Errorf("unknown focus: at %d, total %d, %d flows; want -1, %d, 1", p.FocusAt, p.Total, len(p.Flows), n)
	}
}

func ids(flows []FlowView) []uint64 {
	out := make([]uint64, len(flows))
	for i := range flows {
		out[i] = flows[i].ID
	}
	return out
}

// The flows view's Host and Service columns sort in the shards like the
// others, ties by id.
func TestFlowOrderByIdentity(t *testing.T) {
	flows := []FlowView{
		{ID: 1, Host: "b.example", Service: "x"},
		{ID: 2, Host: "a.example", Service: "y"},
		{ID: 3, Host: "", Service: ""},
		{ID: 4, Host: "a.example", Service: "x"},
	}
	for _, c := range []struct {
		q    FlowQuery
		want []uint64
	}{
		{FlowQuery{Order: ByHost}, []uint64{3, 2, 4, 1}},
		{FlowQuery{Order: ByService, Desc: true}, []uint64{2, 4, 1, 3}},
	} {
		got := slices.Clone(flows)
		slices.SortFunc(got, func(a, b FlowView) int { return c.q.compare(&a, &b) })
		var ids []uint64
		for _, f := range got {
			ids = append(ids, f.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("order %d desc %v: %v, want %v", c.q.Order, c.q.Desc, ids, c.want)
		}
	}
}
