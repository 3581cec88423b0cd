package engine

// A flow's identity reaches readers outside the shard (ring rows, the
// view filter) through its verdictCell: the shard publishes each new
// flowIdentity there as it sets it on the flow (a few times per flow,
// never per packet), and a reader loads it with one atomic read.

// setIdentity makes id the flow's identity, for the shard and for the
// readers of its cell.
func (f *flow) setIdentity(id *flowIdentity) {
	f.ident = id
	f.cell.ident.Store(id)
}

// identity returns the flow's identity as last published, nil when none
// is known yet (or the packet belongs to no flow).
func (c *verdictCell) identity() *flowIdentity {
	if c == nil {
		return nil
	}
	return c.ident.Load()
}
