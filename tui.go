package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/charmbracelet/x/term"

	"l7sniff/engine"
	"l7sniff/engine/capture"
	"l7sniff/ui"
)

// wantTUI reports whether this run draws the interactive UI: stdout is a
// terminal and no headless output (--lines, -T, --flows, -w -) was asked
// for.
func wantTUI(o *options, stdout io.Writer) bool {
	return isTerminal(stdout) && !o.lines && o.format == "" && !o.flows && o.write != "-"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// runTUI runs the capture under the terminal UI. With neither -i nor -r
// and several devices, the UI's interface picker chooses the device.
func runTUI(ctx context.Context, o *options, stderr io.Writer) error {
	// Messages from background work (an IPFIX collector that went away)
	// must not be written over the full-screen UI: they are kept and
	// printed once the terminal is restored.
	held := &heldLines{}
	defer held.flushTo(stderr)
	r, err := newRunner(ctx, o, held, true)
	if err != nil {
		return err
	}
	defer r.close()
	r.cfg.RingPackets = o.ringPackets
	opts := ui.Options{Light: o.theme == "light", NoColor: os.Getenv("NO_COLOR") != "", Snaplen: o.src.Snaplen, Debug: o.debug,
		Patterns: r.pats}
	// The capture stops when the UI ends.
	capCtx, stopCapture := context.WithCancel(ctx)
	defer stopCapture()
	c := &tuiCapture{r: r, ctx: capCtx}
	var e *engine.Engine
	if o.src.Device == "" && o.src.File == "" {
		if devs, err := capture.Devices(); err == nil && len(devs) > 1 {
			opts.Devices, opts.Start = devs, c.start
		}
	}
	if opts.Start == nil {
		if e, opts.Done, err = c.start(""); err != nil {
			return err
		}
	}
	uiErr := ui.Run(ctx, e, opts)
	stopCapture()
	runErr := c.wait(stderr)
	return errors.Join(uiErr, runErr)
}

// tuiCapture starts the capture, at once or when the picker has chosen,
// and waits for it after the UI has gone.
type tuiCapture struct {
	r   *runner
	ctx context.Context

	mu   sync.Mutex
	e    *engine.Engine
	done chan error
}

// start opens device (or the source the flags name, for "") and runs the
// capture in the background.
func (c *tuiCapture) start(device string) (*engine.Engine, <-chan error, error) {
	s, err := c.r.start(c.ctx, device)
	if err != nil {
		return nil, nil, err
	}
	// Two receivers: the UI shows the result, wait returns it.
	toUI, done := make(chan error, 1), make(chan error, 1)
	go func() {
		err := s.run(c.ctx)
		toUI <- err
		done <- err
	}()
	c.mu.Lock()
	c.e, c.done = s.e, done
	c.mu.Unlock()
	return s.e, toUI, nil
}

// wait waits for the capture to finish and prints the closing counters,
// as the headless modes do, now that the terminal is back to normal.
func (c *tuiCapture) wait(stderr io.Writer) error {
	c.mu.Lock()
	e, done := c.e, c.done
	c.mu.Unlock()
	if e == nil {
		return nil
	}
	err := <-done
	printCounters(stderr, e.Stats())
	return err
}

// heldLines collects what background goroutines write while the UI owns
// the terminal.
type heldLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (h *heldLines) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.Write(p)
}

func (h *heldLines) flushTo(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w.Write(h.buf.Bytes())
}
