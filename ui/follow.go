package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
)

// maxStream caps how much of a flow follow loads: enough to read a
// conversation, bounded so a bulk transfer cannot stall the UI.
const maxStream = 1 << 20

// streamMsg carries a flow's payload, loaded off the UI goroutine.
type streamMsg struct {
	flowID uint64
	title  string
	engine.Stream
}

// loadStream asks the ring for the payload of flow id's packets still
// kept (engine.Ring.FlowStream), off the UI goroutine: a long flow takes
// a moment to read.
func loadStream(r *engine.Ring, id uint64, title string) tea.Cmd {
	return func() tea.Msg { return streamMsg{id, title, r.FlowStream(id, maxStream)} }
}

// follow is the follow-stream view.
type follow struct {
	c       *common
	keys    followKeys
	msg     streamMsg
	loading bool
	lines   []streamLine
	width   int // lines were wrapped for this width
	top     int
	height  int
}

type streamLine struct {
	client bool
	text   string
}

func newFollow(c *common) follow { return follow{c: c, keys: newFollowKeys()} }

// start shows title while the stream loads.
func (f *follow) start(title string) {
	*f = follow{c: f.c, keys: f.keys, loading: true}
	f.msg.title = title
}

func (f *follow) ShortHelp() []key.Binding  { return f.keys.ShortHelp() }
func (f *follow) FullHelp() [][]key.Binding { return f.keys.FullHelp() }

// update: scrolling, esc (back).
func (f *follow) update(msg tea.KeyMsg) tea.Cmd {
	if d, ok := f.keys.delta(msg, f.c.page()); ok {
		f.move(d)
		return nil
	}
	if key.Matches(msg, f.keys.Back) {
		return f.c.nav.back()
	}
	return nil
}

func (f *follow) scroll(delta int) { f.move(delta) }
func (f *follow) click(int)        {}

func (f *follow) draw(width, height int) string { return f.view(f.c.th, width, height) }

func (f *follow) set(m streamMsg) {
	f.msg, f.loading, f.width = m, false, 0
}

// wrap splits the payload into screen lines: printable ASCII as is, other
// bytes as '.', so a stream cannot send the terminal escape sequences.
func (f *follow) wrap(width int) {
	if width == f.width {
		return
	}
	f.width, f.lines = width, f.lines[:0]
	w := max(width-2, 8)
	for _, s := range f.msg.Segments {
		var cur []byte
		flush := func() {
			f.lines = append(f.lines, streamLine{s.Client, string(cur)})
			cur = cur[:0]
		}
		for i, b := range s.Data {
			switch {
			case b == '\n':
				flush()
			case b == '\r' && i+1 < len(s.Data) && s.Data[i+1] == '\n':
			case b == '\t':
				cur = append(cur, "    "...)
			default:
				cur = append(cur, printable(b))
			}
			if len(cur) >= w {
				flush()
			}
		}
		if len(cur) > 0 {
			flush()
		}
	}
}

func (f *follow) move(delta int) {
	f.top = clamp(f.top+delta, 0, max(len(f.lines)-f.height, 0))
}

func (f *follow) view(th *Theme, width, height int) string {
	f.height = height - 1
	head := th.Title.Render("Follow stream · ") + f.msg.title
	if f.loading {
		return fit(head, width) + "\n" + th.Dim.Render("  loading…")
	}
	f.wrap(width)
	f.move(0)
	head += th.Label.Render(fmt.Sprintf(" · %d packets, %s · ", f.msg.Packets, siBytes(uint64(f.msg.Bytes)))) +
		th.Client.Render("> client") + " " + th.Server.Render("< server")
	lines := []string{fit(head, width)}
	if len(f.lines) == 0 {
		lines = append(lines, th.Dim.Render("  no payload in the packets still kept"))
	}
	for i := f.top; i < len(f.lines) && len(lines) < height; i++ {
		l := f.lines[i]
		if l.client {
			lines = append(lines, th.Client.Render("> "+l.text))
		} else {
			lines = append(lines, th.Server.Render("< "+l.text))
		}
	}
	return strings.Join(lines, "\n")
}
