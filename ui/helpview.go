package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// helpView is the help overlay (?): the keys of the view it covers and
// those that work everywhere, then the colouring rules. It takes the
// whole body, and only its own keys work while it shows.
type helpView struct {
	c      *common
	keys   helpKeys
	global *globalKeys
	help   *help.Model
	of     component // the view it was opened over
	top    int       // first line on screen
	open   bool
}

func newHelpView(c *common, global *globalKeys, h *help.Model) helpView {
	return helpView{c: c, keys: newHelpKeys(), global: global, help: h}
}

// show opens the overlay over view of.
func (h *helpView) show(of component) { h.of, h.top, h.open = of, 0, true }

func (h *helpView) ShortHelp() []key.Binding  { return h.keys.ShortHelp() }
func (h *helpView) FullHelp() [][]key.Binding { return h.keys.FullHelp() }

// update: scrolling, ? or esc (close), q.
func (h *helpView) update(msg tea.KeyMsg) tea.Cmd {
	k := &h.keys
	if d, ok := k.delta(msg, h.c.page()); ok {
		h.top += d // draw clamps it
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Close):
		h.open = false
	}
	return nil
}

// draw: the keys, side by side where they fit, else one group under the
// other; the overlay scrolls when it is taller than the screen (80×24),
// and says so.
func (h *helpView) draw(width, height int) string {
	hm := *h.help
	hm.ShowAll = true
	th := h.c.th
	entry := func(st lipgloss.Style, name, desc string) string {
		return st.Render(fit(name, 11)) + " " + th.Label.Render(fit(desc, 32))
	}
	var legend []string
	for i, r := range rules {
		legend = append(legend, entry(th.Row(i), r.name, r.desc))
	}
	legend = append(legend,
		entry(th.App("http"), "http", "classified (a colour per protocol)"),
		entry(th.Classifying, "classifying", "still reading the payload"),
		entry(th.Unknown, "unknown", "no pattern matched"),
		entry(th.Mismatch, "ssh!", "payload and port disagree"))
	lines := []string{th.Title.Render("Keys")}
	groups := append(h.of.FullHelp(), h.global.FullHelp()...)
	keys := []string{hm.FullHelpView(groups)}
	if lipgloss.Width(keys[0]) > width {
		keys = keys[:0]
		for _, g := range groups {
			keys = append(keys, hm.FullHelpView([][]key.Binding{g}))
		}
	}
	lines = append(lines, keys...)
	lines = append(lines, th.Label.Render("  / BPF and app NAME, service NAME, host SUFFIX, flow ID; not/and/or ( )"))
	lines = append(lines, "", th.Title.Render("Row colours and verdicts"))
	perLine := 2
	if 2*lipgloss.Width(legend[0])+2 > width {
		perLine = 1
	}
	for i := 0; i < len(legend); i += perLine {
		l := legend[i]
		if perLine == 2 && i+1 < len(legend) {
			l += "  " + legend[i+1]
		}
		lines = append(lines, l)
	}
	lines = strings.Split(strings.Join(lines, "\n"), "\n") // the key columns span several
	h.top = clamp(h.top, 0, max(len(lines)-height, 0))
	lines = lines[h.top:]
	if len(lines) > height {
		lines = append(lines[:height-1], th.Label.Render("  ↓ more: j/↓, PgDn"))
	}
	return box(strings.Join(lines, "\n"), height)
}
