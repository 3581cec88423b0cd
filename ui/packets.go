package ui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"l7sniff/engine"
	"l7sniff/engine/output"
)

// packetList is the packets view: a window onto the ring's view-filtered
// history. It holds only the rows on screen; every refresh fetches just
// those from the ring, so a million kept packets cost no more to show
// than twenty.
type packetList struct {
	c      *common
	keys   packetKeys
	rows   []pktRow
	total  int    // packets passing the view filter
	top    int    // view index of the first row on screen
	sel    int    // view index of the selected packet
	selSeq uint64 // its sequence number, to keep it selected as the ring moves
	follow bool   // stick to the newest packet
	height int    // rows on screen
	t0     time.Time
	fmt    rowFormatter
}

func newPacketList(c *common) packetList {
	return packetList{c: c, keys: newPacketKeys(), follow: true}
}

func (l *packetList) ShortHelp() []key.Binding  { return l.keys.ShortHelp() }
func (l *packetList) FullHelp() [][]key.Binding { return l.keys.FullHelp() }

// update: movement, enter (the packet's detail), esc (back out of a
// flow's packets), f (follow the packet's flow).
func (l *packetList) update(msg tea.KeyMsg) tea.Cmd {
	k := &l.keys
	if d, ok := k.delta(msg, l.c.page()); ok {
		l.move(d)
		if key.Matches(msg, k.Bottom) {
			l.follow = true
		}
		l.refetch()
		return nil
	}
	switch {
	case key.Matches(msg, k.Enter):
		r, ok := l.selected()
		if !ok {
			return nil
		}
		v, ok := l.c.e.Ring().Get(r.seq)
		if !ok {
			l.c.setStatus(fmt.Sprintf("packet %d has left the history", r.seq), true)
			return nil
		}
		return l.c.nav.openDetail(v)
	case key.Matches(msg, k.Back) && l.c.drillFrom != nil:
		// Back out of a flow's packets: the filter before it returns.
		prev := *l.c.drillFrom
		l.c.drillFrom = nil
		e := l.c.e
		return tea.Batch(l.c.nav.show(viewFlows), applyViewFilter(e.Ring(), prev, e.Source().LinkType()))
	case key.Matches(msg, k.Follow):
		if r, ok := l.selected(); ok {
			return l.c.nav.followFlow(r.flowID, r.proto+" "+r.src+" ⇄ "+r.dst)
		}
	}
	return nil
}

// refresh fetches the rows on screen every tick: from the ring, under a
// short read lock.
func (l *packetList) refresh(time.Time, bool) tea.Cmd {
	l.refetch()
	return nil
}

// refetch fetches the rows on screen now.
func (l *packetList) refetch() { l.fetch(l.c.e.Ring(), l.c.shownUpTo()) }

func (l *packetList) scroll(delta int) {
	l.move(delta)
	l.refetch()
}

func (l *packetList) click(y int) {
	l.clickRow(y)
	l.refetch()
}

func (l *packetList) draw(width, height int) string {
	return l.view(l.c.th, width, height, l.waiting())
}

// waiting is what the view says while it has no rows.
func (l *packetList) waiting() string {
	st := l.c.stats
	switch {
	case l.c.e.Ring().ViewFilter() != "" && st.Packets > 0:
		return "no packet passes the view filter"
	case st.Done:
		return "no packets in " + output.Escape(st.Source)
	case st.Live:
		return "waiting for packets on " + output.Escape(st.Source) + "…"
	}
	return "reading " + output.Escape(st.Source) + "…"
}

// showAll is fetch's upTo when the display is not paused.
const showAll = math.MaxUint64

// fetch fetches the rows on screen, none newer than packet upTo: while
// the display is paused (upTo is then the newest packet at the pause) the
// count stays where it was and packets that arrive later are left out,
// even where the screen has room for them, while movement still shows
// the rows moved to.
func (l *packetList) fetch(r *engine.Ring, upTo uint64) {
	frozen := upTo != showAll
	l.fmt.ring = r
	n, first, _ := r.Len()
	if l.t0.IsZero() && n > 0 {
		if v, ok := r.Get(first); ok {
			l.t0 = v.Time
		}
	}
	if !frozen {
		l.total = r.ViewLen()
	}
	switch {
	case l.follow:
		l.sel = l.total - 1
	case l.selSeq != 0 && !frozen && r.ViewFilter() == "":
		// Unfiltered, a packet's index is its distance from the oldest
		// kept one: stay on it while older packets are evicted.
		l.sel = int(int64(l.selSeq) - int64(first))
	}
	l.sel = clamp(l.sel, 0, l.total-1)
	l.window()
	l.rows = l.rows[:0]
	for _, v := range r.View(l.top, min(l.height, l.total-l.top)) {
		if v.Seq > upTo {
			break
		}
		l.rows = append(l.rows, l.fmt.kept(&v, l.t0))
	}
	if i := l.sel - l.top; i >= 0 && i < len(l.rows) {
		l.selSeq = l.rows[i].seq
	}
}

// viewLenUpTo is how many packets pass the view filter up to packet upTo.
func viewLenUpTo(r *engine.Ring, upTo uint64) int {
	if upTo == showAll {
		return r.ViewLen()
	}
	n, _ := slices.BinarySearch(r.ViewSeqs(), upTo+1)
	return n
}

// window moves the window so the selection is on screen; following, the
// newest packet sits on the last line.
func (l *packetList) window() {
	h := max(l.height, 1)
	if l.follow {
		l.top = max(l.total-h, 0)
		return
	}
	if l.sel < l.top {
		l.top = l.sel
	}
	if l.sel >= l.top+h {
		l.top = l.sel - h + 1
	}
	l.top = clamp(l.top, 0, max(l.total-h, 0))
}

// move moves the selection by delta rows; any movement stops following
// the tail (G resumes it), as termshark users asked.
func (l *packetList) move(delta int) {
	l.follow = false
	l.sel = clamp(l.sel+delta, 0, l.total-1)
	l.selSeq = 0
}

// jump selects view index i.
func (l *packetList) jump(i int) {
	l.follow = false
	l.sel = clamp(i, 0, l.total-1)
	l.selSeq = 0
}

// clickRow selects the y-th row on screen.
func (l *packetList) clickRow(y int) {
	if y >= 0 && y < len(l.rows) {
		l.jump(l.top + y)
	}
}

// selected returns the selected row, if it is on screen.
func (l *packetList) selected() (pktRow, bool) {
	if i := l.sel - l.top; i >= 0 && i < len(l.rows) {
		return l.rows[i], true
	}
	return pktRow{}, false
}

// pktCols are the packets view's column widths for a terminal width; 0
// leaves a column out.
type pktCols struct {
	no, time, src, dst, proto, length, app, info int
}

// Column limits: Info keeps at least minInfo cells, and the endpoints
// get at least wantEndpoint, a typical IPv4 address and port, before
// Info grows.
const (
	minInfo      = 30
	wantEndpoint = len("10.0.0.10:50458")
	wideVerdict  = 120
)

// packetColumns fits the columns to width: Info keeps minInfo cells and
// the endpoints wantEndpoint; to make room, Len goes first, then Time
// (the detail view has it), then Proto, which then leads Info instead.
func packetColumns(width int, lastNo int) pktCols {
	c := pktCols{no: max(len(strconv.Itoa(lastNo)), 3), time: 10, proto: 6, length: 5, app: 11}
	if width >= wideVerdict {
		c.app = 15 // room for the service too: "ssl · youtube"
	}
	drops := []*int{&c.length, &c.time, &c.proto}
	for {
		rest := width - c.fixed()
		c.src = clamp(min(rest*35/100, (rest-2-minInfo)/2), 6, 22)
		if c.src >= wantEndpoint || len(drops) == 0 {
			break
		}
		*drops[0], drops = 0, drops[1:]
	}
	c.dst = c.src
	c.info = max(width-c.fixed()-c.src-c.dst-2, 1)
	return c
}

// fixed is the width of everything but the endpoints and Info: the
// cursor, the fixed columns and the spaces after them.
func (c *pktCols) fixed() int {
	n := 1 + c.no + 1 + c.app + 1
	for _, w := range []int{c.time, c.proto, c.length} {
		if w > 0 {
			n += w + 1
		}
	}
	return n
}

// view draws the column titles and the rows, height lines in all.
func (l *packetList) view(th *Theme, width, height int, waiting string) string {
	var b strings.Builder
	lastNo := 0
	if len(l.rows) > 0 {
		lastNo = int(l.rows[len(l.rows)-1].seq)
	}
	c := packetColumns(width, lastNo)
	titles := []string{" " + fitRight("No.", c.no)}
	if c.time > 0 {
		titles = append(titles, fit("Time", c.time))
	}
	titles = append(titles, fit("Source", c.src), fit("Destination", c.dst))
	if c.proto > 0 {
		titles = append(titles, fit("Proto", c.proto))
	}
	if c.length > 0 {
		titles = append(titles, fitRight("Len", c.length))
	}
	titles = append(titles, fit("Verdict", c.app), "Info")
	b.WriteString(th.Title.Render(fit(strings.Join(titles, " "), width)))
	lines := 1
	if len(l.rows) == 0 {
		b.WriteString("\n" + th.Dim.Render(fit("  "+waiting, width)))
		lines++
	}
	for i := range l.rows {
		r := &l.rows[i]
		sel := l.top+i == l.sel
		b.WriteByte('\n')
		b.WriteString(l.rowView(th, r, c, sel, width))
		lines++
	}
	for ; lines < height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// rowView draws one row: the rule's colour over the whole line, the
// verdict in its protocol's colour. The selected row is drawn reversed
// and marked with '>' so it shows without colour too.
func (l *packetList) rowView(th *Theme, r *pktRow, c pktCols, sel bool, width int) string {
	cursor := " "
	if sel {
		cursor = ">"
	}
	cells := []string{cursor + fitRight(r.no, c.no)}
	if c.time > 0 {
		cells = append(cells, fit(r.time, c.time))
	}
	cells = append(cells, fitEndpoint(r.src, c.src), fitEndpoint(r.dst, c.dst))
	info := r.info
	if c.proto > 0 {
		cells = append(cells, fit(r.proto, c.proto))
	} else if r.proto != "" {
		info = r.proto + " " + info
	}
	if c.length > 0 {
		cells = append(cells, fitRight(r.length, c.length))
	}
	left := strings.Join(cells, " ") + " "
	app, appStyle := verdictCell(th, r.app, r.service, r.mismatch)
	info = " " + fit(info, max(width-ansi.StringWidth(left)-c.app-1, 1))
	if sel {
		return th.Selected.Render(left + fit(app, c.app) + info)
	}
	row := th.Row(r.style)
	return row.Render(left) + appStyle.Render(fit(app, c.app)) + row.Render(info)
}

// verdictCell is a flow verdict as a table cell: "-" when the packet has
// no flow, a '!' after a verdict the ports contradict.
func verdictCell(th *Theme, app, service string, mismatch bool) (string, lipgloss.Style) {
	st := th.App(app)
	s := output.Escape(app)
	switch {
	case app == "":
		return "-", th.Unknown
	case mismatch:
		s, st = s+"!", th.Mismatch
	}
	if service != "" {
		// Beside the protocol, never instead of it.
		s += " · " + output.Escape(service)
	}
	return s, st
}
