package engine

// flowIdentity is what readers outside the shard (ring rows, the view
// filter) see of a flow's identity. The shard that owns the flow
// publishes a new one in the flow's verdictCell each time the identity
// changes (a few times per flow, never per packet); readers load it with
// one atomic read and never write it.
type flowIdentity struct {
	Host, HostSource, Service string
}

// identity returns the flow's identity as last published, nil when none
// is known yet (or the packet belongs to no flow).
func (c *verdictCell) identity() *flowIdentity {
	if c == nil {
		return nil
	}
	return c.ident.Load()
}
