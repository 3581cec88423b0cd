package ui

import (
	"strings"
	"testing"
)

// TestFlowsFollowViewFilterAndDrillBack: the flows view lists only flows
// with packets passing the view filter, and esc after enter on a flow
// puts back the filter the drill-down replaced.
func TestFlowsFollowViewFilterAndDrillBack(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 120, 40)
	s.waitFor(">305")
	s.keys("/", "udp", "enter")
	s.waitFor(`view filter "udp"`)
	s.keys("tab")
	s.waitFor("Port guess", "UDP")
	s.keys("enter")
	s.waitFor("view flow ")
	s.keys("esc")
	s.waitFor("view udp ", "Port guess")
	scr := s.final()
	if got := e.Ring().ViewFilter(); got != "udp" {
		t.Errorf("view filter after esc = %q, want the one before the drill-down", got)
	}
	rows := 0
	for _, l := range strings.Split(scr, "\n")[headerLines+1:] {
		f := strings.Fields(strings.TrimPrefix(l, ">"))
		if len(f) < 2 || (f[1] != "TCP" && f[1] != "UDP") {
			continue
		}
		rows++
		if f[1] != "UDP" {
			t.Errorf("flow outside the view filter udp: %q", l)
		}
	}
	if rows == 0 {
		t.Errorf("no flows listed:\n%s", scr)
	}
}
