package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/engine"
	"l7sniff/engine/output"
)

// picker is the interface picker shown when l7sniff starts with neither
// -i nor -r and there is more than one device to choose from.
type picker struct {
	c       *common
	keys    pickerKeys
	devices []string // capture.Devices lines, escaped
	sel     int
	opening string
	err     string
}

func newPicker(c *common, lines []string) picker {
	p := picker{c: c, keys: newPickerKeys()}
	for _, l := range lines {
		p.devices = append(p.devices, output.Escape(l))
	}
	return p
}

// deviceName takes the name out of a capture.Devices line such as
// "2.eth0 (Ethernet) [Up, Running]".
func deviceName(line string) string {
	if i := strings.IndexByte(line, '.'); i > 0 && strings.Trim(line[:i], "0123456789") == "" {
		line = line[i+1:]
	}
	name, _, _ := strings.Cut(line, " ")
	return name
}

// startedMsg is the engine Options.Start opened on the chosen device.
type startedMsg struct {
	e    *engine.Engine
	done <-chan error
	dev  string
	err  error
}

func (p *picker) ShortHelp() []key.Binding  { return p.keys.ShortHelp() }
func (p *picker) FullHelp() [][]key.Binding { return p.keys.FullHelp() }

// update: the picker takes the whole screen, so these are the only keys:
// move, enter (start capturing on the device), q.
func (p *picker) update(msg tea.KeyMsg) tea.Cmd {
	k := &p.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Up):
		p.sel = max(p.sel-1, 0)
	case key.Matches(msg, k.Down):
		p.sel = min(p.sel+1, len(p.devices)-1)
	case key.Matches(msg, k.Enter):
		if p.opening != "" || len(p.devices) == 0 {
			return nil
		}
		dev, start := deviceName(p.devices[p.sel]), p.c.opts.Start
		p.opening, p.err = dev, ""
		return func() tea.Msg {
			e, done, err := start(dev)
			return startedMsg{e, done, dev, err}
		}
	}
	return nil
}

func (p *picker) draw(width, height int) string { return p.view(p.c.th, width, height) }

// started switches from the picker to the packets view, which says it is
// waiting for packets until the first one comes.
func (m *Model) started(msg startedMsg) tea.Cmd {
	m.pick.opening = ""
	if msg.err != nil {
		m.pick.err = output.Escape(msg.err.Error())
		return nil
	}
	m.e = msg.e
	if m.opts.Patterns == nil {
		m.hdr.patterns = builtinStatus(m.e.Patterns().Len())
	}
	return tea.Batch(m.show(viewPackets), waitDone(msg.done))
}

func (p *picker) view(th *Theme, width, height int) string {
	lines := []string{th.Title.Render("Choose an interface to capture on"), th.Label.Render("j/k or ↑/↓ to move, enter to start, q to quit"), ""}
	for i, d := range p.devices {
		if i == p.sel {
			lines = append(lines, th.Selected.Render(fit("> "+d, width)))
		} else {
			lines = append(lines, fit("  "+d, width))
		}
	}
	switch {
	case p.opening != "":
		lines = append(lines, "", th.Label.Render("opening "+output.Escape(p.opening)+"…"))
	case p.err != "":
		lines = append(lines, "", th.Error.Render(p.err))
	}
	return box(strings.Join(lines, "\n"), height)
}
