package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"l7sniff/engine"
	"l7sniff/patterns"
)

// demoCapture is the project's bundled capture: HTTP, TLS, SSH, DNS and
// BitTorrent flows, one of them on a port that says otherwise.
const demoCapture = "../testdata/demo.pcap"

// demoEngine runs a real engine over the demo capture to the end, so
// every test sees the same history, flows and verdicts.
func demoEngine(t testing.TB) *engine.Engine {
	t.Helper()
	set, _ := patterns.Options{}.Default()
	e, err := engine.New(engine.Config{
		Source: engine.SourceConfig{File: demoCapture}, Shards: 2,
		RingPackets: 10_000, Patterns: set,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// testTheme draws without colour, so screens compare as text.
func testTheme() *Theme { return NewTheme(lipgloss.NewRenderer(io.Discard), true, true) }

// screen is a running model under teatest.
type screen struct {
	t  *testing.T
	tm *teatest.TestModel
}

func start(t *testing.T, m *Model, w, h int) *screen {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { tm.Quit() })
	return &screen{t, tm}
}

// waitFor waits until everything in want has been drawn (the renderer
// sends changed lines only, so each wait looks at what was drawn since
// the previous one).
func (s *screen) waitFor(want ...string) {
	s.t.Helper()
	teatest.WaitFor(s.t, s.tm.Output(), func(b []byte) bool {
		out := ansi.Strip(string(b))
		for _, w := range want {
			if !strings.Contains(out, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (s *screen) keys(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
		case "tab":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyTab})
		case "up":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyUp})
		case "ctrl+f":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlF})
		case "ctrl+u":
			s.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		case " ":
			s.tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		default:
			s.tm.Type(k)
		}
	}
}

// final quits and returns the model's last screen.
func (s *screen) final() string {
	s.t.Helper()
	s.tm.Quit()
	m := s.tm.FinalModel(s.t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	return ansi.Strip(m.View())
}

func TestPacketsFollowTailAndMovement(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor("No.", "Verdict", ">305", "10.77.0.2:8080")
	s.keys("k", "k")
	s.waitFor(">303")
	s.keys("g")
	s.waitFor(">  1 ")
	s.keys("G")
	s.waitFor(">305")
	scr := s.final()
	if !strings.Contains(scr, "pkts 305") || !strings.Contains(scr, "bittorrent!") {
		t.Errorf("header or mismatch marker missing:\n%s", scr)
	}
}

func TestViewFilterAppliesAndBadFilterKeepsOld(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("/", "tcp port 80", "enter")
	s.waitFor("view tcp port 80", `view filter "tcp port 80"`)
	// A typo: libpcap's error shows while typing, Enter does not apply.
	s.keys("/", "ctrl+u", "tcp port", "enter")
	s.waitFor("✗", "syntax error")
	s.keys("esc")
	scr := s.final()
	if !strings.Contains(scr, "view tcp port 80") {
		t.Errorf("old filter lost:\n%s", scr)
	}
	for _, l := range strings.Split(scr, "\n")[headerLines+1:] {
		if strings.Contains(l, "10.77.0.") && !strings.Contains(l, ":80 ") {
			t.Errorf("row outside the view filter: %q", l)
		}
	}
	if got := e.Ring().ViewFilter(); got != "tcp port 80" {
		t.Errorf("ring view filter = %q", got)
	}
}

func TestFilterHistory(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("/", "udp", "enter")
	s.waitFor(`view filter "udp"`)
	s.keys("/", "ctrl+u", "up")
	s.waitFor("view filter › udp")
	s.keys("esc")
}

// TestCaptureFilterOnFinishedFile: a file read to the end has nothing
// left for a capture filter to act on, and F says so instead of claiming
// to have installed one.
func TestCaptureFilterOnFinishedFile(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305", "(file, ended)")
	s.keys("F")
	s.waitFor("the capture filter cannot change what was already read")
	s.keys("udp port 53", "enter")
	scr := s.final()
	if strings.Contains(scr, "installed") || strings.Contains(scr, "capture udp") || strings.Contains(scr, "capture filter ›") {
		t.Errorf("a capture filter was taken for a finished file:\n%s", scr)
	}
}

func TestFlowsViewSortAndEnter(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 140, 40) // wide enough for the state
	s.waitFor(">305")
	s.keys("tab")
	s.waitFor("Port guess", "Bytes▼", "ssh!", "closed")
	s.keys("s")
	s.waitFor("Dur▼")
	s.keys("S")
	s.waitFor("Dur▲")
	s.keys("enter")
	s.waitFor("view flow ", "10.77.0.")
}

func TestDetailTreeAndHex(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("enter")
	s.waitFor("Packet 305", "verdict bittorrent", "── hex ──", "0000  ")
	s.keys("j")
	s.waitFor("bytes 0–13 of the selected field")
	s.keys("x")
	s.keys("esc")
	s.waitFor(">305")
}

func TestFollowStreamAndFind(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.keys("ctrl+f", "10.77.0.1:50458", "enter")
	s.waitFor(`"10.77.0.1:50458"`)
	s.keys("f")
	s.waitFor("Follow stream", "> GET / HTTP/1.1", "< HTTP/1.")
	s.keys("esc", "n")
	s.waitFor("10.77.0.1:50458")
}

func TestHelpPauseAndResize(t *testing.T) {
	e := demoEngine(t)
	m := New(e, Options{}, testTheme())
	s := start(t, m, 100, 30)
	s.waitFor(">305")
	s.keys("?")
	s.waitFor("Row colours", "tcp-rst", "follow stream", "payload and port disagree")
	s.keys("?", " ")
	s.waitFor("PAUSED")
	s.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	scr := s.final()
	lines := strings.Split(scr, "\n")
	if len(lines) != 24 {
		t.Errorf("80×24 screen has %d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line wider than 80 (%d): %q", w, l)
		}
	}
}

func TestMouse(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	s.tm.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	s.waitFor(">302")
	// The first row sits under the header and the column titles.
	s.tm.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: headerLines + 1})
	s.waitFor(">283")
}

func TestWriteView(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor(">305")
	path := filepath.Join(t.TempDir(), "dns.pcap")
	s.keys("/", "udp port 53", "enter")
	s.waitFor(`view filter "udp port 53"`)
	s.keys("w", "ctrl+u", path, "enter")
	s.waitFor("wrote ", "packets to")
	st, err := os.Stat(path)
	if err != nil || st.Size() <= 24 {
		t.Fatalf("written file: %v, %v", st, err)
	}
}

func TestPatternReloadStatus(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../patterns/defaults/http.pat")
	if err != nil {
		t.Fatal(err)
	}
	pat := filepath.Join(dir, "http.pat")
	if err := os.WriteFile(pat, src, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := patterns.NewWatcher(patterns.Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	e := demoEngine(t)
	pw := engine.WatchPatterns(w)
	pw.Attach(e)
	s := start(t, New(e, Options{Patterns: pw}, testTheme()), 100, 30)
	s.waitFor("patterns v1: 1 loaded, no errors")
	if err := os.WriteFile(pat, []byte("http\n^(get|post\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.waitFor("patterns v2: 1 loaded, 1 error: http.pat:2:")
	s.keys("r")
	s.waitFor("patterns v3")
}

func TestBuiltinReload(t *testing.T) {
	e := demoEngine(t)
	s := start(t, New(e, Options{}, testTheme()), 100, 30)
	s.waitFor("patterns: built-in set")
	s.keys("r")
	s.waitFor("nothing to reload")
}

func TestPicker(t *testing.T) {
	set, _ := patterns.Options{}.Default()
	startFn := func(dev string) (*engine.Engine, <-chan error, error) {
		if dev != "demo0" {
			t.Errorf("picked %q", dev)
		}
		e, err := engine.New(engine.Config{Source: engine.SourceConfig{File: demoCapture}, RingPackets: 1000, Patterns: set})
		if err != nil {
			return nil, nil, err
		}
		done := make(chan error, 1)
		go func() { done <- e.Run(context.Background()) }()
		return e, done, nil
	}
	opts := Options{Devices: []string{"1.lo [Up, Running, Loopback]", "2.demo0 (bundled) [Up]"}, Start: startFn}
	s := start(t, New(nil, opts, testTheme()), 100, 30)
	s.waitFor("Choose an interface", "demo0")
	s.keys("j", "enter")
	s.waitFor("pkts 305")
}
