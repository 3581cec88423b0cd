package ui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
)

// key routes a key press: to the open prompt, the help overlay, the
// picker, or the current view.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
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
	if m.showHelp {
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Help, k.Back):
			m.showHelp = false
		case key.Matches(msg, k.Up):
			m.helpTop--
		case key.Matches(msg, k.Down):
			m.helpTop++
		case key.Matches(msg, k.PgUp):
			m.helpTop -= m.bodyHeight() - 2
		case key.Matches(msg, k.PgDown):
			m.helpTop += m.bodyHeight() - 2
		case key.Matches(msg, k.Top):
			m.helpTop = 0
		case key.Matches(msg, k.Bottom):
			m.helpTop = 1 << 30 // the view clamps it
		}
		return nil
	}
	if m.view == viewPicker {
		return m.pickerKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp, m.helpTop = true, 0
	case key.Matches(msg, k.Tab):
		if m.view == viewPackets {
			return m.show(viewFlows)
		}
		return m.show(viewPackets)
	case key.Matches(msg, k.Back):
		switch {
		case m.view == viewDetail || m.view == viewFollow:
			return m.show(m.back)
		case m.view == viewPackets && m.drillFrom != nil:
			// Back out of a flow's packets: the filter before it returns.
			prev := *m.drillFrom
			m.drillFrom = nil
			return tea.Batch(m.show(viewFlows), applyViewFilter(m.e.Ring(), prev, m.e.Source().LinkType()))
		}
	case key.Matches(msg, k.Up):
		m.scroll(-1)
	case key.Matches(msg, k.Down):
		m.scroll(+1)
	case key.Matches(msg, k.PgUp):
		m.scroll(-m.bodyHeight() + 2)
	case key.Matches(msg, k.PgDown):
		m.scroll(m.bodyHeight() - 2)
	case key.Matches(msg, k.Top):
		m.scroll(-1 << 30)
	case key.Matches(msg, k.Bottom):
		m.scroll(1 << 30)
		if m.view == viewPackets {
			m.pk.follow = true
		}
	case key.Matches(msg, k.Enter):
		return m.enter()
	case key.Matches(msg, k.Collapse) && m.view == viewDetail:
		m.dt.fold(true)
	case key.Matches(msg, k.Expand) && m.view == viewDetail:
		m.dt.fold(false)
	case key.Matches(msg, k.Pause):
		m.togglePause()
	case key.Matches(msg, k.ViewFilter):
		m.openInput(inputView, m.e.Ring().ViewFilter(), viewFilterValidator(m.e.Source().LinkType()))
	case key.Matches(msg, k.CaptureFilter):
		if !m.e.Source().Live() && m.hdr.st.Done { // as the header says
			m.setStatus("the capture filter cannot change what was already read: "+engine.Escape(m.hdr.st.Source)+
				" has been read to the end (/ filters the view)", true)
			return nil
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
		return m.findNext(+1)
	case key.Matches(msg, k.Prev):
		return m.findNext(-1)
	case key.Matches(msg, k.Sort):
		m.fl.cycleSort()
	case key.Matches(msg, k.Reverse):
		m.fl.reverse()
	case key.Matches(msg, k.Follow):
		return m.followStream()
	case key.Matches(msg, k.Hex):
		m.hex = !m.hex
	case key.Matches(msg, k.Write):
		m.openInput(inputWrite, time.Now().Format("l7sniff-20060102-150405.pcap"), nil)
	case key.Matches(msg, k.Reload):
		return m.reload()
	}
	return nil
}

// scroll moves the current view's selection by delta lines.
func (m *Model) scroll(delta int) {
	switch m.view {
	case viewPackets:
		m.pk.move(delta)
		m.pk.refresh(m.e.Ring(), m.shownUpTo())
	case viewFlows:
		m.fl.move(delta)
	case viewDetail:
		m.dt.move(delta)
	case viewFollow:
		m.fw.move(delta)
	}
}

// mouse: the wheel scrolls, a click selects the row under the pointer.
func (m *Model) mouse(msg tea.MouseMsg) {
	if m.in != nil || m.showHelp || m.e == nil || msg.Action != tea.MouseActionPress {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.scroll(-3)
	case tea.MouseButtonWheelDown:
		m.scroll(3)
	case tea.MouseButtonLeft:
		y := msg.Y - headerLines - 1 // the first body line holds titles
		switch m.view {
		case viewPackets:
			m.pk.clickRow(y)
			m.pk.refresh(m.e.Ring(), m.shownUpTo())
		case viewFlows:
			m.fl.clickRow(y)
		case viewDetail:
			if i := m.dt.top + y; y >= 0 && i < len(m.dt.nodes) {
				m.dt.move(i - m.dt.sel)
			}
		}
	}
}

// enter opens what is selected: a packet's detail, or a flow's packets
// (through the view filter).
func (m *Model) enter() tea.Cmd {
	switch m.view {
	case viewPackets:
		r, ok := m.pk.selected()
		if !ok {
			return nil
		}
		v, ok := m.e.Ring().Get(r.seq)
		if !ok {
			m.setStatus(fmt.Sprintf("packet %d has left the history", r.seq), true)
			return nil
		}
		m.dt.open(m.e.Ring(), v)
		m.back = viewPackets
		return m.show(viewDetail)
	case viewFlows:
		f, ok := m.fl.selected()
		if !ok {
			return nil
		}
		expr, err := f.Filter()
		if err != nil {
			m.setStatus(err.Error()+"; use f to follow it", true)
			return nil
		}
		prev := m.e.Ring().ViewFilter()
		m.drillFrom = &prev
		return tea.Batch(m.show(viewPackets), applyViewFilter(m.e.Ring(), expr, m.e.Source().LinkType()))
	}
	return nil
}

// followStream opens the follow view on the flow of the selected packet
// or flow.
func (m *Model) followStream() tea.Cmd {
	var id uint64
	var title string
	switch m.view {
	case viewPackets:
		if r, ok := m.pk.selected(); ok {
			id, title = r.flowID, r.proto+" "+r.src+" ⇄ "+r.dst
		}
	case viewDetail:
		id, title = m.dt.v.FlowID, fmt.Sprintf("packet %d's flow", m.dt.v.Seq)
	case viewFlows:
		if f, ok := m.fl.selected(); ok {
			id, title = f.ID, engine.Escape(f.Proto+" "+f.A()+" ⇄ "+f.B())
		}
	default:
		return nil
	}
	if id == 0 {
		m.setStatus("this packet belongs to no flow", true)
		return nil
	}
	if m.view != viewFollow {
		m.back = m.view
	}
	m.fw.start()
	m.fw.msg.title = title
	m.view = viewFollow
	return loadStream(m.e.Ring(), id, title)
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
