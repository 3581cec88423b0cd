package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"

	"l7sniff/decode"
	"l7sniff/engine/capture"
)

// BenchmarkResponsiveness measures the UI under load, from outside, as a
// person sees it: the binary reads an endless capture from a FIFO while
// the harness presses keys through tmux. Each iteration is one keypress;
// reported are the median and p99 time until the screen shows it, the
// highest redraw rate the UI reported, and how many of the packets
// written the engine failed to count (which must be 0: the UI never holds
// up the capture). "full" feeds as fast as the engine reads, which
// saturates every CPU; "200kpps" is a heavy but sustainable load.
func BenchmarkResponsiveness(b *testing.B) {
	for _, c := range []struct {
		name string
		pps  int
	}{{"full", 0}, {"200kpps", 200_000}} {
		b.Run(c.name, func(b *testing.B) { benchResponsiveness(b, c.pps) })
	}
}

func benchResponsiveness(b *testing.B, pps int) {
	needTmux(b)
	bin := buildBinary(b)
	dir := b.TempDir()
	fifo := filepath.Join(dir, "feed.pcap")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		b.Fatal(err)
	}
	var written atomic.Uint64
	stop := make(chan struct{})
	fed := make(chan error, 1)
	go func() { fed <- feed(fifo, pps, stop, &written) }()
	tm := startTmux(b, 120, 40, bin+" --no-drop --debug -r "+fifo+"; sleep 60")
	tm.waitText("No.", "10.")

	fpsRe := regexp.MustCompile(`ui (\d+) fps`)
	maxFPS := 0
	sampleFPS := func(s string) {
		if m := fpsRe.FindStringSubmatch(s); m != nil {
			n, _ := strconv.Atoi(m[1])
			maxFPS = max(maxFPS, n)
		}
	}
	var lat []time.Duration
	open := false
	b.ResetTimer()
	for range b.N {
		// Toggle the help overlay: a change a person sees at once.
		t0 := time.Now()
		tm.keys("?")
		s := tm.waitFor(5*time.Second, "help toggled", func(s string) bool {
			return strings.Contains(s, "Row colours and verdicts") != open
		})
		lat = append(lat, time.Since(t0))
		open = !open
		sampleFPS(s)
	}
	b.StopTimer()
	if open {
		tm.keys("?")
	}
	close(stop)
	if err := <-fed; err != nil {
		b.Fatal(err)
	}
	s := tm.waitFor(30*time.Second, "end of the feed", func(s string) bool { return strings.Contains(s, "(file, ended)") })
	m := regexp.MustCompile(`pkts ([\d,]+)`).FindStringSubmatch(s)
	if m == nil {
		b.Fatalf("no packet counter on screen:\n%s", s)
	}
	counted, _ := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-key-median")
	b.ReportMetric(float64(lat[min(len(lat)*99/100, len(lat)-1)].Microseconds())/1000, "ms-key-p99")
	b.ReportMetric(float64(maxFPS), "fps-max")
	b.ReportMetric(float64(written.Load()), "pkts-fed")
	b.ReportMetric(float64(written.Load()-counted), "pkts-lost")
	if counted != written.Load() {
		b.Errorf("engine counted %d packets of %d written", counted, written.Load())
	}
}

// feed writes the demo capture to path over and over, each round between
// other addresses (10.77.R.x) so there are always new flows, until stop;
// at pps packets a second, or as fast as it is read for 0.
func feed(path string, pps int, stop <-chan struct{}, written *atomic.Uint64) error {
	f, err := os.Open(demoCapture)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return err
	}
	var frames [][]byte
	for {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		frames = append(frames, data)
	}
	// Opening a FIFO for writing waits for l7sniff to open it to read.
	w, err := capture.CreatePcap(path, 0o600, decode.LinkEthernet, 0, true)
	if err != nil {
		return err
	}
	ts := time.Now().UnixNano()
	begin := time.Now()
	for round := 0; ; round++ {
		select {
		case <-stop:
			return w.Close()
		default:
		}
		for _, fr := range frames {
			if len(fr) > 33 && fr[12] == 8 && fr[13] == 0 {
				fr[28], fr[32] = byte(round), byte(round) // both IPv4 addresses' third byte
			}
			ts += 10_000
			if err := w.WritePacket(ts, fr, len(fr)); err != nil {
				return fmt.Errorf("feed: %w", err)
			}
			n := written.Add(1)
			if pps > 0 && n%1000 == 0 {
				time.Sleep(time.Until(begin.Add(time.Duration(n) * time.Second / time.Duration(pps))))
			}
		}
	}
}
