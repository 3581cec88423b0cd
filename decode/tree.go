package decode

// Node is one line of a packet's field tree, as the detail pane shows it.
type Node struct {
	// Depth is 0 for a layer, 1 for its fields, 2 for sub-fields
	// (individual flags, option contents).
	Depth int
	Label string
	Value string
	// Bytes is where the node's value sits in Packet.Data; a bit field
	// covers the bytes that hold its bits.
	Bytes Range
}

// Tree returns the field tree of the decoded packet: one depth-0 node per
// layer, followed by its fields. Unlike Decode it allocates; it is meant for
// the one packet a person is looking at.
func (p *Packet) Tree() []Node {
	t := &treeBuilder{p: p}
	t.frame()
	for i := 0; i < p.NumEncap; i++ {
		// An outer level is shown through a copy of the packet holding
		// that level's headers, so each layer's code serves every level.
		q := *p
		q.Headers = p.Encap[i]
		q.Quoted, q.Inner.Version = false, 0
		t.p = &q
		t.level()
	}
	t.p = p
	t.level()
	t.usb()
	if d := p.appDissector(); d != nil {
		d.tree(t)
	} else {
		t.payload()
	}
	return t.nodes
}

// level adds the layers of one level of encapsulation, outermost first.
func (t *treeBuilder) level() {
	t.link()
	t.wan()
	t.network()
	t.transport()
	t.tunnel()
}

// treeBuilder collects nodes; its methods add the fields of one layer each.
type treeBuilder struct {
	p     *Packet
	nodes []Node
}

func (t *treeBuilder) layer(label, value string, off, n int) {
	t.nodes = append(t.nodes, Node{Depth: 0, Label: label, Value: value, Bytes: t.clip(off, n)})
}

func (t *treeBuilder) field(label, value string, off, n int) {
	t.nodes = append(t.nodes, Node{Depth: 1, Label: label, Value: value, Bytes: t.clip(off, n)})
}

func (t *treeBuilder) sub(label, value string, off, n int) {
	t.nodes = append(t.nodes, Node{Depth: 2, Label: label, Value: value, Bytes: t.clip(off, n)})
}

// app adds a node of the application layer at depth: off and n span
// App.Data, and the node's bytes are the part of them in this frame.
func (t *treeBuilder) app(depth int, label, value string, off, n int) {
	t.nodes = append(t.nodes, Node{Depth: depth, Label: label, Value: value, Bytes: t.p.App.Range(t.p, off, n)})
}

// clip keeps a range inside the captured bytes, so a truncated header's
// fields never point past the end.
func (t *treeBuilder) clip(off, n int) Range {
	l := len(t.p.Data)
	off = min(max(off, 0), l)
	return Range{off, min(max(n, 0), l-off)}
}
