package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"l7sniff/engine/identity"
)

// Stats is a snapshot of the engine's counters. It is a plain value of
// fixed size: reading it costs the same with ten flows as with a million
// (the TUI reads it four times a second). The traffic by verdict is
// Engine.Apps; the flows themselves are Engine.Flows and Engine.FlowPage.
type Stats struct {
	Source        string
	Live          bool
	CaptureFilter string
	// Packets and Bytes went through the pipeline (after the capture
	// filter).
	Packets, Bytes uint64
	// KernelReceived and KernelDropped are libpcap's counters (live only;
	// KernelOK false otherwise).
	KernelReceived, KernelDropped uint64
	KernelOK                      bool
	// RingEvicted packets left the history. FlowsActive are live: in the
	// flow table and not closed (a closed TCP flow stays a moment for
	// late packets, but is not counted here). FlowsEvicted left the flow
	// table early because it was full; FlowsExpired ended by timeout or
	// close; FlowsLost ended after the report's cap and are only counted.
	RingEvicted                           uint64
	FlowsActive                           int
	FlowsEvicted, FlowsExpired, FlowsLost uint64
	// FlowsLimited reached the packet limit (Config.MaxPackets) before
	// any pattern matched, and so are unknown.
	FlowsLimited uint64
	// PPS and BPS are the rates over the last full second of capture
	// time; History the packets per second of the last minute, oldest
	// first.
	PPS, BPS float64
	History  [historyLen]float64
	// FlowsUndecided ended while still classifying (before the packet
	// limit): their final verdict is unknown, counted in Apps too.
	FlowsUndecided uint64
	// TCP segments of classifying flows: duplicates skipped (not fed,
	// not counted against the packet limit), segments that waited in
	// the reorder pool for the bytes before them, and gaps that never
	// filled and were skipped.
	TCPDuplicates, TCPReordered, TCPGaps uint64
	// Done is set once the source has ended and every packet read has
	// gone through the pipeline.
	Done bool
	// Exporting is set when flows go to IPFIX collectors; Exported and
	// ExportDropped count the flow records sent and dropped, once per
	// collector.
	Exporting               bool
	Exported, ExportDropped uint64
	// Reassembly counts TCP messages put back together for the
	// application dissectors, and those given up.
	Reassembly AsmStats
	// DNSCache is what the DNS answer cache that names flows holds and
	// did: answers recorded, entries evicted by its bounds (--dns-cache),
	// flows it named.
	DNSCache identity.DNSCacheStats
}

// historyLen is the sparkline's length in seconds.
const historyLen = 60

// statsKeeper counts in the collector and publishes for readers.
type statsKeeper struct {
	mu               sync.Mutex
	packets, bytes   uint64
	kRecv, kDrop     uint64
	kOK              bool
	second           int64 // capture-time second being counted
	secPkts, secByts uint64
	pps, bps         float64
	history          [historyLen]float64
	hpos             int
	done             bool
}

func newStatsKeeper() *statsKeeper { return &statsKeeper{} }

// packet counts one packet at capture time ts.
func (k *statsKeeper) packet(ts int64, n int) {
	k.mu.Lock()
	sec := ts / int64(time.Second)
	if sec != k.second {
		k.roll(sec)
	}
	k.packets++
	k.bytes += uint64(n)
	k.secPkts++
	k.secByts += uint64(n)
	k.mu.Unlock()
}

// roll closes the current second; seconds without packets count as zero.
func (k *statsKeeper) roll(sec int64) {
	if k.second != 0 {
		k.pps, k.bps = float64(k.secPkts), float64(k.secByts*8)
		gap := min(max(sec-k.second, 1), historyLen)
		k.push(k.pps)
		for i := int64(1); i < gap; i++ {
			k.push(0)
		}
	}
	k.second, k.secPkts, k.secByts = sec, 0, 0
}

func (k *statsKeeper) push(v float64) {
	k.history[k.hpos] = v
	k.hpos = (k.hpos + 1) % historyLen
}

func (k *statsKeeper) kernel(recv, drop uint64) {
	k.mu.Lock()
	k.kRecv, k.kDrop, k.kOK = recv, drop, true
	k.mu.Unlock()
}

func (k *statsKeeper) finish() {
	k.mu.Lock()
	k.done = true
	k.mu.Unlock()
}

// Stats returns the engine's counters now. It reads what the shards
// publish after each batch and never waits for them.
func (e *Engine) Stats() Stats {
	k := e.stats
	k.mu.Lock()
	if e.src.Live() {
		// Live time passes without packets too: an idle second is a zero
		// in the rate and the sparkline.
		if now := time.Now().Unix(); k.second != 0 && now > k.second {
			k.roll(now)
		}
	}
	st := Stats{
		Source: e.src.Name(), Live: e.src.Live(), CaptureFilter: e.src.Filter(),
		Packets: k.packets, Bytes: k.bytes,
		KernelReceived: k.kRecv, KernelDropped: k.kDrop, KernelOK: k.kOK,
		PPS: k.pps, BPS: k.bps, Done: k.done,
	}
	for i := range historyLen {
		st.History[i] = k.history[(k.hpos+i)%historyLen]
	}
	k.mu.Unlock()
	if e.ring != nil {
		st.RingEvicted = e.ring.Evicted()
	}
	st.DNSCache = e.dns.cache.Stats()
	if x := e.cfg.Export; x != nil {
		st.Exporting = true
		st.Exported, st.ExportDropped = x.Counts()
	}
	for _, s := range e.shards {
		c := &s.pub
		st.FlowsActive += int(c.active.Load())
		st.FlowsEvicted += c.evicted.Load()
		st.FlowsExpired += c.expired.Load()
		st.FlowsLost += c.endedLost.Load()
		st.FlowsLimited += c.limited.Load()
		st.FlowsUndecided += c.undecided.Load()
		st.TCPDuplicates += c.tcpDup.Load()
		st.TCPReordered += c.tcpHeld.Load()
		st.TCPGaps += c.tcpGap.Load()
		st.Reassembly.add(AsmStats{Reassembled: c.asmDone.Load(), Overflow: c.asmOverflow.Load(), NoRoom: c.asmNoRoom.Load(), Gap: c.asmGap.Load()})
	}
	return st
}

// Apps returns the traffic by verdict (decided flows only), biggest
// first. Its cost grows with the number of verdicts, not of flows.
func (e *Engine) Apps() []AppStat {
	return e.sumStats(func(s *shard) *statSet { return &s.apps })
}

// shardCounters are a shard's counters as readers see them: written by
// the shard's goroutine after each batch, read by anyone without a lock.
type shardCounters struct {
	active                               atomic.Int64
	evicted, expired, limited, endedLost atomic.Uint64
	undecided, tcpDup, tcpHeld, tcpGap   atomic.Uint64
	// TCP reassembly (AsmStats).
	asmDone, asmOverflow, asmNoRoom, asmGap atomic.Uint64
}

// appCounter is a shard's count for one verdict: AppStat is the shard's
// own (plain fields, bumped per packet), pub what it last published.
type appCounter struct {
	AppStat
	pub struct{ flows, packets, bytes atomic.Uint64 }
}

// publish makes the shard's counters visible to Stats and Apps; it runs
// after each batch, costs a few stores, and stores nothing that has not
// changed.
func (s *shard) publish() {
	c := &s.pub
	c.active.Store(int64(s.table.live()))
	c.evicted.Store(s.evicted)
	c.expired.Store(s.expired)
	c.limited.Store(s.limited)
	c.endedLost.Store(s.endedDropped)
	c.undecided.Store(s.undecided)
	c.tcpDup.Store(s.tcpDup)
	c.tcpHeld.Store(s.tcpHeld)
	c.tcpGap.Store(s.tcpGap)
	c.asmDone.Store(s.asm.Reassembled)
	c.asmOverflow.Store(s.asm.Overflow)
	c.asmNoRoom.Store(s.asm.NoRoom)
	c.asmGap.Store(s.asm.Gap)
	s.apps.publish()
	s.services.publish()
}
