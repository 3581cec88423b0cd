package engine

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// FlowOrder is what a page of flows is sorted by: the flows view's
// columns.
type FlowOrder uint8

// The orders, one per column of the flows view; flows that tie are
// ordered by ID.
const (
	ByID FlowOrder = iota
	ByProto
	ByA
	ByB
	ByApp
	ByPortGuess
	ByPackets
	ByBytes
	ByDuration
	ByState
	ByHost
	ByService
)

// FlowQuery asks for one page of the flows (live and ended) in an order.
// Each shard sorts its own flows and sends only its part of the page, so
// what it costs grows with the page, not with every flow copied.
type FlowQuery struct {
	Order FlowOrder
	Desc  bool
	// Offset and Limit choose the page: up to Limit flows, from the
	// Offset-th in the order on.
	Offset, Limit int
	// Keep, if set, chooses the flows counted and listed (the view
	// filter). The shards call it at the same time, so it may only read.
	Keep func(id uint64) bool
	// Focus, if not 0, is a flow whose place in the order the page
	// reports, so a selection can follow its flow as the order changes.
	Focus uint64
}

// FlowPage is the answer to a FlowQuery.
type FlowPage struct {
	Flows []FlowView
	// Total is how many flows Keep chose, on every page.
	Total int
	// FocusAt is the Focus flow's index in the whole order, -1 when
	// there is no such flow (or Keep did not choose it).
	FocusAt int
}

// deepPage is how far into the order a page must reach before FlowPage
// counts the flows first, to fetch a page past the middle from the other
// end: each shard keeps offset+limit flows while it sorts, and a page at
// the bottom of a million flows would otherwise hold them all.
const deepPage = 4096

// FlowPage returns the page of flows q asks for.
func (e *Engine) FlowPage(q FlowQuery) FlowPage {
	q.Offset, q.Limit = max(q.Offset, 0), max(q.Limit, 0)
	if q.Offset+q.Limit <= deepPage {
		return e.page(q)
	}
	counts := make([]int, len(e.shards))
	e.onShards(func(i int, s *shard) { counts[i] = s.count(q.Keep) })
	total := 0
	for _, n := range counts {
		total += n
	}
	end := min(q.Offset+q.Limit, total)
	if end <= total-q.Offset { // fewer flows to keep from the top
		return e.page(q)
	}
	// The same page in the reverse order, read backwards.
	r := q
	r.Desc, r.Offset, r.Limit = !q.Desc, total-end, max(end-q.Offset, 0)
	p := e.page(r)
	slices.Reverse(p.Flows)
	if p.FocusAt >= 0 {
		p.FocusAt = p.Total - 1 - p.FocusAt
	}
	return p
}

// page answers q from the top of the order.
func (e *Engine) page(q FlowQuery) FlowPage {
	page := FlowPage{FocusAt: -1}
	var focus *FlowView
	if q.Focus != 0 {
		views := make([]*FlowView, len(e.shards))
		e.onShards(func(i int, s *shard) { views[i] = s.find(q.Focus) })
		for _, v := range views {
			if v != nil && (q.Keep == nil || q.Keep(v.ID)) {
				focus = v
			}
		}
	}
	type part struct {
		top           []FlowView
		total, before int
	}
	parts := make([]part, len(e.shards))
	e.onShards(func(i int, s *shard) {
		p := &parts[i]
		p.top, p.total, p.before = s.page(&q, q.Offset+q.Limit, focus)
	})
	var all []FlowView
	for _, p := range parts {
		all = append(all, p.top...)
		page.Total += p.total
		if focus != nil {
			page.FocusAt += p.before
		}
	}
	if focus != nil {
		page.FocusAt++ // from -1: the flows before it, counted
	}
	slices.SortFunc(all, func(a, b FlowView) int { return q.compare(&a, &b) })
	if q.Offset < len(all) {
		page.Flows = all[q.Offset:min(q.Offset+q.Limit, len(all))]
	}
	return page
}

// compare orders two flows as q asks.
func (q *FlowQuery) compare(a, b *FlowView) int {
	r := 0
	switch q.Order {
	case ByProto:
		r = strings.Compare(a.Proto, b.Proto)
	case ByA, ByB:
		var ba, bb [64]byte
		if q.Order == ByA {
			r = bytes.Compare(a.AppendA(ba[:0]), b.AppendA(bb[:0]))
		} else {
			r = bytes.Compare(a.AppendB(ba[:0]), b.AppendB(bb[:0]))
		}
	case ByApp:
		r = strings.Compare(a.App, b.App)
	case ByPortGuess:
		r = strings.Compare(a.PortGuess, b.PortGuess)
	case ByPackets:
		r = cmp.Compare(a.TotalPackets(), b.TotalPackets())
	case ByBytes:
		r = cmp.Compare(a.TotalBytes(), b.TotalBytes())
	case ByDuration:
		r = cmp.Compare(a.Duration(), b.Duration())
	case ByState:
		r = strings.Compare(a.State, b.State)
	case ByHost:
		r = strings.Compare(a.Host, b.Host)
	case ByService:
		r = strings.Compare(a.Service, b.Service)
	}
	if r == 0 {
		r = cmp.Compare(a.ID, b.ID)
	}
	if q.Desc {
		return -r
	}
	return r
}

// count returns how many of the shard's flows keep chooses (nil: all).
func (s *shard) count(keep func(id uint64) bool) int {
	if keep == nil {
		return len(s.ended) + s.table.len()
	}
	n := 0
	for i := range s.ended {
		if keep(s.ended[i].ID) {
			n++
		}
	}
	s.table.each(func(f *flow) {
		if keep(f.id) {
			n++
		}
	})
	return n
}

// find returns a view of flow id, or nil if the shard does not have it.
func (s *shard) find(id uint64) *FlowView {
	for i := range s.ended {
		if s.ended[i].ID == id {
			v := s.ended[i]
			return &v
		}
	}
	var found *FlowView
	s.table.each(func(f *flow) {
		if f.id == id && found == nil {
			v := f.view(s.table.flushed)
			found = &v
		}
	})
	return found
}

// page returns the shard's first k flows in q's order (sorted), how
// many flows q keeps, and how many of those come before focus (if set).
// It keeps at most k views, in a heap whose root is the last of them.
func (s *shard) page(q *FlowQuery, k int, focus *FlowView) (top []FlowView, total, before int) {
	h := flowHeap{q: q, views: make([]FlowView, 0, min(k, len(s.ended)+s.table.len()))}
	add := func(v *FlowView) {
		if q.Keep != nil && !q.Keep(v.ID) {
			return
		}
		total++
		if focus != nil && q.compare(v, focus) < 0 {
			before++
		}
		h.offer(v, k)
	}
	for i := range s.ended {
		add(&s.ended[i])
	}
	s.table.each(func(f *flow) {
		v := f.view(s.table.flushed)
		add(&v)
	})
	slices.SortFunc(h.views, func(a, b FlowView) int { return q.compare(&a, &b) })
	return h.views, total, before
}

// flowHeap keeps the first k flows of an order: a binary max-heap (the
// root is the last flow kept), so a flow that comes after it costs one
// comparison.
type flowHeap struct {
	q     *FlowQuery
	views []FlowView
}

// offer keeps v if it is among the first k flows seen so far.
func (h *flowHeap) offer(v *FlowView, k int) {
	switch {
	case k == 0:
	case len(h.views) < k:
		h.views = append(h.views, *v)
		h.up(len(h.views) - 1)
	case h.q.compare(v, &h.views[0]) < 0:
		h.views[0] = *v
		h.down(0)
	}
}

func (h *flowHeap) later(i, j int) bool { return h.q.compare(&h.views[i], &h.views[j]) > 0 }

func (h *flowHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.later(i, p) {
			return
		}
		h.views[i], h.views[p] = h.views[p], h.views[i]
		i = p
	}
}

func (h *flowHeap) down(i int) {
	n := len(h.views)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h.later(c+1, c) {
			c++
		}
		if !h.later(c, i) {
			return
		}
		h.views[i], h.views[c] = h.views[c], h.views[i]
		i = c
	}
}
