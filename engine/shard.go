package engine

import (
	"slices"

	"l7sniff/decode"
	"l7sniff/engine/identity"
	"l7sniff/patterns"
)

// shard owns the flows whose symmetric hash maps to it: its flow table,
// their classification and their counters. Shards share nothing mutable,
// so no lock guards the flows (see DESIGN.md, "Hot path rules").
type shard struct {
	id    int
	e     *Engine
	in    chan *batch
	out   chan *batch
	req   chan func() // work to run between batches (onShards)
	table *flowTable
	// apps and services count traffic by verdict and by service.
	apps, services statSet
	// pub is what Stats reads (see publish).
	pub shardCounters
	// ended holds the most recently ended flows for the report and the
	// flows view: a ring of at most maxEnded entries, so a flood of
	// one-packet flows cannot grow memory; endedDropped counts the ones
	// overwritten.
	ended        []FlowView
	endedNext    int
	maxEnded     int
	endedDropped uint64
	// where interns each pattern's "file:line" for the verdict cells
	// (keyed by location, not by *Pattern, so reloads do not grow it).
	where   map[patternLoc]*string
	evicted uint64
	expired uint64
	// limited counts flows left unknown by the packet limit.
	limited uint64
	// undecided counts flows that ended while still classifying: their
	// final verdict is unknown.
	undecided uint64
	// tcpDup counts TCP segments of classifying flows that brought
	// nothing new (not fed, not counted against the packet limit);
	// tcpHeld those that waited in the reorder pool; tcpGap the gaps in
	// sequence space skipped (see tcpOrder).
	tcpDup, tcpHeld, tcpGap uint64
	reorder                 reorderPool
	// probes caches which structural classifiers new flows start with;
	// classes holds the matching state of the flows classifying payload.
	probes  probeCache
	classes classPool
	// TCP reassembly (reassembly.go): its counters and the holds it
	// has made, recycled through freeHolds.
	asm       AsmStats
	freeHolds []*tcpHold
	holds     int
	// Flow identity (identify.go): the scratch packet identifying flows
	// are dissected into, buffers for the names read from it, and the
	// strings flows share.
	idPkt   *decode.Packet
	idBuf   [1024]byte
	hostBuf [identity.MaxHostLen]byte
	strs    map[string]string
	freeIDs []*identifier
	// flushing is set while the table is emptied at the end of the
	// capture, when exporting may wait for room in the queue.
	flushing bool
}

func newShard(e *Engine, id int) *shard {
	s := &shard{
		id: id, e: e,
		in:  make(chan *batch, 4),
		out: make(chan *batch, 4),
		req: make(chan func()),
	}
	s.apps.init()
	s.services.init()
	s.table = newFlowTable(max(e.cfg.MaxFlows/e.nshards, 1), e.cfg.Timeouts, s.flowEnded)
	s.maxEnded = max(e.cfg.MaxEnded/e.nshards, 1)
	if x := e.cfg.Export; x != nil && e.cfg.ActiveTimeout > 0 {
		s.table.reportEvery(int64(e.cfg.ActiveTimeout), func(f *flow) { exportFlow(x, f, s.exportMayWait()) })
	}
	return s
}

// run processes batches until the capture stage closes the input.
func (s *shard) run() {
	for {
		select {
		case b, ok := <-s.in:
			if !ok {
				s.endCapture()
				s.publish()
				close(s.out)
				s.serveUntilClosed()
				return
			}
			s.process(b)
			s.publish()
			s.out <- b
		case fn := <-s.req:
			fn()
		}
	}
}

// serveUntilClosed keeps answering flow requests after the capture
// has ended, until the engine has read the final state.
func (s *shard) serveUntilClosed() {
	for {
		select {
		case fn := <-s.req:
			fn()
		case <-s.e.finished:
			return
		}
	}
}

// process is the per-packet step of a shard: flow lookup, counters,
// classification. It allocates only when a flow is created.
func (s *shard) process(b *batch) {
	set := s.e.patterns.Load()
	maxPkts := s.e.cfg.MaxPackets
	s.table.warm(b)
	for i := range b.items {
		it := &b.items[i]
		if !it.hasFlow {
			continue
		}
		f, created := s.table.lookupAt(&it.key, it.hash, it.ts, it.slot)
		if created {
			f.id, f.initiatorA, f.vlan = it.seq, it.fromA, it.vlan
			g := guessPorts(&it.key, it.fromA)
			f.cell = &verdictCell{guess: g}
			f.class.start(g, carriesAppData(&it.key))
		}
		d := dir(it.fromA)
		f.pkts[d]++
		f.bytes[d] += uint64(it.wireLen)
		f.last = max(f.last, it.ts)
		if f.svc != nil {
			// Before identify: a service it finds counts this packet.
			f.svc.Packets++
			f.svc.Bytes += uint64(it.wireLen)
		}
		if created && it.dnsName != "" {
			s.cachedName(f, it.dnsName)
		}
		if it.isTCP {
			s.trackTCP(f, it)
			if s.e.dissects() || f.identifying() {
				s.reassemble(f, b, it)
			}
		}
		if f.identifying() {
			s.identify(f, b, it)
		}
		if !f.class.done() {
			payload := b.bytes(it)[it.pay.Off:it.pay.End()]
			if it.isTCP {
				s.classifyTCP(f, it, d, payload, maxPkts, set)
			} else if f.class.packet(payload, maxPkts, set, s.probes.live(set, &f.key), &s.classes) {
				s.decided(f)
			}
		} else if f.app != nil {
			f.app.Packets++
			f.app.Bytes += uint64(it.wireLen)
		}
		it.flowID, it.cell, it.guess, it.ident = f.id, f.cell, f.class.guess, f.ident
		// The verdict's name comes from the flow's protocol counter (one
		// of a few, always in cache) rather than from its verdictCell,
		// which costs a cache miss per packet; decided sets both.
		it.app = AppClassifying
		if f.app != nil {
			it.app = f.app.Name
		}
		s.table.expire(it.ts)
	}
}

// classifyTCP feeds a classifying TCP flow's segment in sequence order
// (see tcpOrder): duplicates are skipped, a segment after a gap waits in
// the reorder pool for the bytes before it, and when they come the held
// segment follows them; a gap that does not fill (another gap comes
// first, or no room) is skipped and counted.
func (s *shard) classifyTCP(f *flow, it *item, d int, payload []byte, maxPkts int, set *patterns.Set) {
	fresh, kind := f.order.admit(d, it.tcpSeq, it.tcpAck, it.tcpFlags, payload)
	switch kind {
	case segDup:
		s.tcpDup++
		return
	case segAhead:
		if h := s.reorder.held(&f.order); h != nil {
			// A second gap: stop waiting for the first.
			s.feedHeld(f, h, true, maxPkts, set)
			if f.class.done() {
				return
			}
			if fresh, kind = f.order.admit(d, it.tcpSeq, it.tcpAck, it.tcpFlags, payload); kind != segAhead {
				s.feed(f, fresh, kind, maxPkts, set)
				return
			}
		}
		if s.reorder.hold(&f.order, d, it.tcpSeq, it.tcpAck, fresh) {
			s.tcpHeld++
			return
		}
		s.tcpGap++
		f.order.accept(d, it.tcpSeq, len(fresh))
	}
	if s.feed(f, fresh, segNew, maxPkts, set) {
		return
	}
	if h := s.reorder.held(&f.order); h != nil && int(h.dir) == d {
		if ahead := int32(h.seq - f.order.next[d]); ahead <= 0 {
			s.feedHeld(f, h, false, maxPkts, set)
		}
	}
}

// feedHeld feeds flow f's held segment and frees its slot; gap says the
// bytes before it never came.
func (s *shard) feedHeld(f *flow, h *heldSegment, gap bool, maxPkts int, set *patterns.Set) {
	d := int(h.dir)
	if gap {
		s.tcpGap++
		f.order.accept(d, h.seq, 0)
	}
	fresh, kind := f.order.admit(d, h.seq, h.ack, 0, h.data[:h.n])
	s.feed(f, fresh, kind, maxPkts, set)
	s.reorder.release(&f.order)
}

// feed gives the classifier a segment's new bytes (nothing for a
// duplicate) and reports whether the flow is now decided.
func (s *shard) feed(f *flow, fresh []byte, kind segKind, maxPkts int, set *patterns.Set) bool {
	if kind == segDup {
		return f.class.done()
	}
	if f.class.packet(fresh, maxPkts, set, s.probes.live(set, &f.key), &s.classes) {
		s.decided(f)
		s.reorder.release(&f.order)
	}
	return f.class.done()
}

func (s *shard) trackTCP(f *flow, it *item) {
	wasClosed := f.closed()
	f.tcpFlags[dir(it.fromA)] |= it.tcpFlags
	switch {
	case it.tcpFlags&decode.TCPRst != 0:
		f.tcp |= tcpRst
	case it.tcpFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn|decode.TCPAck:
		f.tcp |= tcpSynAckSeen
	case it.tcpFlags&decode.TCPSyn != 0:
		f.tcp |= tcpSynSeen
	}
	if it.tcpFlags&decode.TCPFin != 0 {
		if it.fromA {
			f.tcp |= tcpFinA
		} else {
			f.tcp |= tcpFinB
		}
	}
	if !wasClosed && f.closed() {
		s.table.closed++
	}
}

// decided publishes a flow's verdict and starts counting its traffic
// under that protocol, the packets it sent while undecided included.
func (s *shard) decided(f *flow) {
	if f.class.limited {
		s.limited++
	}
	a := s.apps.counter(f.class.app())
	// The cell points at strings shared by every flow with the same
	// verdict (the counter's name, one location per pattern) rather than
	// at copies: two allocations fewer per flow.
	f.cell.app.Store(&a.Name)
	if p := f.class.pattern(); p != nil {
		loc := patternLoc{p.File, p.Line}
		where := s.where[loc]
		if where == nil {
			if s.where == nil {
				s.where = make(map[patternLoc]*string)
			}
			w := patternWhere(p)
			where = &w
			s.where[loc] = where
		}
		f.cell.pattern.Store(where)
	}
	f.cell.mismatch.Store(f.class.mismatch())
	a.Flows++
	a.Packets += f.pkts[0] + f.pkts[1]
	a.Bytes += f.bytes[0] + f.bytes[1]
	f.app = a
}

// patternLoc is where a pattern was defined.
type patternLoc struct {
	file string
	line int
}

func (s *shard) flowEnded(f *flow, evicted bool) {
	s.releaseAll(f)
	if evicted {
		s.evicted++
	} else {
		s.expired++
	}
	// A flow ends with a verdict: one still classifying (it ended
	// before its packet limit: FIN/RST, idle, evicted, end of capture)
	// is unknown, counted under that name like any decided flow.
	if f.class.end(&s.classes) {
		s.undecided++
		s.decided(f)
	}
	s.reorder.release(&f.order)
	if x := s.e.cfg.Export; x != nil {
		exportFlow(x, f, s.exportMayWait())
	}
	if s.flushing {
		// The flow stays in its slot, read in place (flowTable.flush).
		return
	}
	v := f.view(true)
	switch {
	case len(s.ended) < s.maxEnded:
		s.ended = append(s.ended, v)
	default:
		s.ended[s.endedNext] = v
		s.endedNext = (s.endedNext + 1) % s.maxEnded
		s.endedDropped++
	}
}

// endCapture ends every flow of the table at the end of the capture.
func (s *shard) endCapture() {
	s.flushing = true
	s.table.flush(s.endedRoom())
}

// endedRoom makes room in the ended list for the table's flows at the
// end of the capture, as if each joined it (least recently used first):
// the oldest ended flows give way first, then the least recently used
// live ones, counted as overwritten. It returns how many of the table's
// flows are kept.
func (s *shard) endedRoom() int {
	over := len(s.ended) + s.table.len() - s.maxEnded
	if over <= 0 {
		return s.table.len()
	}
	s.endedDropped += uint64(over)
	// Put the ring in age order (a full ring's oldest is at endedNext),
	// then let the oldest go.
	if k := s.endedNext; k > 0 {
		slices.Reverse(s.ended[:k])
		slices.Reverse(s.ended[k:])
		slices.Reverse(s.ended)
	}
	d := min(over, len(s.ended))
	clear(s.ended[:d])
	s.ended, s.endedNext = s.ended[d:], 0
	return s.maxEnded - len(s.ended)
}

// exportMayWait says whether exporting may block this shard for room in
// the exporter's queue: never on a live capture, where the wait would
// cost packets, but at the end of any capture and throughout a file,
// where it only slows the reading down and keeps every record.
func (s *shard) exportMayWait() bool {
	return s.flushing || !s.e.src.Live()
}

// flows returns a copy of every flow the shard knows.
func (s *shard) flows() []FlowView {
	return s.appendFlows(make([]FlowView, 0, s.count(nil)))
}

// appendFlows appends a view of every flow the shard knows to out: the
// ended ones it keeps, then the ones in the table.
func (s *shard) appendFlows(out []FlowView) []FlowView {
	out = append(out, s.ended...)
	s.table.each(func(f *flow) { out = append(out, f.view(s.table.flushed)) })
	return out
}
