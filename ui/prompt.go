package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/decode"
	"l7sniff/engine"
)

// openInput opens the prompt of kind, starting from value.
func (m *Model) openInput(kind inputKind, value string, validate func(string) error) {
	in := newInput(kind, value, validate, m.hist[kind])
	m.in = &in
}

// inputKey edits the open prompt and, on Enter, does what it asks.
func (m *Model) inputKey(msg tea.KeyMsg) tea.Cmd {
	res, cmd := m.in.update(msg, &m.inKeys)
	switch res {
	case inputCancelled:
		m.in = nil
	case inputAccepted:
		v := m.in.value()
		m.hist[m.in.kind] = remember(m.hist[m.in.kind], v)
		m.in.hist = m.hist[m.in.kind]
		return m.accept(m.in.kind, v)
	}
	return cmd
}

// accept carries out an entered prompt. Filters close the prompt only
// once applied: if libpcap or the handle refuses, the error shows under
// the text and the previous filter stays.
func (m *Model) accept(kind inputKind, v string) tea.Cmd {
	link := m.e.Source().LinkType()
	switch kind {
	case inputView:
		m.drillFrom = nil // a filter of one's own: esc no longer undoes a drill-down
		return applyViewFilter(m.e.Ring(), v, link)
	case inputCapture:
		e := m.e
		return func() tea.Msg { return captureFilterMsg{v, e.SetCaptureFilter(v)} }
	case inputFind:
		m.in = nil
		if v != "" {
			m.find = v
		}
		return m.findNext(+1)
	case inputWrite:
		if v == "" {
			return nil
		}
		m.in = nil
		m.setStatus("writing "+v+"…", false)
		return writeView(m.e.Ring(), v, link, m.opts.Snaplen)
	}
	return nil
}

// viewFilterMsg and captureFilterMsg report a filter being applied.
type viewFilterMsg struct {
	expr string
	err  error
}

type captureFilterMsg struct {
	expr string
	err  error
}

// applyViewFilter re-filters the history off the UI goroutine: over a
// large ring it takes a moment, and keys should still work meanwhile.
func applyViewFilter(r *engine.Ring, expr string, link decode.LinkType) tea.Cmd {
	return func() tea.Msg { return viewFilterMsg{expr, r.SetViewFilter(expr, link)} }
}

// wroteMsg reports a pcap file written with w.
type wroteMsg struct {
	path          string
	n, otherLinks int
	err           error
}

// writeView writes the packets passing the view filter to path. A pcap
// file has one link type; packets of another (a pcapng source can mix
// them) are left out and counted.
func writeView(r *engine.Ring, path string, link decode.LinkType, snaplen int) tea.Cmd {
	return func() tea.Msg {
		n, other, err := r.WriteView(path, link, snaplen)
		return wroteMsg{path: path, n: n, otherLinks: other, err: err}
	}
}

// result handles what commands report back.
func (m *Model) result(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case viewFilterMsg:
		if msg.err != nil {
			m.inputError(inputView, msg.err)
			return nil
		}
		m.closeInput(inputView)
		m.pk.follow = true
		// The count is kept while paused; the new filter changes it.
		m.pk.total = viewLenUpTo(m.e.Ring(), m.shownUpTo())
		m.pk.refetch()
		if msg.expr == "" {
			m.setStatus("view filter removed", false)
		} else {
			m.setStatus(fmt.Sprintf("view filter %q: %d packets", msg.expr, m.pk.total), false)
		}
		if m.view == viewFlows {
			return m.refresh(time.Now(), true)
		}
	case captureFilterMsg:
		if msg.err != nil {
			m.inputError(inputCapture, msg.err)
			return nil
		}
		m.closeInput(inputCapture)
		m.hdr.st.CaptureFilter = msg.expr
		m.setStatus(fmt.Sprintf("capture filter %q installed", msg.expr), false)
	case streamMsg:
		if m.view == viewFollow && m.fw.loading {
			m.fw.set(msg)
		}
	case findMsg:
		m.found(msg)
	case wroteMsg:
		switch {
		case msg.err != nil:
			m.setStatus(msg.err.Error(), true)
		case msg.otherLinks > 0:
			m.setStatus(fmt.Sprintf("wrote %d packets to %s (%d of another link type left out)", msg.n, msg.path, msg.otherLinks), false)
		default:
			m.setStatus(fmt.Sprintf("wrote %d packets to %s", msg.n, msg.path), false)
		}
	}
	return nil
}

// inputError shows err under the prompt of kind, if it is still open;
// otherwise in the status line.
func (m *Model) inputError(kind inputKind, err error) {
	if m.in != nil && m.in.kind == kind {
		m.in.setError(err)
		return
	}
	m.setStatus(err.Error(), true)
}

func (m *Model) closeInput(kind inputKind) {
	if m.in != nil && m.in.kind == kind {
		m.in = nil
	}
}
