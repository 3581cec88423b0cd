package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"l7sniff/decode"
)

// fakeClock is a clock whose Sleep moves time on at once, so pacing is
// tested by what the pacer asked for, not by how long the machine took.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	// onSleep, if set, runs after each sleep.
	onSleep func()
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	f := c.onSleep
	c.mu.Unlock()
	if f != nil {
		f()
	}
}

// replayRun runs the engine over frames with cfg on a fake clock and
// returns the packets' capture times in delivery order and the clock.
func replayRun(t *testing.T, frames []testFrame, cfg Config) ([]time.Time, *fakeClock) {
	t.Helper()
	var times []time.Time
	cfg.Source = SourceConfig{File: writeCapture(t, frames)}
	cfg.Patterns = defaultSet(t)
	cfg.Packet = func(p *decode.Packet, _ *PacketInfo) error {
		times = append(times, p.Time)
		return nil
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	e.clock = clk
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return times, clk
}

// udpFrames returns n UDP packets every gap from t0.
func udpFrames(t *testing.T, t0 time.Time, n int, gap time.Duration) []testFrame {
	var frames []testFrame
	for i := range n {
		frames = append(frames, testFrame{t0.Add(time.Duration(i) * gap),
			udpFrame(t, "10.0.0.1", "10.0.0.2", 1234, 5678, []byte{byte(i)})})
	}
	return frames
}

// TestReplayPacing: a capture spanning 1 s replayed at 10× sleeps exactly
// 100 ms of (fake) time, before each packet in turn, in steps short
// enough for Stop to be noticed.
func TestReplayPacing(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	times, clk := replayRun(t, udpFrames(t, t0, 11, 100*time.Millisecond), Config{Replay: 10})
	if len(times) != 11 {
		t.Fatalf("%d packets, want 11", len(times))
	}
	var total time.Duration
	for _, d := range clk.sleeps {
		total += d
		if d <= 0 || d > pacerStep {
			t.Errorf("slept %v, want steps in (0, %v]", d, pacerStep)
		}
	}
	if total != 100*time.Millisecond || len(clk.sleeps) != 10 {
		t.Errorf("slept %v in %d steps (%v), want 100ms in 10 (one before each packet after the first)", total, len(clk.sleeps), clk.sleeps)
	}
}

// TestReplayStops: a pacer waiting for a packet due in an hour returns
// after the sleep step in which Stop was set.
func TestReplayStops(t *testing.T) {
	var stop atomic.Bool
	clk := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	clk.onSleep = func() { stop.Store(true) }
	p := newPacer(1, clk)
	t0 := time.Unix(1_700_000_000, 0)
	p.wait(t0, &stop)
	if !p.wait(t0.Add(time.Hour), &stop) {
		t.Error("wait did not report sleeping")
	}
	if len(clk.sleeps) != 1 {
		t.Errorf("%d sleeps after Stop, want 1", len(clk.sleeps))
	}
}

// TestReplayLoop: with Loop the file starts again at its end, each pass
// one loopGap after the last packet of the one before, so capture time
// only moves forward and pacing carries on across passes.
func TestReplayLoop(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	const step = 100 * time.Millisecond
	times, clk := replayRun(t, udpFrames(t, t0, 3, step), Config{Replay: 10, Loop: true, Count: 9})
	var want []time.Time
	for pass := range 3 {
		for i := range 3 {
			want = append(want, t0.Add(time.Duration(pass)*(2*step+loopGap)+time.Duration(i)*step))
		}
	}
	if len(times) != len(want) {
		t.Fatalf("%d packets, want %d", len(times), len(want))
	}
	for i := range want {
		if !times[i].Equal(want[i]) {
			t.Errorf("packet %d at %v, want %v", i+1, times[i].Sub(t0), want[i].Sub(t0))
		}
	}
	var total time.Duration
	for _, d := range clk.sleeps {
		total += d
	}
	if span := want[len(want)-1].Sub(want[0]) / 10; total != span {
		t.Errorf("slept %v over three passes at 10×, want %v", total, span)
	}
}

// BenchmarkReplayPacing measures how late the pacer releases packets on
// the real clock: 100 packets 1 ms apart at real time. late-µs/packet is
// the mean delay past each packet's due time.
func BenchmarkReplayPacing(b *testing.B) {
	var stop atomic.Bool
	t0 := time.Unix(1_700_000_000, 0)
	var late time.Duration
	n := 0
	for b.Loop() {
		p := newPacer(1, wallClock{})
		p.wait(t0, &stop)
		for i := 1; i < 100; i++ {
			ts := t0.Add(time.Duration(i) * time.Millisecond)
			p.wait(ts, &stop)
			late += time.Since(p.start.Add(ts.Sub(t0)))
			n++
		}
	}
	b.ReportMetric(float64(late.Microseconds())/float64(n), "late-µs/packet")
}
