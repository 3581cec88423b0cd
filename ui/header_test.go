package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"l7sniff/engine"
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

// TestHeaderTopServices: the share line ends with the biggest services
// by bytes, at most three, and still fits the width.
func TestHeaderTopServices(t *testing.T) {
	h := header{apps: []engine.AppStat{{Name: "ssl", Bytes: 100}, {Name: "quic", Bytes: 30}},
		services: []engine.AppStat{{Name: "github", Bytes: 37000}, {Name: "facebook", Bytes: 11000},
			{Name: "google", Bytes: 1200}, {Name: "fourth", Bytes: 10}}}
	for _, width := range []int{80, 170} {
		l := ansi.Strip(h.sharesLine(testTheme(), width))
		if ansi.StringWidth(l) > width || !strings.Contains(l, "services github 37.0 kB") || strings.Contains(l, "fourth") {
			t.Errorf("width %d: %q", width, l)
		}
	}
	if l := ansi.Strip(h.sharesLine(testTheme(), 170)); !strings.HasSuffix(l, "· facebook 11.0 kB · google 1.2 kB") {
		t.Errorf("170 columns: %q, want all three services", l)
	}
}
