package ui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/decode"
	"l7sniff/engine"
)

// maxStream caps how much of a flow follow loads: enough to read a
// conversation, bounded so a bulk transfer cannot stall the UI.
const maxStream = 1 << 20

// segment is one direction's run of payload.
type segment struct {
	client bool // sent by the side that sent the flow's first packet
	data   []byte
}

// streamMsg carries a flow's payload, loaded off the UI goroutine.
type streamMsg struct {
	flowID   uint64
	title    string
	segments []segment
	bytes    int
	packets  int
}

// loadStream collects the payload of flow id's packets still in the ring,
// in capture order, both directions, like Wireshark's Follow Stream.
// TCP segments already seen (retransmissions) are skipped.
func loadStream(r *engine.Ring, id uint64, title string) tea.Cmd {
	return func() tea.Msg {
		msg := streamMsg{flowID: id, title: title}
		_, first, last := r.Len()
		var p decode.Packet
		var clientFromA bool
		var next [2]uint32 // next TCP sequence number per direction
		var seen [2]bool
		for seq := first; seq <= last && msg.bytes < maxStream; seq++ {
			v, ok := r.Get(seq)
			if !ok || v.FlowID != id {
				continue
			}
			decode.Decode(v.Link, v.Data, v.WireLen, &p)
			if msg.packets == 0 {
				clientFromA = p.FromA
			}
			msg.packets++
			pay := p.PayloadBytes()
			dir := 0
			if p.FromA != clientFromA {
				dir = 1
			}
			if p.Has(decode.LayerTCP) && !p.Quoted {
				end := p.TCP.Seq + uint32(len(pay))
				if p.TCP.Flags&(decode.TCPSyn|decode.TCPFin) != 0 {
					end++
				}
				if seen[dir] && int32(end-next[dir]) <= 0 {
					continue // nothing new: a retransmission
				}
				if seen[dir] && int32(next[dir]-p.TCP.Seq) > 0 {
					pay = pay[min(int(next[dir]-p.TCP.Seq), len(pay)):] // overlap
				}
				next[dir], seen[dir] = end, true
			}
			if len(pay) == 0 {
				continue
			}
			client := dir == 0
			if n := len(msg.segments); n > 0 && msg.segments[n-1].client == client {
				msg.segments[n-1].data = append(msg.segments[n-1].data, pay...)
			} else {
				msg.segments = append(msg.segments, segment{client, append([]byte(nil), pay...)})
			}
			msg.bytes += len(pay)
		}
		return msg
	}
}

// follow is the follow-stream view.
type follow struct {
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

func (f *follow) start() { *f = follow{loading: true} }

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
	for _, s := range f.msg.segments {
		var cur []byte
		flush := func() {
			f.lines = append(f.lines, streamLine{s.client, string(cur)})
			cur = cur[:0]
		}
		for i, b := range s.data {
			switch {
			case b == '\n':
				flush()
			case b == '\r' && i+1 < len(s.data) && s.data[i+1] == '\n':
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
	head += th.Label.Render(fmt.Sprintf(" · %d packets, %s · ", f.msg.packets, siBytes(uint64(f.msg.bytes)))) +
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
