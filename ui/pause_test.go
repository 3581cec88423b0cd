package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"l7sniff/engine"
	"l7sniff/patterns"
)

// replayEngine starts an engine replaying the demo capture at speed (1 =
// recorded pace, 1.25 s), so packets keep arriving while a test acts;
// the returned channel closes when the replay has ended.
func replayEngine(t *testing.T, speed float64) (*engine.Engine, <-chan error, <-chan struct{}) {
	t.Helper()
	set, _ := patterns.Options{}.Default()
	e, err := engine.New(engine.Config{
		Source: engine.SourceConfig{File: demoCapture}, Shards: 2,
		RingPackets: 10_000, Patterns: set, Replay: speed,
	})
	if err != nil {
		t.Fatal(err)
	}
	done, ended := make(chan error, 1), make(chan struct{})
	go func() {
		err := e.Run(context.Background())
		close(ended)
		done <- err
	}()
	t.Cleanup(func() { e.Stop(); <-ended })
	return e, done, ended
}

// rowNumbers are the packet numbers of the rows on a packets screen.
func rowNumbers(scr string) []int {
	var out []int
	for _, l := range strings.Split(scr, "\n")[headerLines+1:] {
		f := strings.Fields(strings.TrimPrefix(l, ">"))
		if len(f) < 3 || !strings.HasPrefix(f[2], "10.77.") {
			continue
		}
		if n, err := strconv.Atoi(f[0]); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// TestPauseFreezesList: after space, packets that arrive are counted in
// the header but not added to the list, even where the screen has room.
func TestPauseFreezesList(t *testing.T) {
	e, done, ended := replayEngine(t, 0.2)
	m := New(e, Options{Done: done}, testTheme())
	s := start(t, m, 100, 100) // room for every packet the pause leaves out
	s.waitFor("10.77.0.")
	s.keys(" ")
	s.waitFor("PAUSED")
	<-ended
	s.waitFor("(file, ended)")
	scr := s.final()
	at := int(m.pausedAt)
	if at >= 305 {
		t.Skipf("the replay ended before the pause (paused at packet %d): nothing to freeze", at)
	}
	rows := rowNumbers(scr)
	if len(rows) == 0 {
		t.Fatalf("no rows:\n%s", scr)
	}
	for _, n := range rows {
		if n > at {
			t.Errorf("packet %d shown, but the display was paused at packet %d", n, at)
		}
	}
	if want := fmt.Sprintf("PAUSED · %d new", 305-at); !strings.Contains(scr, want) {
		t.Errorf("header does not say %q:\n%s", want, scr)
	}
}
