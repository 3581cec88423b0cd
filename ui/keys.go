package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The UI's keys: one keymap for what works everywhere (globalKeys, the
// Model's) and one per view, which only that view answers. The footer and
// the help overlay are generated from them, so a binding and its help
// line cannot disagree.

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// globalKeys work in every view but the picker and the help overlay
// (which take the whole screen), and with no prompt open.
type globalKeys struct {
	Quit, Help, Tab, Pause                      key.Binding
	ViewFilter, CaptureFilter, Find, Next, Prev key.Binding
	Write, Reload                               key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:          bind("q", "quit", "q", "ctrl+c"),
		Help:          bind("?", "help", "?"),
		Tab:           bind("tab", "packets ↔ flows", "tab", "shift+tab"),
		Pause:         bind("space", "pause/resume display", " "),
		ViewFilter:    bind("/", "view filter (BPF…)", "/"),
		CaptureFilter: bind("F", "capture filter (live)", "F"),
		Find:          bind("ctrl+f", "find text", "ctrl+f"),
		Next:          bind("n", "next match", "n"),
		Prev:          bind("N", "previous match", "N"),
		Write:         bind("w", "write view to pcap", "w"),
		Reload:        bind("r", "reload patterns", "r"),
	}
}

// FullHelp is the help overlay's part, two columns.
func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Tab, k.ViewFilter, k.CaptureFilter, k.Find, k.Next, k.Prev},
		{k.Pause, k.Write, k.Reload, k.Help, k.Quit},
	}
}

// moveKeys move a view's selection (or scroll it); every view that
// lists something has them.
type moveKeys struct {
	Up, Down, PgUp, PgDown, Top, Bottom key.Binding
}

// newMoveKeys: bottom is what G says it does in the view.
func newMoveKeys(bottom string) moveKeys {
	return moveKeys{
		Up:     bind("k/↑", "up", "k", "up"),
		Down:   bind("j/↓", "down", "j", "down"),
		PgUp:   bind("PgUp", "page up", "pgup", "ctrl+b", "ctrl+u"),
		PgDown: bind("PgDn", "page down", "pgdown", "ctrl+d"),
		Top:    bind("g", "first", "g", "home"),
		Bottom: bind("G/End", bottom, "G", "end"),
	}
}

// delta is how far msg moves a selection on a page of page lines; ok is
// false for a key that is not a movement.
func (k *moveKeys) delta(msg tea.KeyMsg, page int) (d int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return +1, true
	case key.Matches(msg, k.PgUp):
		return -page, true
	case key.Matches(msg, k.PgDown):
		return page, true
	case key.Matches(msg, k.Top):
		return -1 << 30, true
	case key.Matches(msg, k.Bottom):
		return 1 << 30, true
	}
	return 0, false
}

func (k *moveKeys) bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PgUp, k.PgDown, k.Top, k.Bottom}
}

// packetKeys are the packets view's.
type packetKeys struct {
	moveKeys
	Enter, Back, Follow key.Binding
}

func newPacketKeys() packetKeys {
	return packetKeys{
		moveKeys: newMoveKeys("last, follow live"),
		Enter:    bind("enter", "packet detail", "enter"),
		Back:     bind("esc", "back to flows", "esc", "backspace"),
		Follow:   bind("f", "follow stream", "f"),
	}
}

func (k packetKeys) ShortHelp() []key.Binding { return []key.Binding{k.Enter, k.Follow} }
func (k packetKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(k.bindings(), k.Enter, k.Back, k.Follow)}
}

// flowKeys are the flows view's.
type flowKeys struct {
	moveKeys
	Enter, Sort, Reverse, Follow key.Binding
}

func newFlowKeys() flowKeys {
	return flowKeys{
		moveKeys: newMoveKeys("last"),
		Enter:    bind("enter", "the flow's packets", "enter"),
		Sort:     bind("s", "sort by next column", "s"),
		Reverse:  bind("S", "reverse sort", "S"),
		Follow:   bind("f", "follow stream", "f"),
	}
}

func (k flowKeys) ShortHelp() []key.Binding { return []key.Binding{k.Enter, k.Sort, k.Follow} }
func (k flowKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(k.bindings(), k.Enter, k.Sort, k.Reverse, k.Follow)}
}

// detailKeys are the packet detail view's.
type detailKeys struct {
	moveKeys
	Collapse, Expand, Hex, Follow, Back key.Binding
}

func newDetailKeys() detailKeys {
	return detailKeys{
		moveKeys: newMoveKeys("last"),
		Collapse: bind("←/h", "collapse node", "left", "h"),
		Expand:   bind("→/l", "expand node", "right", "l"),
		Hex:      bind("x", "hex on/off", "x"),
		Follow:   bind("f", "follow stream", "f"),
		Back:     bind("esc", "back", "esc", "backspace"),
	}
}

func (k detailKeys) ShortHelp() []key.Binding { return []key.Binding{k.Hex, k.Follow, k.Back} }
func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(k.bindings(), k.Collapse, k.Expand, k.Hex, k.Follow, k.Back)}
}

// followKeys are the follow-stream view's.
type followKeys struct {
	moveKeys
	Back key.Binding
}

func newFollowKeys() followKeys {
	return followKeys{moveKeys: newMoveKeys("last"), Back: bind("esc", "back", "esc", "backspace")}
}

func (k followKeys) ShortHelp() []key.Binding { return []key.Binding{k.Back} }
func (k followKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(k.bindings(), k.Back)}
}

// pickerKeys are the interface picker's, the only keys while it shows.
type pickerKeys struct {
	Up, Down, Enter, Quit key.Binding
}

func newPickerKeys() pickerKeys {
	m := newMoveKeys("")
	return pickerKeys{Up: m.Up, Down: m.Down, Enter: bind("enter", "start capturing", "enter"),
		Quit: bind("q", "quit", "q", "ctrl+c")}
}

func (k pickerKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Down, k.Enter, k.Quit} }
func (k pickerKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// helpKeys are the help overlay's, the only keys while it shows.
type helpKeys struct {
	moveKeys
	Close, Quit key.Binding
}

func newHelpKeys() helpKeys {
	return helpKeys{moveKeys: newMoveKeys("last"), Close: bind("?/esc", "close help", "?", "esc", "backspace"),
		Quit: bind("q", "quit", "q", "ctrl+c")}
}

func (k helpKeys) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Up, k.Close, k.Quit} }
func (k helpKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(k.bindings(), k.Close, k.Quit)}
}

// inputKeys are the prompt's; every other key edits the text.
type inputKeys struct {
	HistUp, HistDown, Accept, Cancel key.Binding
}

func newInputKeys() inputKeys {
	return inputKeys{
		HistUp:   bind("↑", "older entry", "up"),
		HistDown: bind("↓", "newer entry", "down"),
		Accept:   bind("enter", "apply", "enter"),
		Cancel:   bind("esc", "cancel", "esc"),
	}
}
