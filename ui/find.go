package ui

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/decode"
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

// hexPrefix marks a search for bytes rather than text.
const hexPrefix = "hex:"

// needle is a search term made ready to match: text, looked for without
// regard to ASCII case in a row's columns, its link-layer addresses and
// its payload; or bytes (hex:474554), looked for in the payload.
type needle struct {
	text  []byte // lower case; nil for a byte search
	bytes []byte
}

func parseNeedle(term string) (needle, error) {
	if h, ok := strings.CutPrefix(strings.ToLower(term), hexPrefix); ok {
		h = strings.NewReplacer(" ", "", ":", "", "0x", "").Replace(h)
		b, err := hex.DecodeString(h)
		switch {
		case err != nil:
			return needle{}, fmt.Errorf("hex search: %w", err)
		case len(b) == 0:
			return needle{}, errors.New("hex search: no bytes after hex:")
		}
		return needle{bytes: b}, nil
	}
	return needle{text: []byte(strings.ToLower(term))}, nil
}

// validateFind is the find prompt's check: a hex: term must be hex.
func validateFind(term string) error {
	_, err := parseNeedle(strings.TrimSpace(term))
	return err
}

// match reports whether the packet r was formatted from (p) holds n.
func (n *needle) match(r *pktRow, p *decode.Packet) bool {
	payload := p.PayloadBytes()
	if n.text == nil {
		return bytes.Contains(payload, n.bytes)
	}
	if containsFold([]byte(r.text()), n.text) || containsFold(payload, n.text) {
		return true
	}
	if p.Has(decode.LayerEthernet) {
		return containsFold([]byte(net.HardwareAddr(p.Eth.Src[:]).String()), n.text) ||
			containsFold([]byte(net.HardwareAddr(p.Eth.Dst[:]).String()), n.text)
	}
	return false
}

// containsFold reports whether hay holds lower (already in lower case)
// ignoring ASCII case; payloads are bytes, not UTF-8, so this is what
// "any case" can mean for them.
func containsFold(hay, lower []byte) bool {
	if len(lower) == 0 {
		return true
	}
	for i := 0; i+len(lower) <= len(hay); i++ {
		j := 0
		for j < len(lower) && toLower(hay[i+j]) == lower[j] {
			j++
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}

func toLower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// findNext searches the packets passing the view filter for m.find, from
// the selection onwards (dir +1) or backwards (-1), wrapping around as
// less does. It runs off the UI goroutine: a search may decode the whole
// history.
func (m *Model) findNext(dir int) tea.Cmd {
	if m.find == "" || m.e == nil {
		m.setStatus("nothing to find: ctrl+f to search", false)
		return nil
	}
	n, err := parseNeedle(m.find)
	if err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	var show tea.Cmd
	if m.view != viewPackets {
		show = m.show(viewPackets)
	}
	r, text, from, t0, total := m.e.Ring(), m.find, m.pk.sel, m.pk.t0, m.pk.total
	return tea.Batch(show, func() tea.Msg { return search(r, &n, text, from, dir, total, t0) })
}

// search looks through the first total packets of the view (those the
// list shows) for n.
func search(r *engine.Ring, n *needle, text string, from, dir, total int, t0 time.Time) findMsg {
	total = min(total, r.ViewLen())
	f := rowFormatter{ring: r}
	var chunk []engine.PacketView
	// hit says which of chunk's packets match. A chunk is decoded in
	// capture order whichever way the search goes, so each flow's state
	// is built up once per chunk rather than replayed from the flow's
	// start for every packet a backward search steps to.
	var hit []bool
	lo := -1
	for k := 1; k <= total; k++ {
		i := ((from+dir*k)%total + total) % total
		if lo < 0 || i < lo || i >= lo+len(chunk) {
			lo = i
			if dir < 0 {
				lo = max(i-findChunk+1, 0)
			}
			chunk = r.View(lo, findChunk)
			if i >= lo+len(chunk) {
				break // the history shrank under us
			}
			hit = hit[:0]
			for j := range chunk {
				row := f.format(&chunk[j], t0)
				hit = append(hit, n.match(&row, &f.p))
			}
		}
		if hit[i-lo] {
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
	m.pk.refetch()
}
