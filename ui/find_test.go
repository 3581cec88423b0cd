package ui

import (
	"strings"
	"testing"
)

// selectedRow is the row marked '>' on a packets screen.
func selectedRow(t *testing.T, scr string) string {
	t.Helper()
	for _, l := range strings.Split(scr, "\n")[headerLines+1:] {
		if strings.HasPrefix(l, ">") {
			return l
		}
	}
	t.Fatalf("no selected row:\n%s", scr)
	return ""
}

// TestFindSearchesPayloadAndOpensEmpty: find looks in the payload (as
// text in any case, and as hex: bytes), and ctrl+f opens empty, so a new
// term replaces the last one; enter on nothing repeats the last.
func TestFindSearchesPayloadAndOpensEmpty(t *testing.T) {
	e := demoEngine(t)
	m := New(e, Options{}, testTheme())
	s := start(t, m, 100, 30)
	s.waitFor(">305")
	// Only in the HTTP requests' User-Agent header.
	s.keys("ctrl+f", "CURL/7.88", "enter")
	s.waitFor(`"CURL/7.88": search wrapped`)
	s.keys("ctrl+f", "hex:4g", "enter")
	s.waitFor("hex search: encoding/hex: invalid byte")
	s.keys("esc", "ctrl+f", "no such text anywhere", "enter")
	s.waitFor(`"no such text anywhere" not found`)
	// The server's Server header, as bytes: "SimpleHTTP".
	s.keys("ctrl+f", "hex:53 69 6d 70 6c 65 48 54 54 50", "enter")
	s.waitFor(`"hex:53 69 6d 70 6c 65 48 54 54 50"`)
	scr := s.final()
	if m.find != "hex:53 69 6d 70 6c 65 48 54 54 50" {
		t.Errorf("find term %q: the prompt did not open empty", m.find)
	}
	if row := selectedRow(t, scr); !strings.Contains(row, "10.77.0.2:80 ") {
		t.Errorf("hex search selected %q, want a response from the HTTP server", row)
	}
}
