package engine

// A flow's identity reaches readers outside the shard (ring rows, the
// view filter) through its verdictCell: the shard publishes each new
// flowIdentity there as it sets it on the flow (shard.setIdentity, a few
// times per flow, never per packet), and a reader loads it with one
// atomic read.

// identity returns the flow's identity as last published, nil when none
// is known yet (or the packet belongs to no flow).
func (c *verdictCell) identity() *flowIdentity {
	if c == nil {
		return nil
	}
	return c.ident.Load()
}
