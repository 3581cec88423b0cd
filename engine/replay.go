package engine

import (
	"sync/atomic"
	"time"
)

// pacer replays a file at its recorded pace (times a speed factor), so a
// file behaves like live traffic.
type pacer struct {
	speed      float64
	start      time.Time // wall time of the first packet
	first      time.Time // its capture time
	configured bool
}

func newPacer(speed float64) *pacer { return &pacer{speed: speed} }

// wait sleeps until the packet captured at ts is due, waking early if
// stop is set. It reports whether it slept, so the caller can flush.
func (p *pacer) wait(ts time.Time, stop *atomic.Bool) bool {
	if p.speed <= 0 {
		return false
	}
	if !p.configured {
		p.start, p.first, p.configured = time.Now(), ts, true
		return false
	}
	due := p.start.Add(time.Duration(float64(ts.Sub(p.first)) / p.speed))
	d := time.Until(due)
	if d <= 0 {
		return false
	}
	// Sleep in short steps so Stop is noticed promptly.
	for d > 0 && !stop.Load() {
		time.Sleep(min(d, 50*time.Millisecond))
		d = time.Until(due)
	}
	return true
}
