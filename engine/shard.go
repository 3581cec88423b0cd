package engine

import "l7sniff/decode"

// shard owns the flows whose symmetric hash maps to it: its flow table,
// their classification and their counters. Shards share nothing mutable,
// so no lock guards the flows (see DESIGN.md, "Hot path rules").
type shard struct {
	id    int
	e     *Engine
	in    chan *batch
	out   chan *batch
	req   chan chan shardSnapshot
	table *flowTable
	apps  map[string]*AppStat
	// ended holds the most recently ended flows for the report and the
	// flows view: a ring of at most maxEnded entries, so a flood of
	// one-packet flows cannot grow memory; endedDropped counts the ones
	// overwritten.
	ended        []FlowView
	endedNext    int
	maxEnded     int
	endedDropped uint64
	evicted      uint64
	expired      uint64
}

// shardSnapshot is what a shard reports when asked.
type shardSnapshot struct {
	flows                []FlowView
	active               int
	evicted, expired     uint64
	endedKept, endedLost uint64
	apps                 map[string]AppStat
}

func newShard(e *Engine, id int) *shard {
	s := &shard{
		id: id, e: e,
		in:   make(chan *batch, 4),
		out:  make(chan *batch, 4),
		req:  make(chan chan shardSnapshot),
		apps: make(map[string]*AppStat),
	}
	s.table = newFlowTable(id, max(e.cfg.MaxFlows/e.nshards, 1), e.cfg.Timeouts, s.flowEnded)
	s.maxEnded = max(e.cfg.MaxEnded/e.nshards, 1)
	return s
}

// run processes batches until the capture stage closes the input.
func (s *shard) run() {
	for {
		select {
		case b, ok := <-s.in:
			if !ok {
				s.table.flush()
				close(s.out)
				s.serveUntilClosed()
				return
			}
			s.process(b)
			s.out <- b
		case r := <-s.req:
			r <- s.snapshot(true)
		}
	}
}

// serveUntilClosed keeps answering snapshot requests after the capture
// has ended, until the engine has read the final state.
func (s *shard) serveUntilClosed() {
	for {
		select {
		case r := <-s.req:
			r <- s.snapshot(true)
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
	for i := range b.items {
		it := &b.items[i]
		if !it.hasFlow {
			continue
		}
		f, created := s.table.lookup(&it.key, it.ts)
		if created {
			f.initiatorA = it.fromA
			f.cell = &verdictCell{}
			g := guessPorts(&it.key, it.fromA)
			f.class.start(set, g)
			f.cell.guessName = portNames[g]
		}
		d := dir(it.fromA)
		f.pkts[d]++
		f.bytes[d] += uint64(it.wireLen)
		f.last = max(f.last, it.ts)
		if it.isTCP {
			s.trackTCP(f, it)
		}
		if !f.class.verdict.Done() {
			payload := b.bytes(it)[it.pay.Off:it.pay.End()]
			if f.class.packet(payload, maxPkts, set) {
				s.decided(f)
			}
		} else if f.app != nil {
			f.app.Packets++
			f.app.Bytes += uint64(it.wireLen)
		}
		it.flowID, it.cell, it.guess = f.id, f.cell, f.class.guess
		it.app = f.cell.App()
		s.table.expire(it.ts)
	}
}

func (s *shard) trackTCP(f *flow, it *item) {
	f.tcpFlags |= it.tcpFlags
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
}

// decided publishes a flow's verdict and starts counting its traffic
// under that protocol, the packets it sent while undecided included.
func (s *shard) decided(f *flow) {
	app := f.class.app()
	f.cell.app.Store(&app)
	if p := f.class.verdict.Pattern(); p != nil {
		where := p.File + ":" + itoa(p.Line)
		f.cell.pattern.Store(&where)
	}
	f.cell.mismatch.Store(f.class.mismatch())
	a := s.apps[app]
	if a == nil {
		a = &AppStat{Name: app}
		s.apps[app] = a
	}
	a.Flows++
	a.Packets += f.pkts[0] + f.pkts[1]
	a.Bytes += f.bytes[0] + f.bytes[1]
	f.app = a
}

func (s *shard) flowEnded(f *flow, evicted bool) {
	if evicted {
		s.evicted++
	} else {
		s.expired++
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
	if s.e.cfg.FlowEnded != nil {
		s.e.cfg.FlowEnded(v)
	}
}

func (s *shard) snapshot(withFlows bool) shardSnapshot {
	snap := shardSnapshot{
		active: s.table.len(), evicted: s.evicted, expired: s.expired,
		endedKept: uint64(len(s.ended)), endedLost: s.endedDropped,
		apps: make(map[string]AppStat, len(s.apps)),
	}
	for k, v := range s.apps {
		snap.apps[k] = *v
	}
	if withFlows {
		snap.flows = make([]FlowView, 0, len(s.ended)+s.table.len())
		snap.flows = append(snap.flows, s.ended...)
		s.table.each(func(f *flow) { snap.flows = append(snap.flows, f.view(false)) })
	}
	return snap
}
