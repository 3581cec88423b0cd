package engine

import (
	"sort"
	"sync"
	"time"
)

// Stats is a snapshot of the engine's counters.
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
	// RingEvicted packets left the history; FlowsEvicted left the flow
	// table early because it was full; FlowsExpired ended by timeout or
	// close; FlowsLost ended after the report's cap and are only counted.
	RingEvicted                           uint64
	FlowsActive                           int
	FlowsEvicted, FlowsExpired, FlowsLost uint64
	// PPS and BPS are the rates over the last full second of capture
	// time; History the packets per second of the last minute, oldest
	// first.
	PPS, BPS float64
	History  []float64
	// Apps is the traffic by verdict, biggest first (decided flows only).
	Apps []AppStat
	Done bool
	// Exporting is set when flows go to IPFIX collectors; Exported and
	// ExportDropped count the flow records sent and dropped, once per
	// collector.
	Exporting               bool
	Exported, ExportDropped uint64
	// Reassembly counts TCP messages put back together for the
	// application dissectors, and those given up.
	Reassembly AsmStats
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

// Stats returns the engine's counters now.
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
		History: make([]float64, 0, historyLen),
	}
	for i := range historyLen {
		st.History = append(st.History, k.history[(k.hpos+i)%historyLen])
	}
	k.mu.Unlock()
	if e.ring != nil {
		st.RingEvicted = e.ring.Evicted()
	}
	if x := e.cfg.Export; x != nil {
		st.Exporting = true
		st.Exported, st.ExportDropped = x.Counts()
	}
	apps := map[string]*AppStat{}
	for _, s := range e.snapshots(false) {
		st.FlowsActive += s.active
		st.FlowsEvicted += s.evicted
		st.FlowsExpired += s.expired
		st.FlowsLost += s.endedLost
		st.Reassembly.add(s.asm)
		for name, a := range s.apps {
			t := apps[name]
			if t == nil {
				t = &AppStat{Name: name}
				apps[name] = t
			}
			t.Flows += a.Flows
			t.Packets += a.Packets
			t.Bytes += a.Bytes
		}
	}
	for _, a := range apps {
		st.Apps = append(st.Apps, *a)
	}
	sort.Slice(st.Apps, func(i, j int) bool {
		if st.Apps[i].Bytes != st.Apps[j].Bytes {
			return st.Apps[i].Bytes > st.Apps[j].Bytes
		}
		return st.Apps[i].Name < st.Apps[j].Name
	})
	return st
}
