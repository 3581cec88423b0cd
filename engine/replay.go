package engine

import (
	"sync/atomic"
	"time"

	"github.com/google/gopacket"

	"l7sniff/engine/capture"
)

// clock is the time the pacer sleeps by: the wall clock in the engine, a
// fake one in tests, so that no test depends on how busy the machine is.
type clock interface {
	Now() time.Time
	Sleep(time.Duration)
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time        { return time.Now() }
func (wallClock) Sleep(d time.Duration) { time.Sleep(d) }

// pacer replays a file at its recorded pace (times a speed factor), so a
// file behaves like live traffic.
type pacer struct {
	speed      float64
	clock      clock
	start      time.Time // wall time of the first packet
	first      time.Time // its capture time
	configured bool
}

func newPacer(speed float64, c clock) *pacer { return &pacer{speed: speed, clock: c} }

// pacerStep bounds one sleep, so that Stop is noticed promptly.
const pacerStep = 50 * time.Millisecond

// wait sleeps until the packet captured at ts is due, waking early if
// stop is set. It reports whether it slept, so the caller can flush.
func (p *pacer) wait(ts time.Time, stop *atomic.Bool) bool {
	if p.speed <= 0 {
		return false
	}
	if !p.configured {
		p.start, p.first, p.configured = p.clock.Now(), ts, true
		return false
	}
	due := p.start.Add(time.Duration(float64(ts.Sub(p.first)) / p.speed))
	d := due.Sub(p.clock.Now())
	if d <= 0 {
		return false
	}
	for d > 0 && !stop.Load() {
		p.clock.Sleep(min(d, pacerStep))
		d = due.Sub(p.clock.Now())
	}
	return true
}

// loopGap is the capture time between the last packet of one pass over a
// looped file and the first of the next.
const loopGap = time.Second

// looper starts a file again at its end (Config.Loop), shifting each
// pass's timestamps so that the whole reads as one recording whose time
// only moves forward: pacing, rates and flow ageing work as for live
// traffic.
type looper struct {
	on          bool
	first, last time.Time // capture times in the file of its first and last packets
	shift       time.Duration
}

// stamp notes a packet's capture time in the file and moves it to the
// current pass.
func (l *looper) stamp(ci *gopacket.CaptureInfo) {
	if !l.on {
		return
	}
	if l.first.IsZero() {
		l.first = ci.Timestamp
	}
	l.last = ci.Timestamp
	ci.Timestamp = ci.Timestamp.Add(l.shift)
}

// restart is called at the end of the file: it reports whether reading
// goes on from the file's start. A file without packets ends.
func (l *looper) restart(src *capture.Source) (bool, error) {
	if !l.on || l.first.IsZero() {
		return false, nil
	}
	if err := src.Rewind(); err != nil {
		return false, err
	}
	l.shift += max(l.last.Sub(l.first), 0) + loopGap
	return true, nil
}
