package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// TestHeaderFPSOnlyWithDebug: the redraw rate measures the UI, not the
// traffic; the header shows it only with --debug.
func TestHeaderFPSOnlyWithDebug(t *testing.T) {
	e := demoEngine(t)
	for _, debug := range []bool{false, true} {
		m := New(e, Options{Debug: debug}, testTheme())
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
		head := strings.Join(strings.Split(ansi.Strip(m.View()), "\n")[:headerLines], "\n")
		if got := strings.Contains(head, "ui 0 fps"); got != debug {
			t.Errorf("debug %v: header shows fps = %v:\n%s", debug, got, head)
		}
	}
}
