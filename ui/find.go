package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
)

// findMsg is where a search landed.
type findMsg struct {
	text    string
	idx     int
	found   bool
	wrapped bool
}

// findChunk is how many packets a search fetches from the ring at once.
const findChunk = 512

// findNext searches the packets passing the view filter for m.find, from
// the selection onwards (dir +1) or backwards (-1), wrapping around as
// less does. It runs off the UI goroutine: a search may decode the whole
// history.
func (m *Model) findNext(dir int) tea.Cmd {
	if m.find == "" || m.e == nil {
		m.setStatus("nothing to find: ctrl+f to search", false)
		return nil
	}
	var show tea.Cmd
	if m.view != viewPackets {
		show = m.show(viewPackets)
	}
	r, text, from, t0 := m.e.Ring(), m.find, m.pk.sel, m.pk.t0
	return tea.Batch(show, func() tea.Msg { return search(r, text, from, dir, t0) })
}

func search(r *engine.Ring, text string, from, dir int, t0 time.Time) findMsg {
	n := r.ViewLen()
	needle := strings.ToLower(text)
	var f rowFormatter
	var chunk []engine.PacketView
	lo := -1
	for k := 1; k <= n; k++ {
		i := ((from+dir*k)%n + n) % n
		if lo < 0 || i < lo || i >= lo+len(chunk) {
			lo = i
			if dir < 0 {
				lo = max(i-findChunk+1, 0)
			}
			chunk = r.View(lo, findChunk)
			if i >= lo+len(chunk) {
				break // the history shrank under us
			}
		}
		row := f.format(&chunk[i-lo], t0)
		if strings.Contains(strings.ToLower(row.text()), needle) {
			return findMsg{text: text, idx: i, found: true, wrapped: (dir > 0) != (i > from)}
		}
	}
	return findMsg{text: text}
}

// found selects the match.
func (m *Model) found(msg findMsg) {
	switch {
	case !msg.found:
		m.setStatus(fmt.Sprintf("%q not found", msg.text), true)
		return
	case msg.wrapped:
		m.setStatus(fmt.Sprintf("%q: search wrapped", msg.text), false)
	default:
		m.setStatus(fmt.Sprintf("%q", msg.text), false)
	}
	m.pk.jump(msg.idx)
	m.pk.refresh(m.e.Ring(), m.shownUpTo())
}
