package engine

import (
	"fmt"
	"strconv"
	"strings"

	"l7sniff/decode"
	"l7sniff/engine/capture"
)

// viewFilter is a compiled view filter: the parsed tree with each maximal
// BPF sub-expression compiled by libpcap. Matching a packet allocates
// nothing; a BPF part is compiled once per link type met.
type viewFilter struct {
	expr string
	root filterNode
	pkt  filterPacket // scratch for matchSlot
}

// filterPacket is what a filter looks at: the packet's bytes and, for the
// flow primitives, its flow's id and verdict cell (0 and nil for packets
// of no flow).
type filterPacket struct {
	data    []byte
	wireLen int
	link    decode.LinkType
	flow    uint64
	cell    *verdictCell
}

// filterNode is one node of a compiled filter.
type filterNode interface {
	match(p *filterPacket) bool
}

// ValidateViewFilter checks a view filter expression for the capture's
// link type, as SetViewFilter would, without installing it.
func ValidateViewFilter(expr string, link decode.LinkType) error {
	_, err := compileViewFilter(expr, link)
	return err
}

// compileViewFilter parses expr and compiles its BPF parts for link. An
// expression that is all BPF is compiled whole, so it behaves, and fails,
// exactly as the same capture filter would.
func compileViewFilter(src string, link decode.LinkType) (*viewFilter, error) {
	e, err := parseFilter(src)
	if err != nil {
		return nil, err
	}
	if e.pure {
		b, err := capture.CompileBPF(link, capture.DefaultSnaplen, src)
		if err != nil {
			return nil, err
		}
		return &viewFilter{expr: src, root: &bpfLeaf{text: src, progs: map[decode.LinkType]*capture.BPF{link: b}}}, nil
	}
	c := filterCompiler{src: src, link: link}
	root, err := c.node(e)
	if err != nil {
		return nil, err
	}
	return &viewFilter{expr: src, root: root}, nil
}

type filterCompiler struct {
	src  string
	link decode.LinkType
}

func (c *filterCompiler) node(e *expr) (filterNode, error) {
	if e.pure {
		return c.bpf(e.lo, e.hi)
	}
	switch e.kind {
	case eApp:
		return appLeaf(e.arg), nil
	case eService:
		return serviceLeaf(e.arg), nil
	case eHost:
		return hostLeaf(e.arg), nil
	case eFlow:
		id, _ := strconv.ParseUint(e.arg, 10, 64) // checked by the parser
		return flowLeaf(id), nil
	case eNot:
		x, err := c.node(e.kids[0])
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	// and/or: neighbouring BPF children become one BPF text.
	var kids []filterNode
	for i := 0; i < len(e.kids); {
		k := e.kids[i]
		if !k.pure {
			n, err := c.node(k)
			if err != nil {
				return nil, err
			}
			kids, i = append(kids, n), i+1
			continue
		}
		j := i
		for j+1 < len(e.kids) && e.kids[j+1].pure {
			j++
		}
		n, err := c.bpf(k.lo, e.kids[j].hi)
		if err != nil {
			return nil, err
		}
		kids, i = append(kids, n), j+1
	}
	if e.kind == eAnd {
		return andNode(kids), nil
	}
	return orNode(kids), nil
}

// bpf compiles src[lo:hi] for the capture's link type, reporting an error
// at its column.
func (c *filterCompiler) bpf(lo, hi int) (filterNode, error) {
	text := c.src[lo:hi]
	b, err := capture.CompileBPF(c.link, capture.DefaultSnaplen, text)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("filter %q: ", text))
		return nil, &FilterError{Expr: c.src, Col: lo + 1, Msg: fmt.Sprintf("BPF %q: %s", text, msg)}
	}
	return &bpfLeaf{text: text, progs: map[decode.LinkType]*capture.BPF{c.link: b}}, nil
}

// bpfLeaf is a BPF sub-expression with its programs by link type. The
// map is only written by the goroutine that owns the filter (the ring's
// writer under its lock, or SetViewFilter before installing it).
type bpfLeaf struct {
	text  string
	progs map[decode.LinkType]*capture.BPF
}

func (b *bpfLeaf) match(p *filterPacket) bool {
	prog, ok := b.progs[p.link]
	if !ok {
		var err error
		if prog, err = capture.CompileBPF(p.link, capture.DefaultSnaplen, b.text); err != nil {
			// The expression means nothing for this link type ("tcp"
			// on USB): it matches nothing, as in tcpdump.
			prog, _ = capture.CompileBPF(p.link, capture.DefaultSnaplen, "less 0")
		}
		b.progs[p.link] = prog
	}
	return prog.Match(p.data, p.wireLen)
}

type notNode struct{ x filterNode }

func (n notNode) match(p *filterPacket) bool { return !n.x.match(p) }

type andNode []filterNode

func (n andNode) match(p *filterPacket) bool {
	for _, k := range n {
		if !k.match(p) {
			return false
		}
	}
	return true
}

type orNode []filterNode

func (n orNode) match(p *filterPacket) bool {
	for _, k := range n {
		if k.match(p) {
			return true
		}
	}
	return false
}

// appLeaf is "app NAME": the flow's verdict now.
type appLeaf string

func (a appLeaf) match(p *filterPacket) bool {
	return p.cell != nil && strings.EqualFold(p.cell.App(), string(a))
}

// serviceLeaf is "service NAME".
type serviceLeaf string

func (s serviceLeaf) match(p *filterPacket) bool {
	id := p.cell.identity()
	return id != nil && strings.EqualFold(id.service, string(s))
}

// hostLeaf is "host SUFFIX", lower case without a leading "*." or ".".
type hostLeaf string

func (h hostLeaf) match(p *filterPacket) bool {
	id := p.cell.identity()
	return id != nil && hostHasSuffix(id.host, string(h))
}

// flowLeaf is "flow ID".
type flowLeaf uint64

func (f flowLeaf) match(p *filterPacket) bool { return p.flow != 0 && p.flow == uint64(f) }

// hostHasSuffix reports whether host is suffix or ends in "."+suffix,
// ignoring case and a trailing root dot: "api.github.com" has the suffix
// "github.com", "notgithub.com" has not.
func hostHasSuffix(host, suffix string) bool {
	host = strings.TrimSuffix(host, ".")
	n := len(host) - len(suffix)
	return n >= 0 && strings.EqualFold(host[n:], suffix) && (n == 0 || host[n-1] == '.')
}
