package engine

import (
	"slices"

	"l7sniff/decode"
)

// viewState is the view filter over the ring: the sequence numbers of the
// kept packets that match it, in order. With no filter every packet
// matches and the list is not kept.
type viewState struct {
	expr    string
	filters map[decode.LinkType]*BPF // per link type
	match   []uint64
}

// added is called (under the ring's write lock) for each new packet.
func (v *viewState) added(r *Ring, s *slot) {
	if v.filters == nil {
		return
	}
	if v.filterFor(s.link).Match(r.arena[s.off:s.off+s.n], s.wireLen) {
		v.match = append(v.match, s.seq)
	}
}

// evicted drops matches older than oldest.
func (v *viewState) evicted(oldest uint64) {
	if v.filters == nil || len(v.match) == 0 || v.match[0] >= oldest {
		return
	}
	i, _ := slices.BinarySearch(v.match, oldest)
	// Shift rather than reslice so the backing array does not grow.
	v.match = v.match[:copy(v.match, v.match[i:])]
}

func (v *viewState) filterFor(link decode.LinkType) *BPF {
	if b, ok := v.filters[link]; ok {
		return b
	}
	b, err := CompileBPF(link, DefaultSnaplen, v.expr)
	if err != nil {
		// The expression means nothing for this link type ("tcp" on
		// USB): it matches nothing, as in tcpdump.
		b, _ = CompileBPF(link, DefaultSnaplen, "less 0")
	}
	v.filters[link] = b
	return b
}

// refilterChunk bounds how many packets a re-filter examines per lock.
const refilterChunk = 4096

// SetViewFilter filters the history with a BPF expression (as the capture
// filter, but in user space over packets already captured) and makes new
// packets follow it. "" removes it. A bad expression returns libpcap's
// error and the previous filter stays. linkType is the capture's link
// type, used to check the expression.
func (r *Ring) SetViewFilter(expr string, linkType decode.LinkType) error {
	if expr == "" {
		r.mu.Lock()
		r.view = viewState{}
		r.mu.Unlock()
		return nil
	}
	b, err := CompileBPF(linkType, DefaultSnaplen, expr)
	if err != nil {
		return err
	}
	nv := viewState{expr: expr, filters: map[decode.LinkType]*BPF{linkType: b}}
	// Filter the history in chunks under the read lock, then install the
	// result and catch up with what arrived meanwhile under the write lock.
	_, first, last := r.Len()
	var match []uint64
	for lo := first; lo <= last; lo += refilterChunk {
		r.mu.RLock()
		for seq := max(lo, r.oldest); seq <= min(lo+refilterChunk-1, last) && seq < r.next; seq++ {
			s := r.slotOf(seq)
			if nv.filterFor(s.link).Match(r.arena[s.off:s.off+s.n], s.wireLen) {
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
	return r.view.expr
}

// ViewLen is how many kept packets pass the view filter.
func (r *Ring) ViewLen() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.view.filters == nil {
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
	if r.view.filters == nil {
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
	if r.view.filters == nil {
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
	if r.view.filters == nil {
		out := make([]uint64, 0, r.next-r.oldest)
		for seq := r.oldest; seq < r.next; seq++ {
			out = append(out, seq)
		}
		return out
	}
	return slices.Clone(r.view.match)
}
