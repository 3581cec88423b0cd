package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key the UI answers to. The help overlay is generated
// from it, so a binding and its help line cannot disagree.
type keyMap struct {
	Quit, Help, Tab, Enter, Back                    key.Binding
	Up, Down, PgUp, PgDown, Top, Bottom             key.Binding
	Pause, ViewFilter, CaptureFilter, Find, Next    key.Binding
	Prev, Sort, Reverse, Follow, Hex, Write, Reload key.Binding
	HistUp, HistDown, Accept, Cancel                key.Binding
	Collapse, Expand                                key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Quit:          b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:          b([]string{"?"}, "?", "help"),
		Tab:           b([]string{"tab", "shift+tab"}, "tab", "packets ↔ flows"),
		Enter:         b([]string{"enter"}, "enter", "open: detail / flow's packets"),
		Back:          b([]string{"esc", "backspace"}, "esc", "back"),
		Up:            b([]string{"k", "up"}, "k/↑", "up"),
		Down:          b([]string{"j", "down"}, "j/↓", "down"),
		PgUp:          b([]string{"pgup", "ctrl+b", "ctrl+u"}, "PgUp", "page up"),
		PgDown:        b([]string{"pgdown", "ctrl+d"}, "PgDn", "page down"),
		Top:           b([]string{"g", "home"}, "g", "first"),
		Bottom:        b([]string{"G", "end"}, "G/End", "last, follow live"),
		Pause:         b([]string{" "}, "space", "pause/resume display"),
		ViewFilter:    b([]string{"/"}, "/", "view filter (BPF…)"),
		CaptureFilter: b([]string{"F"}, "F", "capture filter (live)"),
		Find:          b([]string{"ctrl+f"}, "ctrl+f", "find text"),
		Next:          b([]string{"n"}, "n", "next match"),
		Prev:          b([]string{"N"}, "N", "previous match"),
		Sort:          b([]string{"s"}, "s", "sort by next column"),
		Reverse:       b([]string{"S"}, "S", "reverse sort"),
		Follow:        b([]string{"f"}, "f", "follow stream"),
		Hex:           b([]string{"x"}, "x", "hex on/off"),
		Write:         b([]string{"w"}, "w", "write view to pcap"),
		Reload:        b([]string{"r"}, "r", "reload patterns"),
		HistUp:        b([]string{"up"}, "↑", "older entry"),
		HistDown:      b([]string{"down"}, "↓", "newer entry"),
		Accept:        b([]string{"enter"}, "enter", "apply"),
		Cancel:        b([]string{"esc"}, "esc", "cancel"),
		Collapse:      b([]string{"left", "h"}, "←/h", "detail: collapse node"),
		Expand:        b([]string{"right", "l"}, "→/l", "detail: expand node"),
	}
}

// ShortHelp is the one-line hint in the footer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Tab, k.Enter, k.ViewFilter, k.Pause, k.Follow, k.Quit}
}

// FullHelp is the help overlay, one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PgUp, k.PgDown, k.Top, k.Bottom, k.Tab, k.Enter, k.Back, k.Collapse, k.Expand},
		{k.ViewFilter, k.CaptureFilter, k.Find, k.Next, k.Prev, k.Sort, k.Reverse},
		{k.Follow, k.Hex, k.Pause, k.Write, k.Reload, k.Help, k.Quit},
	}
}
