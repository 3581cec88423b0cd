package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"l7sniff/engine"
)

// Each view answers only its own keys (and those that work everywhere):
// a key of another view does nothing there. Each test below presses
// other views' keys in one view, then one of the view's own, whose effect
// it waits for (the keys are handled in order), and looks at the model.

// model quits and returns the model as the program left it.
func (s *screen) model() *Model {
	s.t.Helper()
	s.tm.Quit()
	return s.tm.FinalModel(s.t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

// untouched reports what the other views' keys may have changed: the
// flows' sort order, the detail's hex dump, the help overlay, the prompt
// and the pause.
func untouched(t *testing.T, m *Model, view viewID) {
	t.Helper()
	if m.view != view {
		t.Errorf("view %d, want %d", m.view, view)
	}
	if m.fl.sortBy != bytesCol || !m.fl.desc {
		t.Errorf("flows sorted by column %d (desc %v): a flows key acted here", m.fl.sortBy, m.fl.desc)
	}
	if !m.dt.hex {
		t.Error("hex dump turned off: the detail's x acted here")
	}
	if view != viewPicker && m.hv.open {
		t.Error("help overlay opened")
	}
}

func TestPacketsViewIgnoresOtherViewsKeys(t *testing.T) {
	s := start(t, New(demoEngine(t), Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("s", "S", "x", "h", "l", "k")
	s.waitFor(">304")
	untouched(t, s.model(), viewPackets)
}

func TestFlowsViewIgnoresOtherViewsKeys(t *testing.T) {
	s := start(t, New(demoEngine(t), Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("tab")
	s.waitFor("Bytes▼")
	s.keys("x", "h", "l", "esc", "S")
	s.waitFor("Bytes▲")
	m := s.model()
	m.fl.desc = true // its own S
	untouched(t, m, viewFlows)
	if m.drillFrom != nil || m.e.Ring().ViewFilter() != "" {
		t.Errorf("view filter %q after keys of other views", m.e.Ring().ViewFilter())
	}
}

func TestDetailViewIgnoresOtherViewsKeys(t *testing.T) {
	s := start(t, New(demoEngine(t), Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("enter")
	s.waitFor("Packet 305", "── hex ──")
	s.keys("s", "S", "enter", "j")
	s.waitFor("bytes 0–13 of the selected field")
	m := s.model()
	untouched(t, m, viewDetail)
	if m.dt.v.Seq != 305 {
		t.Errorf("detail shows packet %d, want 305", m.dt.v.Seq)
	}
}

func TestFollowViewIgnoresOtherViewsKeys(t *testing.T) {
	s := start(t, New(demoEngine(t), Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("f")
	s.waitFor("Follow stream", "packets, ")
	s.keys("s", "S", "x", "h", "l", "enter", "esc")
	s.waitFor(">305")
	m := s.model()
	untouched(t, m, viewPackets) // its own esc went back
	if m.dt.v.Seq != 0 {
		t.Errorf("enter in follow opened packet %d's detail", m.dt.v.Seq)
	}
}

func TestPickerIgnoresOtherViewsKeys(t *testing.T) {
	start0 := func(string) (*engine.Engine, <-chan error, error) {
		t.Error("a device was opened")
		return nil, nil, nil
	}
	opts := Options{Devices: []string{"1.demo0 [Up]", "2.demo1 [Up]"}, Start: start0}
	s := start(t, New(nil, opts, testTheme()), 100, 30)
	s.waitFor("Choose an interface", "demo1")
	s.keys("?", "/", "tab", " ", "s", "x", "f", "w", "j")
	s.waitFor("> 2.demo1")
	m := s.model()
	untouched(t, m, viewPicker)
	if m.hv.open || m.in != nil || m.paused {
		t.Errorf("help %v, prompt %v, paused %v: keys of other views acted in the picker", m.hv.open, m.in != nil, m.paused)
	}
}

func TestHelpIgnoresOtherViewsKeys(t *testing.T) {
	s := start(t, New(demoEngine(t), Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("?")
	s.waitFor("Row colours")
	s.keys("s", "x", "enter", "f", "/", "tab", " ", "w", "?")
	s.waitFor(">305", "No.")
	m := s.model()
	if m.in != nil || m.paused {
		t.Errorf("prompt %v, paused %v: keys of other views acted in the help", m.in != nil, m.paused)
	}
	untouched(t, m, viewPackets)
}
