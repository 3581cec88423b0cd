package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"l7sniff/engine/output"
)

// View draws the screen: header, the current view (or the help overlay),
// the status line and the footer with key hints or the open prompt.
func (m *Model) View() string {
	if m.width == 0 {
		return "" // no size yet
	}
	bodyH := m.bodyHeight()
	var head, body string
	switch {
	case m.e == nil: // the picker: no capture yet, but patterns
		head = box(m.th.Title.Render("l7sniff")+"\n\n\n"+m.hdr.patternLine(m.th, m.width), headerLines)
	default:
		arrived := -1
		if m.paused {
			_, _, last := m.e.Ring().Len()
			arrived = int(last - m.pausedAt)
		}
		head = m.hdr.view(m.th, m.width, m.e.Ring().ViewFilter(), arrived)
	}
	switch {
	case m.showHelp:
		body = m.helpView(bodyH)
	case m.view == viewPicker:
		body = m.pick.view(m.th, m.width, bodyH)
	case m.view == viewPackets:
		body = m.pk.view(m.th, m.width, bodyH, m.waiting())
	case m.view == viewFlows:
		body = m.fl.view(m.th, m.width, bodyH)
	case m.view == viewDetail:
		body = m.dt.view(m.th, m.width, bodyH, m.hex)
	case m.view == viewFollow:
		body = m.fw.view(m.th, m.width, bodyH)
	}
	var status, foot string
	switch {
	case m.in != nil:
		status, foot = m.in.status(m.th, m.width), m.in.view(m.th, m.width)
	default:
		status = m.th.Label.Render(fit(m.status, m.width))
		if m.statusErr {
			status = m.th.Error.Render(fit(m.status, m.width))
		}
		foot = m.help.ShortHelpView(m.keys.ShortHelp())
	}
	return strings.Join([]string{head, box(body, bodyH), status, fit(foot, m.width)}, "\n")
}

// waiting is what the empty packets view says.
func (m *Model) waiting() string {
	st := &m.hdr.st
	switch {
	case m.e.Ring().ViewFilter() != "" && st.Packets > 0:
		return "no packet passes the view filter"
	case st.Done:
		return "no packets in " + output.Escape(st.Source)
	case st.Live:
		return "waiting for packets on " + output.Escape(st.Source) + "…"
	}
	return "reading " + output.Escape(st.Source) + "…"
}

// helpView is the help overlay: the keys from the keymap, then the
// colouring rules from the theme's table, each drawn in its own colour.
func (m *Model) helpView(height int) string {
	h := m.help
	h.ShowAll = true
	th := m.th
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
	// Side by side where they fit, else one group under the other (and
	// the help scrolls).
	keys := []string{h.FullHelpView(m.keys.FullHelp())}
	if lipgloss.Width(keys[0]) > m.width {
		keys = keys[:0]
		for _, g := range m.keys.FullHelp() {
			keys = append(keys, h.FullHelpView([][]key.Binding{g}))
		}
	}
	lines = append(lines, keys...)
	lines = append(lines, th.Label.Render("  / takes BPF and app NAME, service NAME, host SUFFIX, joined by not/and/or ( )"))
	lines = append(lines, "", th.Title.Render("Row colours and verdicts"))
	perLine := 2
	if 2*lipgloss.Width(legend[0])+2 > m.width {
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
	// Taller than the screen (80×24): it scrolls, and says so.
	m.helpTop = clamp(m.helpTop, 0, max(len(lines)-height, 0))
	lines = lines[m.helpTop:]
	if len(lines) > height {
		lines = append(lines[:height-1], th.Label.Render("  ↓ more: j/↓, PgDn"))
	}
	return box(strings.Join(lines, "\n"), height)
}

// box makes s exactly height lines, cutting or padding at the bottom, so
// the footer never moves.
func box(s string, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
