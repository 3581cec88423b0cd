package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestSmallTerminal drives the real binary at 80×24: packet rows keep
// both endpoints whole and at least 30 columns of Info, the flows view
// keeps both ports, and help scrolls to its last line.
func TestSmallTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	capture, _ := filepath.Abs(demoCapture)
	tm := startTmux(t, 80, 24, bin+" --no-drop -r "+capture+"; sleep 60")
	s := tm.waitText("(file, ended)", "Verdict", "Info")
	var titles string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "No.") && strings.Contains(l, "Info") {
			titles = l
		}
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line wider than 80 (%d): %q", w, l)
		}
	}
	if i := strings.Index(titles, "Info"); i < 0 || 80-i < minInfo {
		t.Errorf("Info has %d columns at 80, want ≥ %d: %q", 80-i, minInfo, titles)
	}
	// The last rows are the BitTorrent flow on 8080.
	if !strings.Contains(s, "10.77.0.1:39886 10.77.0.2:8080") {
		t.Errorf("endpoints cut at 80 columns:\n%s", s)
	}

	tm.keys("Tab")
	s = tm.waitText("Verdict", "Host", "Bytes")
	if !strings.Contains(s, "10.77.0.1:50458") || !strings.Contains(s, "10.77.0.2:80 ") {
		t.Errorf("flows view lost a port at 80 columns:\n%s", s)
	}

	tm.keys("?")
	tm.waitText("Keys", "↓ more")
	tm.keys("G")
	tm.waitText("payload and port disagree")
	tm.keys("g")
	tm.waitText("Keys", "↓ more")
}
