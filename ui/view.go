package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// View draws the screen: header, the current view (or the help overlay),
// the status line and the footer with key hints or the open prompt.
func (m *Model) View() string {
	if m.width == 0 {
		return "" // no size yet
	}
	bodyH := m.bodyHeight()
	var head string
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
	front := m.front()
	body := front.draw(m.width, bodyH)
	var status, foot string
	switch {
	case m.in != nil:
		status, foot = m.in.status(m.th, m.width), m.in.view(m.th, m.width)
	default:
		status = m.th.Label.Render(fit(m.status, m.width))
		if m.statusErr {
			status = m.th.Error.Render(fit(m.status, m.width))
		}
		foot = m.help.ShortHelpView(m.footerKeys(front))
	}
	return strings.Join([]string{head, box(body, bodyH), status, fit(foot, m.width)}, "\n")
}

// footerKeys are the hints under the screen: the view's own between the
// global ones; the picker and the help overlay, which take every key,
// show only theirs.
func (m *Model) footerKeys(front component) []key.Binding {
	if m.hv.open || m.view == viewPicker {
		return front.ShortHelp()
	}
	k := &m.keys
	return append(append([]key.Binding{k.Help, k.Tab}, front.ShortHelp()...), k.ViewFilter, k.Pause, k.Quit)
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
