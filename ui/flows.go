package ui

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"l7sniff/decode"
	"l7sniff/engine"
)

// flowCol is a column of the flows view; each one can be sorted on.
type flowCol struct {
	title string
	width int // 0: shares what is left
	right bool
	cell  func(f *engine.FlowView) string
	cmp   func(a, b *engine.FlowView) int
}

var flowCols = []flowCol{
	{"#", 7, true, func(f *engine.FlowView) string { return strconv.FormatUint(f.ID, 10) },
		func(a, b *engine.FlowView) int { return cmp.Compare(a.ID, b.ID) }},
	{"Proto", 8, false, func(f *engine.FlowView) string { return f.Proto },
		func(a, b *engine.FlowView) int { return strings.Compare(a.Proto, b.Proto) }},
	{"A", 0, false, func(f *engine.FlowView) string { return engine.Escape(f.A()) },
		func(a, b *engine.FlowView) int { return strings.Compare(a.A(), b.A()) }},
	{"B", 0, false, func(f *engine.FlowView) string { return engine.Escape(f.B()) },
		func(a, b *engine.FlowView) int { return strings.Compare(a.B(), b.B()) }},
	{"Verdict", 11, false, nil, // drawn with its colour by the view
		func(a, b *engine.FlowView) int { return strings.Compare(a.App, b.App) }},
	{"Port guess", 10, false, func(f *engine.FlowView) string { return engine.Escape(f.PortGuess) },
		func(a, b *engine.FlowView) int { return strings.Compare(a.PortGuess, b.PortGuess) }},
	{"Pkts", 7, true, func(f *engine.FlowView) string { return count(f.TotalPackets()) },
		func(a, b *engine.FlowView) int { return cmp.Compare(a.TotalPackets(), b.TotalPackets()) }},
	{"Bytes", 8, true, func(f *engine.FlowView) string { return siBytes(f.TotalBytes()) },
		func(a, b *engine.FlowView) int { return cmp.Compare(a.TotalBytes(), b.TotalBytes()) }},
	{"Dur", 7, true, func(f *engine.FlowView) string { return duration(f.Duration()) },
		func(a, b *engine.FlowView) int { return cmp.Compare(a.Duration(), b.Duration()) }},
	{"State", 11, false, func(f *engine.FlowView) string { return f.State },
		func(a, b *engine.FlowView) int { return strings.Compare(a.State, b.State) }},
}

// verdictCol is the index of the verdict column in flowCols.
const verdictCol = 4

// flowList is the flows view: every flow the engine knows, sorted.
type flowList struct {
	flows    []engine.FlowView
	sortBy   int
	desc     bool
	sel      int
	selID    uint64 // keeps the selection on a flow as the list re-sorts
	top      int
	height   int
	fetched  bool
	filtered bool // by the view filter
}

func newFlowList() flowList { return flowList{sortBy: 7, desc: true} } // biggest first

// set replaces the flows with a new snapshot, keeping those in pass
// (the flows the view filter lets through; nil keeps all).
func (l *flowList) set(flows []engine.FlowView, pass map[uint64]bool) {
	if pass != nil {
		flows = slices.DeleteFunc(flows, func(f engine.FlowView) bool { return !pass[f.ID] })
	}
	l.flows, l.fetched, l.filtered = flows, true, pass != nil
	l.sort()
}

func (l *flowList) sort() {
	c := flowCols[l.sortBy].cmp
	slices.SortStableFunc(l.flows, func(a, b engine.FlowView) int {
		r := c(&a, &b)
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		if l.desc {
			return -r
		}
		return r
	})
	if l.selID != 0 {
		if i := slices.IndexFunc(l.flows, func(f engine.FlowView) bool { return f.ID == l.selID }); i >= 0 {
			l.sel = i
		}
	}
	l.move(0)
}

// cycleSort sorts by the next column; reverse flips the order.
func (l *flowList) cycleSort() {
	l.sortBy = (l.sortBy + 1) % len(flowCols)
	l.sort()
}

func (l *flowList) reverse() {
	l.desc = !l.desc
	l.sort()
}

func (l *flowList) move(delta int) {
	l.sel = clamp(l.sel+delta, 0, len(l.flows)-1)
	if l.sel >= 0 && l.sel < len(l.flows) {
		l.selID = l.flows[l.sel].ID
	}
	h := max(l.height, 1)
	if l.sel < l.top {
		l.top = l.sel
	}
	if l.sel >= l.top+h {
		l.top = l.sel - h + 1
	}
	l.top = clamp(l.top, 0, max(len(l.flows)-h, 0))
}

func (l *flowList) clickRow(y int) {
	if i := l.top + y; y >= 0 && i < len(l.flows) {
		l.move(i - l.sel)
	}
}

func (l *flowList) selected() (engine.FlowView, bool) {
	if l.sel >= 0 && l.sel < len(l.flows) {
		return l.flows[l.sel], true
	}
	return engine.FlowView{}, false
}

// widths returns each column's width for the terminal width; the two
// endpoints share what the fixed columns leave.
func flowWidths(width int) []int {
	w := make([]int, len(flowCols))
	fixed, flex := 1, 0
	for i, c := range flowCols {
		w[i] = c.width
		fixed += c.width + 1
		if c.width == 0 {
			flex++
		}
	}
	// Narrow terminals drop the state, then the port guess (a mismatch
	// still shows as '!' after the verdict), then the duration, so the
	// endpoints keep room for an address and port at 80 columns.
	for _, drop := range []struct{ below, col int }{{120, 9}, {100, 5}, {90, 8}} {
		if width < drop.below {
			fixed -= w[drop.col] + 1
			w[drop.col] = 0
		}
	}
	for i, c := range flowCols {
		if c.width == 0 {
			w[i] = clamp((width-fixed)/flex, 8, 46)
		}
	}
	return w
}

func (l *flowList) view(th *Theme, width, height int) string {
	w := flowWidths(width)
	var titles []string
	for i, c := range flowCols {
		if w[i] == 0 {
			continue
		}
		t := c.title
		if i == l.sortBy {
			t += map[bool]string{false: "▲", true: "▼"}[l.desc]
		}
		if c.right {
			titles = append(titles, fitRight(t, w[i]))
		} else {
			titles = append(titles, fit(t, w[i]))
		}
	}
	var b strings.Builder
	b.WriteString(th.Title.Render(fit(" "+strings.Join(titles, " "), width)))
	lines := 1
	if len(l.flows) == 0 {
		msg := "no flows yet"
		switch {
		case l.filtered:
			msg = "no flow has a packet passing the view filter"
		case !l.fetched:
			msg = "loading flows…"
		}
		b.WriteString("\n" + th.Dim.Render(fit("  "+msg, width)))
		lines++
	}
	for i := l.top; i < len(l.flows) && lines < height; i++ {
		f := &l.flows[i]
		b.WriteByte('\n')
		b.WriteString(flowRow(th, f, w, i == l.sel, width))
		lines++
	}
	for ; lines < height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// flowRow draws a flow; the verdict carries its colour and, when the
// ports suggest something else, '!' and the mismatch style.
func flowRow(th *Theme, f *engine.FlowView, w []int, sel bool, width int) string {
	cursor := " "
	if sel {
		cursor = ">"
	}
	var cells []string
	appAt := -1
	for i, c := range flowCols {
		switch {
		case w[i] == 0:
			continue
		case i == verdictCol:
			appAt = len(cells)
			cells = append(cells, "")
		case c.right:
			cells = append(cells, fitRight(c.cell(f), w[i]))
		case c.width == 0: // an endpoint
			cells = append(cells, fitEndpoint(c.cell(f), w[i]))
		default:
			cells = append(cells, fit(c.cell(f), w[i]))
		}
	}
	app, appStyle := verdictCell(th, f.App, f.Mismatch)
	app = fit(app, w[verdictCol])
	if sel {
		cells[appAt] = app
		return th.Selected.Render(fit(cursor+strings.Join(cells, " "), width))
	}
	left := cursor + strings.Join(cells[:appAt], " ") + " "
	right := " " + strings.Join(cells[appAt+1:], " ")
	return left + appStyle.Render(app) + right
}

// flowFilter is the BPF expression that selects a flow's packets, so
// Enter on a flow can show them through the view filter. USB flows have
// no BPF form.
func flowFilter(f *engine.FlowView) (string, error) {
	k := &f.Key
	var a, b netip.Addr
	switch k.Kind {
	case decode.FlowIPv4:
		a, b = netip.AddrFrom4([4]byte(k.A[:4])), netip.AddrFrom4([4]byte(k.B[:4]))
	case decode.FlowIPv6:
		a, b = netip.AddrFrom16(k.A), netip.AddrFrom16(k.B)
	default:
		return "", fmt.Errorf("a %s flow has no BPF filter; use f to follow it", f.Proto)
	}
	hosts := fmt.Sprintf("host %s and host %s", a, b)
	switch k.Proto {
	case decode.IPProtoTCP, decode.IPProtoUDP:
		proto := map[uint8]string{decode.IPProtoTCP: "tcp", decode.IPProtoUDP: "udp"}[k.Proto]
		return fmt.Sprintf("%s and %s and %s port %d and %s port %d", proto, hosts, proto, k.PortA, proto, k.PortB), nil
	}
	if k.Kind == decode.FlowIPv6 {
		return fmt.Sprintf("ip6 proto %d and %s", k.Proto, hosts), nil
	}
	return fmt.Sprintf("ip proto %d and %s", k.Proto, hosts), nil
}
