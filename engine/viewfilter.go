package engine

import (
	"slices"

	"l7sniff/decode"
)

// viewState is the view filter over the ring: the sequence numbers of the
// kept packets that match it, in order. With no filter every packet
// matches and the list is not kept.
type viewState struct {
	f     *viewFilter
	match []uint64
}

// added is called (under the ring's write lock) for each new packet. The
// identity primitives see the flow's identity as known when the packet
// arrives; re-filtering the history (SetViewFilter) sees it as known then.
func (v *viewState) added(r *Ring, s *slot) {
	if v.f == nil {
		return
	}
	if v.f.matchSlot(r, s) {
		v.match = append(v.match, s.seq)
	}
}

// matchSlot reports whether the packet in s passes the filter. The
// packet is described in the filter's own scratch space (a local would
// escape through the interface calls): like the BPF programs, a filter
// is used by one goroutine at a time.
func (f *viewFilter) matchSlot(r *Ring, s *slot) bool {
	f.pkt = filterPacket{data: r.arena[s.off : s.off+s.n], wireLen: s.wireLen, link: s.link, flow: s.flowID, cell: s.cell}
	ok := f.root.match(&f.pkt)
	f.pkt.data = nil // hold no reference into the arena
	return ok
}

// evicted drops matches older than oldest.
func (v *viewState) evicted(oldest uint64) {
	if v.f == nil || len(v.match) == 0 || v.match[0] >= oldest {
		return
	}
	i, _ := slices.BinarySearch(v.match, oldest)
	// Shift rather than reslice so the backing array does not grow.
	v.match = v.match[:copy(v.match, v.match[i:])]
}

// refilterChunk bounds how many packets a re-filter examines per lock.
const refilterChunk = 4096

// SetViewFilter filters the history with a view filter expression (BPF,
// as the capture filter but in user space over packets already captured,
// extended with app, service and host; see filterexpr_parse.go) and
// makes new packets follow it. "" removes it. A bad expression returns
// the error (libpcap's, or a *FilterError with the column) and the
// previous filter stays. linkType is the capture's link type, used to
// check the expression.
func (r *Ring) SetViewFilter(expr string, linkType decode.LinkType) error {
	if expr == "" {
		r.mu.Lock()
		r.view = viewState{}
		r.mu.Unlock()
		return nil
	}
	f, err := compileViewFilter(expr, linkType)
	if err != nil {
		return err
	}
	nv := viewState{f: f}
	// Filter the history in chunks under the read lock, then install the
	// result and catch up with what arrived meanwhile under the write lock.
	_, first, last := r.Len()
	var match []uint64
	for lo := first; lo <= last; lo += refilterChunk {
		r.mu.RLock()
		for seq := max(lo, r.oldest); seq <= min(lo+refilterChunk-1, last) && seq < r.next; seq++ {
			s := r.slotOf(seq)
			if f.matchSlot(r, s) {
				match = append(match, seq)
			}
		}
		r.mu.RUnlock()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	nv.match = match
	nv.evicted(r.oldest)
	for seq := last + 1; seq < r.next; seq++ {
		nv.added(r, r.slotOf(seq))
	}
	r.view = nv
	return nil
}

// ViewFilter returns the view filter in force ("" for none).
func (r *Ring) ViewFilter() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.view.f == nil {
		return ""
	}
	return r.view.f.expr
}

// ViewLen is how many kept packets pass the view filter.
func (r *Ring) ViewLen() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.view.f == nil {
		return int(r.next - r.oldest)
	}
	return len(r.view.match)
}

// View returns up to n packets passing the view filter, starting at the
// i-th (0 is the oldest kept).
func (r *Ring) View(i, n int) []PacketView {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []PacketView
	if r.view.f == nil {
		for seq := r.oldest + uint64(max(i, 0)); seq < r.next && len(out) < n; seq++ {
			out = append(out, r.viewOf(r.slotOf(seq)))
		}
		return out
	}
	for j := max(i, 0); j < len(r.view.match) && len(out) < n; j++ {
		out = append(out, r.viewOf(r.slotOf(r.view.match[j])))
	}
	return out
}

// ViewFlows returns the ids of the flows that have a kept packet passing
// the view filter, so a flows view can follow the filter too; nil when
// there is no filter (every flow passes).
func (r *Ring) ViewFlows() map[uint64]bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.view.f == nil {
		return nil
	}
	ids := make(map[uint64]bool)
	for _, seq := range r.view.match {
		if id := r.slotOf(seq).flowID; id != 0 {
			ids[id] = true
		}
	}
	return ids
}

// ViewSeqs returns the sequence numbers of all packets passing the view
// filter (for writing them to a file).
func (r *Ring) ViewSeqs() []uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.view.f == nil {
		out := make([]uint64, 0, r.next-r.oldest)
		for seq := r.oldest; seq < r.next; seq++ {
			out = append(out, seq)
		}
		return out
	}
	return slices.Clone(r.view.match)
}
