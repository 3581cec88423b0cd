// Package ui is l7sniff's terminal interface: a Bubble Tea program that
// draws snapshots of the engine — header with counters, rate and protocol
// shares; packets, flows, packet detail and follow-stream views — and
// lets a person filter, search and inspect traffic from the keyboard.
//
// The UI never holds up the capture: it pulls snapshots on a tick (at
// most 30 a second) and fetches from the ring only the rows on screen.
// If it is slow it shows fewer frames, never fewer packets.
//
// Each view is a component (component.go) with its own keymap (keys.go)
// and update; the Model routes keys to the view in front and handles
// only those that work everywhere (keyhandler.go).
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
	// writing files (0: the engine's default).
	Snaplen int
	// Done receives the engine's Run result when it returns.
	Done <-chan error
	// Devices and Start run the interface picker when Run gets no engine:
	// Devices are capture.Devices lines, Start opens the chosen device and
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

// Model is the UI's state: the Bubble Tea model. Each view is a
// component of its own, with its keymap and update (packetList,
// flowList, detail, follow, picker, helpView); the Model keeps what they
// share (common: the engine, the status line, the pause), the header and
// the prompt, handles the keys that work everywhere, routes the others
// to the view in front and lays the screen out.
type Model struct {
	common
	keys   globalKeys
	inKeys inputKeys
	help   help.Model
	width  int
	high   int

	// view is the one shown; from is where the follow view was opened
	// from, where esc goes back to.
	view, from viewID

	hdr  header
	pk   packetList
	fl   flowList
	dt   detail
	fw   follow
	pick picker
	hv   helpView

	in   *input
	hist map[inputKind][]string
	find string

	lastStats  time.Time
	statsBusy  bool          // a snapshot is being fetched
	frames     *atomic.Int64 // nil unless --debug on a terminal
	lastFrames int64
	lastFPS    time.Time
}

// New returns the model for engine e (nil: start with the picker).
func New(e *engine.Engine, opts Options, th *Theme) *Model {
	m := &Model{
		common: common{e: e, opts: opts, th: th},
		keys:   newGlobalKeys(), inKeys: newInputKeys(), help: help.New(),
		hist: map[inputKind][]string{},
	}
	c := &m.common
	c.nav, c.stats = m, &m.hdr.st
	m.pk, m.fl, m.dt, m.fw = newPacketList(c), newFlowList(c), newDetail(c), newFollow(c)
	m.hv = newHelpView(c, &m.keys, &m.help)
	if !opts.Debug {
		m.hdr.fps = -1
	}
	m.help.Styles.ShortKey, m.help.Styles.FullKey = th.Bold, th.Bold
	m.help.Styles.ShortDesc, m.help.Styles.FullDesc = th.Label, th.Label
	if e == nil {
		m.view, m.pick = viewPicker, newPicker(c, opts.Devices)
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
			m.pk.refetch()
		}
	case flowsMsg:
		return m, m.fl.loaded(msg)
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
	m.bodyH = m.bodyHeight()
	m.pk.height = m.bodyH - 1 // less the column titles
	m.fl.height = m.bodyH - 1
}

// current is the view shown (under the help overlay, if open).
func (m *Model) current() component {
	switch m.view {
	case viewFlows:
		return &m.fl
	case viewDetail:
		return &m.dt
	case viewFollow:
		return &m.fw
	case viewPicker:
		return &m.pick
	}
	return &m.pk
}

// front is the component in front: the help overlay when open, else the
// current view.
func (m *Model) front() component {
	if m.hv.open {
		return &m.hv
	}
	return m.current()
}

// refresh pulls snapshots from the engine: stats a few times a second,
// and what the current view shows (each view knows how often). force
// skips the rate limits (resize, view change).
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
	if r, ok := m.current().(refresher); ok {
		cmds = append(cmds, r.refresh(now, force))
	}
	return tea.Batch(cmds...)
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

// statsMsg is the engine's counters, fetched by refresh.
type statsMsg struct {
	st             engine.Stats
	apps, services []engine.AppStat
}

// show switches to view v and draws it from fresh data.
func (m *Model) show(v viewID) tea.Cmd {
	m.view = v
	return m.refresh(time.Now(), true)
}

// openDetail shows packet v, decoded with its flow's state, in the
// detail view.
func (m *Model) openDetail(v engine.PacketView) tea.Cmd {
	m.dt.open(m.e.Ring(), v)
	return m.show(viewDetail)
}

// followFlow opens the follow view on flow id (0: the packet has none)
// and loads its stream.
func (m *Model) followFlow(id uint64, title string) tea.Cmd {
	if id == 0 {
		m.setStatus("this packet belongs to no flow", true)
		return nil
	}
	if m.view != viewFollow {
		m.from = m.view
	}
	m.fw.start(title)
	m.view = viewFollow
	return loadStream(m.e.Ring(), id, title)
}

// back returns to the view follow was opened from.
func (m *Model) back() tea.Cmd { return m.show(m.from) }
