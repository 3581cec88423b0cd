// Package ui is l7sniff's terminal interface: a Bubble Tea program that
// draws snapshots of the engine — header with counters, rate and protocol
// shares; packets, flows, packet detail and follow-stream views — and
// lets a person filter, search and inspect traffic from the keyboard.
//
// The UI never holds up the capture: it pulls snapshots on a tick (at
// most 30 a second) and fetches from the ring only the rows on screen.
// If it is slow it shows fewer frames, never fewer packets.
package ui

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"l7sniff/engine"
)

// Options configure the UI.
type Options struct {
	// Light selects the theme for light terminal backgrounds (dark is
	// the default); NoColor draws without colour (NO_COLOR).
	Light, NoColor bool
	// Patterns, when patterns come from directories, is the engine's
	// subscription to their reloads: the UI shows each one's status and
	// asks it for a reload (r). nil means the built-in set.
	Patterns *engine.PatternWatch
	// Snaplen is the capture's snap length, for compiling filters and
	// writing files (0: engine.DefaultSnaplen).
	Snaplen int
	// Done receives the engine's Run result when it returns.
	Done <-chan error
	// Devices and Start run the interface picker when Run gets no engine:
	// Devices are engine.Devices lines, Start opens the chosen device and
	// starts capturing on it.
	Devices []string
	Start   func(device string) (*engine.Engine, <-chan error, error)
	// Debug shows the UI's own redraw rate in the header (--debug), for
	// measuring the UI rather than the traffic.
	Debug bool
}

// fps caps redraws: the renderer flushes at most this often and the
// snapshot tick runs at this rate.
const fps = 30

// Run shows the UI on the terminal until the user quits or ctx is done.
// e may be nil when Options.Start and Devices are set: the interface
// picker comes first.
func Run(ctx context.Context, e *engine.Engine, opts Options) error {
	out := &frameCounter{File: os.Stdout}
	th := NewTheme(lipgloss.NewRenderer(os.Stdout), !opts.Light, opts.NoColor)
	m := New(e, opts, th)
	if opts.Debug {
		m.frames = &out.frames
	}
	// Signals are the caller's (they cancel ctx): with bubbletea's own
	// handler as well, the two raced, and the handler could block for
	// ever sending QuitMsg to a program that had already stopped,
	// leaving the terminal in the alternate screen.
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithOutput(out),
		tea.WithFPS(fps), tea.WithContext(ctx), tea.WithoutSignalHandler())
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted by a signal: a normal way out
	}
	return err
}

// frameCounter is the terminal as the renderer sees it; it counts the
// frames written, so the header can show the real redraw rate.
type frameCounter struct {
	*os.File
	frames atomic.Int64
}

func (f *frameCounter) Write(b []byte) (int, error) {
	f.frames.Add(1)
	return f.File.Write(b)
}

type viewID int

const (
	viewPackets viewID = iota
	viewFlows
	viewDetail
	viewFollow
	viewPicker
)

// Model is the UI's state: the Bubble Tea model. Each view is a sub-model
// of its own (packetList, flowList, detail, follow, picker); Model routes
// keys and snapshots to them and lays them out.
type Model struct {
	e     *engine.Engine
	opts  Options
	th    *Theme
	keys  keyMap
	help  help.Model
	width int
	high  int

	view, back viewID
	showHelp   bool
	helpTop    int // first help line on screen
	hex        bool
	// paused freezes the display (space); pausedAt is the newest packet
	// then, so the lists leave out what came later and the header can
	// say how much did.
	paused   bool
	pausedAt uint64

	hdr  header
	pk   packetList
	fl   flowList
	dt   detail
	fw   follow
	pick picker

	// drillFrom is the view filter in force before enter on a flow
	// replaced it; esc in the packets view puts it back.
	drillFrom *string

	in        *input
	hist      map[inputKind][]string
	status    string
	statusErr bool
	find      string

	lastStats, lastFlows time.Time
	statsBusy, flowsBusy bool          // a snapshot is being fetched
	frames               *atomic.Int64 // nil unless --debug on a terminal
	lastFrames           int64
	lastFPS              time.Time
}

// New returns the model for engine e (nil: start with the picker).
func New(e *engine.Engine, opts Options, th *Theme) *Model {
	if opts.Snaplen <= 0 {
		opts.Snaplen = engine.DefaultSnaplen
	}
	m := &Model{
		e: e, opts: opts, th: th, keys: newKeyMap(), help: help.New(),
		hex: true, pk: newPacketList(), fl: newFlowList(),
		hist: map[inputKind][]string{},
	}
	if !opts.Debug {
		m.hdr.fps = -1
	}
	m.help.Styles.ShortKey, m.help.Styles.FullKey = th.Bold, th.Bold
	m.help.Styles.ShortDesc, m.help.Styles.FullDesc = th.Label, th.Label
	if e == nil {
		m.view, m.pick = viewPicker, newPicker(opts.Devices)
	}
	if opts.Patterns != nil {
		m.hdr.patterns, m.hdr.patErr = reloadStatus(opts.Patterns.Status())
	} else if e != nil {
		m.hdr.patterns = builtinStatus(e.Patterns().Len())
	}
	return m
}

// Init starts the snapshot tick and the listeners for pattern reloads and
// the end of the capture.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tick(), m.watchPatterns(), waitDone(m.opts.Done))
}

type tickMsg time.Time

func tick() tea.Cmd {
	return tea.Tick(time.Second/fps, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// reloadMsg is a pattern reload the engine took.
type reloadMsg engine.PatternReload

func (m *Model) watchPatterns() tea.Cmd {
	p := m.opts.Patterns
	if p == nil {
		return nil
	}
	return func() tea.Msg {
		r, ok := <-p.Updates()
		if !ok {
			return nil
		}
		return reloadMsg(r)
	}
}

// doneMsg is the engine's Run result.
type doneMsg struct{ err error }

func waitDone(done <-chan error) tea.Cmd {
	if done == nil {
		return nil
	}
	return func() tea.Msg { return doneMsg{<-done} }
}

// Update is the Elm update: one message in, the new state and what to do
// next out.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.high = msg.Width, msg.Height
		m.layout()
		return m, m.refresh(time.Now(), true)
	case tickMsg:
		return m, tea.Batch(tick(), m.refresh(time.Time(msg), false))
	case statsMsg:
		m.hdr.st, m.hdr.apps, m.hdr.services, m.statsBusy = msg.st, msg.apps, msg.services, false
		if m.view == viewPackets {
			// The rows were read before these counters: read them again,
			// or a frame could say "ended" over rows not yet there.
			m.pk.refresh(m.e.Ring(), m.shownUpTo())
		}
	case flowsMsg:
		m.flowsBusy = false
		m.fl.set(msg.page, msg.q, msg.filtered)
		if m.e.Ring().ViewFilter() != msg.expr {
			// The view filter changed while these were fetched.
			return m, m.refresh(time.Now(), true)
		}
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		m.mouse(msg)
	case reloadMsg:
		m.hdr.patterns, m.hdr.patErr = reloadStatus(engine.PatternReload(msg))
		return m, m.watchPatterns()
	case doneMsg:
		if msg.err != nil {
			m.setStatus("capture stopped: "+msg.err.Error(), true)
		}
	case startedMsg:
		return m, m.started(msg)
	default:
		return m, m.result(msg)
	}
	return m, nil
}

// bodyHeight is what the views get: the screen less the header, the
// status line and the footer.
func (m *Model) bodyHeight() int { return max(m.high-headerLines-2, 3) }

func (m *Model) layout() {
	m.pk.height = m.bodyHeight() - 1 // less the column titles
	m.fl.height = m.bodyHeight() - 1
}

// refresh pulls snapshots from the engine: the rows on screen every tick
// (from the ring, under a short read lock), stats a few times a second and
// the page of flows on screen twice a second while shown (and when it
// scrolls off the page or changes order). Pages come from the shards,
// which answer between batches, so they are fetched off the UI goroutine
// and a key press never waits for a busy engine. force skips the rate
// limits (resize, view change).
func (m *Model) refresh(now time.Time, force bool) tea.Cmd {
	if m.e == nil {
		return nil
	}
	var cmds []tea.Cmd
	if !m.statsBusy && (force || now.Sub(m.lastStats) >= 250*time.Millisecond) {
		m.statsBusy, m.lastStats = true, now
		e := m.e
		cmds = append(cmds, func() tea.Msg { return statsMsg{e.Stats(), e.Apps(), e.ServiceTraffic()} })
	}
	if m.frames != nil && now.Sub(m.lastFPS) >= time.Second {
		f := m.frames.Load()
		// Rounded down: a window that caught one tick more than a second
		// holds must not read as more than the cap.
		m.hdr.fps = int(float64(f-m.lastFrames) / now.Sub(m.lastFPS).Seconds())
		m.lastFrames, m.lastFPS = f, now
	}
	switch m.view {
	case viewPackets:
		m.pk.refresh(m.e.Ring(), m.shownUpTo())
	case viewFlows:
		due := force || m.fl.due() || (!m.paused && now.Sub(m.lastFlows) >= 500*time.Millisecond)
		if due && !m.flowsBusy {
			m.flowsBusy, m.lastFlows = true, now
			e, q := m.e, m.fl.query()
			cmds = append(cmds, func() tea.Msg {
				expr := e.Ring().ViewFilter()
				pass := e.Ring().ViewFlows()
				if pass != nil {
					q.Keep = func(id uint64) bool { return pass[id] }
				}
				return flowsMsg{e.FlowPage(q), q, pass != nil, expr}
			})
		}
	}
	return tea.Batch(cmds...)
}

// shownUpTo is the newest packet the lists may show: all of them unless
// the display is paused.
func (m *Model) shownUpTo() uint64 {
	if m.paused {
		return m.pausedAt
	}
	return showAll
}

// togglePause pauses or resumes the display.
func (m *Model) togglePause() {
	m.paused = !m.paused
	if m.paused && m.e != nil {
		// Freeze at the newest packet now, not at the last frame drawn:
		// packets that came before the pause stay part of the list.
		_, _, m.pausedAt = m.e.Ring().Len()
		m.pk.total = viewLenUpTo(m.e.Ring(), m.pausedAt)
	}
}

// statsMsg and flowsMsg are engine snapshots fetched by refresh: the
// counters, and the page of flows q asked for, chosen by the view filter
// (expr, read before them) when filtered.
type (
	statsMsg struct {
		st             engine.Stats
		apps, services []engine.AppStat
	}
	flowsMsg struct {
		page     engine.FlowPage
		q        engine.FlowQuery
		filtered bool
		expr     string
	}
)

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = engine.Escape(s), isErr
}

// show switches to view v and draws it from fresh data.
func (m *Model) show(v viewID) tea.Cmd {
	m.view = v
	return m.refresh(time.Now(), true)
}
