package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine/output"
)

// key routes a key press: to the open prompt; to the help overlay or the
// picker, which take every key while they show; else to what works
// everywhere (globalKeys), and then to the view in front, which ignores
// keys not in its keymap.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.in != nil {
		return m.inputKey(msg)
	}
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		// Keys typed faster than the terminal is read arrive together
		// ("kk"); outside a prompt each one is a command.
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		}
		return tea.Batch(cmds...)
	}
	if m.hv.open || m.view == viewPicker {
		return m.front().update(msg)
	}
	if cmd, ok := m.globalKey(msg); ok {
		return cmd
	}
	return m.current().update(msg)
}

// globalKey handles the keys that work in every view; ok is false for
// any other.
func (m *Model) globalKey(msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit, true
	case key.Matches(msg, k.Help):
		m.hv.show(m.current())
	case key.Matches(msg, k.Tab):
		if m.view == viewPackets {
			return m.show(viewFlows), true
		}
		return m.show(viewPackets), true
	case key.Matches(msg, k.Pause):
		m.togglePause()
	case key.Matches(msg, k.ViewFilter):
		m.openInput(inputView, m.e.Ring().ViewFilter(), viewFilterValidator(m.e.Source().LinkType()))
	case key.Matches(msg, k.CaptureFilter):
		if !m.e.Source().Live() && m.hdr.st.Done { // as the header says
			m.setStatus("the capture filter cannot change what was already read: "+output.Escape(m.hdr.st.Source)+
				" has been read to the end (/ filters the view)", true)
			return nil, true
		}
		m.openInput(inputCapture, m.hdr.st.CaptureFilter, bpfValidator(m.e.Source().LinkType(), m.opts.Snaplen))
	case key.Matches(msg, k.Find):
		// Empty, so typing starts a new term; ↑ recalls the last one
		// and enter on nothing repeats it.
		m.openInput(inputFind, "", validateFind)
		if m.find != "" {
			m.in.ti.Placeholder = m.find + "  (enter repeats, ↑ edits)"
		}
	case key.Matches(msg, k.Next):
		return m.findNext(+1), true
	case key.Matches(msg, k.Prev):
		return m.findNext(-1), true
	case key.Matches(msg, k.Write):
		m.openInput(inputWrite, time.Now().Format("l7sniff-20060102-150405.pcap"), nil)
	case key.Matches(msg, k.Reload):
		return m.reload(), true
	default:
		return nil, false
	}
	return nil, true
}

// mouse: the wheel scrolls, a click selects the row under the pointer.
func (m *Model) mouse(msg tea.MouseMsg) {
	if m.in != nil || m.hv.open || m.e == nil || msg.Action != tea.MouseActionPress {
		return
	}
	p, ok := m.current().(pointer)
	if !ok {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		p.scroll(-3)
	case tea.MouseButtonWheelDown:
		p.scroll(3)
	case tea.MouseButtonLeft:
		p.click(msg.Y - headerLines - 1) // the first body line holds titles
	}
}

func (m *Model) reload() tea.Cmd {
	p := m.opts.Patterns
	if p == nil {
		m.setStatus("built-in patterns: nothing to reload (start with --patterns DIR)", false)
		return nil
	}
	m.setStatus("reloading patterns…", false)
	// The new set arrives through Updates like any other reload.
	return func() tea.Msg { p.Reload(); return nil }
}
