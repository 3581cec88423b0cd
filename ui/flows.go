package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
	"l7sniff/engine/output"
)

// flowColumn names a column of the flows view.
type flowColumn int

// The flows view's columns, left to right.
const (
	idCol flowColumn = iota
	protoCol
	aCol
	bCol
	hostCol
	verdictCol
	serviceCol
	portGuessCol
	pktsCol
	bytesCol
	durCol
	stateCol
	numFlowCols
)

// flowCol is what a column shows; each one can be sorted on, by the
// engine's shards (order).
type flowCol struct {
	title string
	width int // 0: shares what is left
	right bool
	cell  func(f *engine.FlowView) string
	order engine.FlowOrder
}

var flowCols = [numFlowCols]flowCol{
	idCol:        {"#", 7, true, func(f *engine.FlowView) string { return strconv.FormatUint(f.ID, 10) }, engine.ByID},
	protoCol:     {"Proto", 8, false, func(f *engine.FlowView) string { return f.Proto }, engine.ByProto},
	aCol:         {"A", 0, false, func(f *engine.FlowView) string { return output.Escape(f.A()) }, engine.ByA},
	bCol:         {"B", 0, false, func(f *engine.FlowView) string { return output.Escape(f.B()) }, engine.ByB},
	hostCol:      {"Host", 0, false, func(f *engine.FlowView) string { return output.Escape(f.Host) }, engine.ByHost},
	verdictCol:   {"Verdict", 15, false, nil, engine.ByApp}, // drawn with its colour by the view
	serviceCol:   {"Service", 11, false, func(f *engine.FlowView) string { return output.Escape(f.Service) }, engine.ByService},
	portGuessCol: {"Port guess", 10, false, func(f *engine.FlowView) string { return output.Escape(f.PortGuess) }, engine.ByPortGuess},
	pktsCol:      {"Pkts", 7, true, func(f *engine.FlowView) string { return count(f.TotalPackets()) }, engine.ByPackets},
	bytesCol:     {"Bytes", 8, true, func(f *engine.FlowView) string { return siBytes(f.TotalBytes()) }, engine.ByBytes},
	durCol:       {"Dur", 7, true, func(f *engine.FlowView) string { return duration(f.Duration()) }, engine.ByDuration},
	stateCol:     {"State", 11, false, func(f *engine.FlowView) string { return f.State }, engine.ByState},
}

// flowWidth is each column's width (0: left out).
type flowWidth [numFlowCols]int

// flowDrops is the order in which narrow terminals drop columns: the
// service (the verdict shows it too, "ssl · youtube"), the state, the
// port guess (a mismatch still shows as '!' after the verdict), the
// duration and the packet count, so that at 80 columns the endpoints and
// the host keep room to be told apart.
var flowDrops = []struct {
	below int
	col   flowColumn
}{{160, serviceCol}, {140, stateCol}, {120, portGuessCol}, {110, durCol}, {100, pktsCol}}

// flowList is the flows view: every flow the engine knows, sorted by the
// engine, of which it holds only a page around the rows on screen
// (a million flows would cost a copy of each twice a second otherwise).
// sel and top are indexes in the whole order.
type flowList struct {
	c        *common
	keys     flowKeys
	page     []engine.FlowView // flows pageAt.. of the order
	pageAt   int
	total    int // flows in the order
	sortBy   flowColumn
	desc     bool
	sel      int
	selID    uint64 // keeps the selection on a flow as the list re-sorts (0: on a row not fetched yet)
	top      int
	height   int
	fetched  bool
	stale    bool // the order changed since the page was fetched
	filtered bool // by the view filter
	busy     bool // a page is being fetched
	last     time.Time
}

func newFlowList(c *common) flowList {
	return flowList{c: c, keys: newFlowKeys(), sortBy: bytesCol, desc: true} // biggest first
}

func (l *flowList) ShortHelp() []key.Binding  { return l.keys.ShortHelp() }
func (l *flowList) FullHelp() [][]key.Binding { return l.keys.FullHelp() }

// update: movement, enter (the flow's packets, through the view filter),
// s and S (sort), f (follow the flow).
func (l *flowList) update(msg tea.KeyMsg) tea.Cmd {
	k := &l.keys
	if d, ok := k.delta(msg, l.c.page()); ok {
		l.move(d)
		return nil
	}
	switch {
	case key.Matches(msg, k.Enter):
		f, ok := l.selected()
		if !ok {
			return nil
		}
		expr := f.Filter()
		r := l.c.e.Ring()
		prev := r.ViewFilter()
		l.c.drillFrom = &prev
		return tea.Batch(l.c.nav.show(viewPackets), applyViewFilter(r, expr, l.c.e.Source().LinkType()))
	case key.Matches(msg, k.Sort):
		l.cycleSort()
	case key.Matches(msg, k.Reverse):
		l.reverse()
	case key.Matches(msg, k.Follow):
		if f, ok := l.selected(); ok {
			return l.c.nav.followFlow(f.ID, output.Escape(f.Proto+" "+f.A()+" ⇄ "+f.B()))
		}
	}
	return nil
}

// refresh fetches the page of flows on screen twice a second (and when
// it scrolls off the page or changes order). Pages come from the
// shards, which answer between batches, so they are fetched off the UI
// goroutine and a key press never waits for a busy engine.
func (l *flowList) refresh(now time.Time, force bool) tea.Cmd {
	due := force || l.due() || (!l.c.paused && now.Sub(l.last) >= 500*time.Millisecond)
	if !due || l.busy {
		return nil
	}
	l.busy, l.last = true, now
	e, q := l.c.e, l.query()
	return func() tea.Msg {
		expr := e.Ring().ViewFilter()
		pass := e.Ring().ViewFlows()
		if pass != nil {
			q.Keep = func(id uint64) bool { return pass[id] }
		}
		return flowsMsg{e.FlowPage(q), q, pass != nil, expr}
	}
}

// flowsMsg is a page of flows refresh fetched: the answer to q, chosen
// by the view filter (expr, read before them) when filtered.
type flowsMsg struct {
	page     engine.FlowPage
	q        engine.FlowQuery
	filtered bool
	expr     string
}

// loaded takes a page refresh fetched; if the view filter changed
// meanwhile, it asks for another.
func (l *flowList) loaded(msg flowsMsg) tea.Cmd {
	l.busy = false
	l.set(msg.page, msg.q, msg.filtered)
	if l.c.e.Ring().ViewFilter() != msg.expr {
		return l.refresh(time.Now(), true)
	}
	return nil
}

func (l *flowList) scroll(delta int) { l.move(delta) }
func (l *flowList) click(y int)      { l.clickRow(y) }

func (l *flowList) draw(width, height int) string { return l.view(l.c.th, width, height) }

// query asks for the rows on screen with a screen's worth either side,
// so that scrolling a little needs no new page, and for where the
// selected flow now is.
func (l *flowList) query() engine.FlowQuery {
	h := max(l.height, 1)
	return engine.FlowQuery{Order: flowCols[l.sortBy].order, Desc: l.desc,
		Offset: max(l.top-h, 0), Limit: 3 * h, Focus: l.selID}
}

// due reports whether the rows on screen need a page: none fetched yet,
// another order, or scrolled out of the page.
func (l *flowList) due() bool {
	end := min(l.top+max(l.height, 1), l.total)
	return !l.fetched || l.stale || l.top < l.pageAt || end > l.pageAt+len(l.page)
}

// set takes a page the engine answered q with; filtered says the view
// filter chose its flows.
func (l *flowList) set(p engine.FlowPage, q engine.FlowQuery, filtered bool) {
	l.page, l.pageAt, l.total = p.Flows, q.Offset, p.Total
	l.fetched, l.filtered = true, filtered
	l.stale = q.Order != flowCols[l.sortBy].order || q.Desc != l.desc
	if p.FocusAt >= 0 && q.Focus == l.selID {
		l.sel = p.FocusAt
	}
	l.move(0)
}

// cycleSort sorts by the next column; reverse flips the order. The new
// order comes with the next page.
func (l *flowList) cycleSort() {
	l.sortBy = (l.sortBy + 1) % numFlowCols
	l.stale = true
}

func (l *flowList) reverse() {
	l.desc = !l.desc
	l.stale = true
}

func (l *flowList) move(delta int) {
	l.sel = clamp(l.sel+delta, 0, l.total-1)
	if f, ok := l.selected(); ok {
		l.selID = f.ID
	} else if delta != 0 {
		l.selID = 0 // the row's flow comes with the next page
	}
	h := max(l.height, 1)
	if l.sel < l.top {
		l.top = l.sel
	}
	if l.sel >= l.top+h {
		l.top = l.sel - h + 1
	}
	l.top = clamp(l.top, 0, max(l.total-h, 0))
}

func (l *flowList) clickRow(y int) {
	if i := l.top + y; y >= 0 && i < l.total {
		l.move(i - l.sel)
	}
}

// row returns the flow at index i of the order, if the page holds it.
func (l *flowList) row(i int) (*engine.FlowView, bool) {
	if i >= l.pageAt && i < l.pageAt+len(l.page) {
		return &l.page[i-l.pageAt], true
	}
	return nil, false
}

func (l *flowList) selected() (engine.FlowView, bool) {
	if f, ok := l.row(l.sel); ok {
		return *f, true
	}
	return engine.FlowView{}, false
}

// flowWidths returns each column's width for the terminal width (0: left
// out). The endpoints and the host share what the fixed columns leave;
// when that is little, the endpoints keep room for an IPv4 address and
// port and the host, cut from the left (fitHost), takes the rest.
func flowWidths(width int) flowWidth {
	var w flowWidth
	for i, c := range flowCols {
		w[i] = c.width
	}
	for _, drop := range flowDrops {
		if width < drop.below {
			w[drop.col] = 0
		}
	}
	if width < narrowFlows {
		w[protoCol], w[verdictCol] = 5, 12
	}
	rest := width - 1 // the cursor
	for i, c := range flowCols {
		if c.width == 0 || w[i] > 0 {
			rest -= w[i] + 1
		}
	}
	ep := clamp(rest/3, 8, 46)
	if rest/3 < wantEndpoint {
		ep = clamp(min(wantEndpoint, (rest-minHost)/2), 8, 46)
	}
	w[aCol], w[bCol] = ep, ep
	w[hostCol] = clamp(rest-2*ep, minHost, 46)
	return w
}

// narrowFlows is the width below which Proto and Verdict narrow;
// minHost the least the host column gets.
const (
	narrowFlows = 90
	minHost     = 8
)

func (l *flowList) view(th *Theme, width, height int) string {
	w := flowWidths(width)
	var titles []string
	for i, c := range flowCols {
		if w[i] == 0 {
			continue
		}
		t := c.title
		if flowColumn(i) == l.sortBy {
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
	if l.total == 0 {
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
	for i := l.top; i < l.total && lines < height; i++ {
		b.WriteByte('\n')
		if f, ok := l.row(i); ok {
			b.WriteString(flowRow(th, f, w, i == l.sel, width))
		} // else a blank line until the page with it comes
		lines++
	}
	for ; lines < height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// flowRow draws a flow; the verdict carries its colour and, when the
// ports suggest something else, '!' and the mismatch style.
func flowRow(th *Theme, f *engine.FlowView, w flowWidth, sel bool, width int) string {
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
		case flowColumn(i) == verdictCol:
			appAt = len(cells)
			cells = append(cells, "")
		case c.right:
			cells = append(cells, fitRight(c.cell(f), w[i]))
		case flowColumn(i) == hostCol:
			cells = append(cells, fitHost(c.cell(f), w[i]))
		case c.width == 0: // an endpoint
			cells = append(cells, fitEndpoint(c.cell(f), w[i]))
		default:
			cells = append(cells, fit(c.cell(f), w[i]))
		}
	}
	app, appStyle := verdictCell(th, f.App, f.Service, f.Mismatch)
	app = fit(app, w[verdictCol])
	if sel {
		cells[appAt] = app
		return th.Selected.Render(fit(cursor+strings.Join(cells, " "), width))
	}
	left := cursor + strings.Join(cells[:appAt], " ") + " "
	right := " " + strings.Join(cells[appAt+1:], " ")
	return left + appStyle.Render(app) + right
}
