package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
	"l7sniff/engine/output"
)

// component is one view of the UI (packets, flows, detail, follow, the
// picker, the help overlay), after soft-serve's components: it answers
// the keys of its own keymap, and any other key does nothing there; it
// draws the body; and it lists its keys for the footer and the help
// overlay (help.KeyMap). What the views share is in common, which the
// Model owns; the Model routes keys, lays the screen out and handles
// what works everywhere (globalKeys).
type component interface {
	help.KeyMap
	// update handles a key press meant for the view.
	update(msg tea.KeyMsg) tea.Cmd
	// draw renders the body in width × height cells.
	draw(width, height int) string
}

// refresher is a component that fetches what it shows from the engine:
// every tick, or at once when force is set (resize, view change).
type refresher interface {
	refresh(now time.Time, force bool) tea.Cmd
}

// pointer is a component the mouse works in: the wheel scrolls by delta
// lines, a click selects body row y (0 under the column titles).
type pointer interface {
	scroll(delta int)
	click(y int)
}

// common is what every view shares: the engine and options, the theme,
// the display's pause, the drill-down from a flow, the status line, the
// body's size, and the way to other views.
type common struct {
	e    *engine.Engine
	opts Options
	th   *Theme
	nav  navigator
	// stats are the engine's counters at the last snapshot (the header's).
	stats *engine.Stats
	// bodyH is the body's height at the last layout.
	bodyH int
	// paused freezes the display (space); pausedAt is the newest packet
	// then, so the lists leave out what came later and the header can
	// say how much did.
	paused   bool
	pausedAt uint64
	// drillFrom is the view filter in force before enter on a flow
	// replaced it; esc in the packets view puts it back.
	drillFrom *string
	status    string
	statusErr bool
}

// navigator is how a view opens another: the Model switches views, as
// one view cannot reach into another.
type navigator interface {
	// show switches to view v and draws it from fresh data.
	show(v viewID) tea.Cmd
	// openDetail shows packet v in the detail view.
	openDetail(v engine.PacketView) tea.Cmd
	// followFlow opens the follow view on flow id.
	followFlow(id uint64, title string) tea.Cmd
	// back returns from follow to the view it was opened from.
	back() tea.Cmd
}

func (c *common) setStatus(s string, isErr bool) {
	c.status, c.statusErr = output.Escape(s), isErr
}

// shownUpTo is the newest packet the lists may show: all of them unless
// the display is paused.
func (c *common) shownUpTo() uint64 {
	if c.paused {
		return c.pausedAt
	}
	return showAll
}

// page is how far PgUp and PgDn move: a screen, less two lines of context.
func (c *common) page() int { return c.bodyH - 2 }
