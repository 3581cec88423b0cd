package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
)

// detail is the packet detail view: the field tree from decode above the
// hex dump, the selected field's bytes highlighted in the dump.
type detail struct {
	c    *common
	keys detailKeys
	hex  bool // the dump shows (x), for every packet opened
	v    engine.PacketView
	p    decode.Packet
	// all is the whole tree, folded which of its nodes are collapsed;
	// nodes are the ones on show and vis their indexes in all.
	all    []decode.Node
	folded []bool
	vis    []int
	nodes  []decode.Node
	sel    int
	top    int // first tree line on screen
	hexTop int // first hex row on screen
	treeH  int // tree lines on screen at the last draw
}

// open shows packet v, decoded with the state its flow's earlier packets
// in r left (r may be nil: v alone).
func (d *detail) open(r *engine.Ring, v engine.PacketView) {
	*d = detail{c: d.c, keys: d.keys, hex: d.hex, v: v}
	var replay flowReplay
	replay.decode(r, &d.v, &d.p)
	d.p.Number, d.p.Time = int(v.Seq), v.Time
	d.all = d.p.Tree()
	d.folded = make([]bool, len(d.all))
	d.refold()
}

func newDetail(c *common) detail { return detail{c: c, keys: newDetailKeys(), hex: true} }

func (d *detail) ShortHelp() []key.Binding  { return d.keys.ShortHelp() }
func (d *detail) FullHelp() [][]key.Binding { return d.keys.FullHelp() }

// update: movement in the tree, ← and → (fold), x (hex), f (follow the
// packet's flow), esc (back).
func (d *detail) update(msg tea.KeyMsg) tea.Cmd {
	k := &d.keys
	if delta, ok := k.delta(msg, d.c.page()); ok {
		d.move(delta)
		return nil
	}
	switch {
	case key.Matches(msg, k.Collapse):
		d.fold(true)
	case key.Matches(msg, k.Expand):
		d.fold(false)
	case key.Matches(msg, k.Hex):
		d.hex = !d.hex
	case key.Matches(msg, k.Follow):
		return d.c.nav.followFlow(d.v.FlowID, fmt.Sprintf("packet %d's flow", d.v.Seq))
	case key.Matches(msg, k.Back):
		return d.c.nav.show(viewPackets) // where every detail is opened from
	}
	return nil
}

func (d *detail) scroll(delta int) { d.move(delta) }

// click selects the tree line under the pointer (y 0 is the line under
// the summary).
func (d *detail) click(y int) {
	if i := d.top + y; y >= 0 && i < len(d.nodes) {
		d.move(i - d.sel)
	}
}

func (d *detail) draw(width, height int) string { return d.view(d.c.th, width, height, d.hex) }

// hasKids reports whether node i of the whole tree has children.
func (d *detail) hasKids(i int) bool {
	return i+1 < len(d.all) && d.all[i+1].Depth > d.all[i].Depth
}

// refold rebuilds the nodes on show, hiding what collapsed nodes hold.
func (d *detail) refold() {
	d.nodes, d.vis = d.nodes[:0], d.vis[:0]
	for i := 0; i < len(d.all); i++ {
		d.nodes, d.vis = append(d.nodes, d.all[i]), append(d.vis, i)
		if d.folded[i] {
			for depth := d.all[i].Depth; i+1 < len(d.all) && d.all[i+1].Depth > depth; {
				i++
			}
		}
	}
}

// fold collapses (or expands) the selected node; collapsing a node that
// is a leaf or already collapsed selects its parent instead, as tree
// views do.
func (d *detail) fold(collapse bool) {
	if d.sel < 0 || d.sel >= len(d.vis) {
		return
	}
	i := d.vis[d.sel]
	switch {
	case collapse && (!d.hasKids(i) || d.folded[i]):
		for j := d.sel - 1; j >= 0; j-- {
			if d.nodes[j].Depth < d.nodes[d.sel].Depth {
				d.move(j - d.sel)
				return
			}
		}
		return
	case d.hasKids(i):
		d.folded[i] = collapse
	}
	d.refold()
	d.move(0)
}

func (d *detail) move(delta int) {
	d.sel = clamp(d.sel+delta, 0, len(d.nodes)-1)
	h := max(d.treeH, 1)
	if d.sel < d.top {
		d.top = d.sel
	}
	if d.sel >= d.top+h {
		d.top = d.sel - h + 1
	}
	// When the tree gets more room (x turns the hex dump off) it fills
	// it rather than leaving the freed rows blank.
	d.top = clamp(d.top, 0, max(len(d.nodes)-h, 0))
}

// mark is the byte range of the selected field.
func (d *detail) mark() decode.Range {
	if d.sel >= 0 && d.sel < len(d.nodes) {
		return d.nodes[d.sel].Bytes
	}
	return decode.Range{}
}

// summary is the line above the tree: which packet, its flow's verdict,
// where the matching pattern came from and what the ports suggest.
func (d *detail) summary(th *Theme) string {
	v := &d.v
	s := fmt.Sprintf("Packet %d · %d bytes on wire, %d captured", v.Seq, v.WireLen, len(v.Data))
	if v.FlowID == 0 {
		return th.Title.Render(s)
	}
	s = th.Title.Render(s+fmt.Sprintf(" · flow %d · verdict ", v.FlowID)) + th.App(v.App).Render(output.Escape(v.App))
	if v.Pattern != "" {
		s += th.Label.Render(" matched by ") + output.Escape(v.Pattern)
	}
	if v.PortGuess != "" {
		s += th.Label.Render(" · port guess ") + output.Escape(v.PortGuess)
	}
	if v.Mismatch {
		s += " " + th.Mismatch.Render("! payload and port disagree")
	}
	return s
}

// view draws the summary, the tree and (with hex on) the dump in height
// lines.
func (d *detail) view(th *Theme, width, height int, hex bool) string {
	rows := (len(d.v.Data) + 15) / 16
	d.treeH = height - 1
	hexH := 0
	if hex {
		hexH = min(rows, max((height-2)/2, 1))
		d.treeH = height - 2 - hexH
	}
	d.move(0)
	lines := []string{fit(d.summary(th), width)}
	for i := d.top; i < len(d.nodes) && i < d.top+d.treeH; i++ {
		lines = append(lines, d.nodeLine(th, i, width))
	}
	for len(lines) < 1+d.treeH {
		lines = append(lines, "")
	}
	if hex {
		m := d.mark()
		lines = append(lines, th.Label.Render(fit(fmt.Sprintf("── hex ── bytes %d–%d of the selected field ", m.Off, max(m.End()-1, m.Off)), width)))
		if m.Len > 0 {
			// Keep the selected field's first row in view.
			if r := m.Off / 16; r < d.hexTop || r >= d.hexTop+hexH {
				d.hexTop = r
			}
		}
		d.hexTop = clamp(d.hexTop, 0, max(rows-hexH, 0))
		hl := func(dst, s []byte) []byte { return append(dst, th.Mark.Render(string(s))...) }
		var buf []byte
		for r := d.hexTop; r < rows && r < d.hexTop+hexH; r++ {
			// AppendHexRow prints bytes as hex and as '.'-escaped ASCII,
			// so nothing from the packet reaches the terminal raw.
			buf = decode.AppendHexRow(buf[:0], d.v.Data, r*16, m, hl)
			lines = append(lines, string(buf))
		}
	}
	return strings.Join(lines, "\n")
}

func (d *detail) nodeLine(th *Theme, i, width int) string {
	n := &d.nodes[i]
	marker := "  "
	if all := d.vis[i]; d.hasKids(all) {
		marker = "▾ "
		if d.folded[all] {
			marker = "▸ "
		}
	}
	text := strings.Repeat("  ", n.Depth) + marker + output.Escape(n.Label)
	if n.Value != "" {
		text += ": " + output.Escape(n.Value)
	}
	if i == d.sel {
		return th.Selected.Render(fit(">"+text, width))
	}
	if n.Depth == 0 {
		return th.Bold.Render(fit(" "+text, width))
	}
	return fit(" "+text, width)
}
