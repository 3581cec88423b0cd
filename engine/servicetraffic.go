package engine

// ServiceTraffic returns the traffic by service (flows whose host matched a
// service rule), biggest first, as Apps does by verdict. A flow counts
// from its first packet once its service is known, and moves if a later
// name changes its service.
func (e *Engine) ServiceTraffic() []AppStat {
	return e.sumStats(func(s *shard) *statSet { return &s.services })
}

// setIdentity makes id the flow's identity: for the shard, for the
// readers of the flow's cell (ring rows, the view filter) and of the items
// on their way to the collector's sinks, and in the service totals. Once
// such readers may hold a published identity it is never changed: a new
// one replaces it. With none of them (a --flows run) only the shard reads
// it, and it is updated in place.
func (s *shard) setIdentity(f *flow, id *flowIdentity) {
	old := ""
	if f.ident != nil {
		old = f.ident.service
	}
	switch {
	case id == nil:
		f.ident = nil
		f.cell.ident.Store(nil)
	case f.ident != nil && s.e.cfg.Packet == nil && s.e.ring == nil:
		*f.ident = *id
	default:
		n := *id
		f.ident = &n
		f.cell.ident.Store(&n)
	}
	svc := ""
	if id != nil {
		svc = id.service
	}
	if svc == old {
		return
	}
	pkts, bytes := f.pkts[0]+f.pkts[1], f.bytes[0]+f.bytes[1]
	if c := f.svc; c != nil {
		c.Flows--
		c.Packets -= pkts
		c.Bytes -= bytes
	}
	f.svc = nil
	if svc != "" {
		c := s.services.counter(svc)
		c.Flows++
		c.Packets += pkts
		c.Bytes += bytes
		f.svc = c
	}
}
