package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/charmbracelet/x/term"

	"l7sniff/engine"
	"l7sniff/engine/identity"
	"l7sniff/patterns"
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
	opts := ui.Options{Light: o.theme == "light", NoColor: os.Getenv("NO_COLOR") != "", Snaplen: o.src.Snaplen, Debug: o.debug}
	var set *patterns.Set
	var err error
	if len(o.patternDirs) > 0 {
		w, err := patterns.NewWatcherContext(ctx, patterns.Options{MaxBytes: o.maxBytes}, o.patternDirs...)
		if err != nil {
			return err
		}
		defer w.Close()
		opts.Patterns, set = engine.WatchPatterns(w), w.Current()
	} else if set, err = loadPatterns(ctx, o, stderr); err != nil {
		return err
	}
	cfg := engineConfig(o, set)
	cfg.RingPackets = o.ringPackets
	// Messages from background work (an IPFIX collector that went away)
	// must not be written over the full-screen UI: they are kept and
	// printed once the terminal is restored.
	held := &heldLines{}
	defer held.flushTo(stderr)
	closeExport, err := o.ipfix.apply(&cfg, held)
	if err != nil {
		return err
	}
	defer closeExport()
	// The capture stops when the UI ends.
	capCtx, stopCapture := context.WithCancel(ctx)
	defer stopCapture()
	c := &tuiCapture{o: o, cfg: cfg, ctx: capCtx, notes: held, patterns: opts.Patterns}
	var e *engine.Engine
	if o.src.Device == "" && o.src.File == "" {
		if devs, err := engine.Devices(); err == nil && len(devs) > 1 {
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

// tuiCapture starts the engine, at once or when the picker has chosen,
// and waits for it after the UI has gone.
type tuiCapture struct {
	o     *options
	cfg   engine.Config
	ctx   context.Context
	notes io.Writer // messages for after the UI
	// patterns, when not nil, follows the pattern directories; each
	// engine started runs its newest set, whatever the source.
	patterns *engine.PatternWatch

	mu   sync.Mutex
	e    *engine.Engine
	done chan error
}

// start opens device (or the source the flags name, for "") and runs the
// capture in the background; root is left once the capture is open.
func (c *tuiCapture) start(device string) (*engine.Engine, <-chan error, error) {
	cfg := c.cfg
	if device != "" {
		cfg.Source.Device = device
	}
	e, err := engine.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	drop, err := planDrop(c.o)
	if err != nil {
		e.Source().Close()
		return nil, nil, err
	}
	var w *engine.PcapWriter
	if c.o.write != "" {
		if w, err = createWriter(c.o, e.Source(), drop); err != nil {
			e.Source().Close()
			return nil, nil, err
		}
		e.SetWriter(w)
	}
	if c.patterns != nil {
		c.patterns.Attach(e)
	}
	// The service rule watcher reloads whatever the source, as the
	// pattern one.
	var rules *identity.ServiceWatcher
	if len(c.o.serviceDirs) > 0 {
		if rules, err = watchServices(c.ctx, c.o, e, c.notes); err != nil {
			if w != nil {
				w.Close()
			}
			e.Source().Close()
			return nil, nil, err
		}
	}
	if err := drop.leave(c.o, append(slices.Clone(c.o.patternDirs), c.o.serviceDirs...), c.notes); err != nil {
		if w != nil {
			w.Close()
		}
		if rules != nil {
			rules.Close()
		}
		e.Source().Close()
		return nil, nil, err
	}
	// Two receivers: the UI shows the result, wait returns it.
	toUI, done := make(chan error, 1), make(chan error, 1)
	go func() {
		err := e.Run(c.ctx)
		if w != nil {
			err = errors.Join(err, w.Close())
		}
		if rules != nil {
			// No packet is left to name.
			err = errors.Join(err, rules.Close())
		}
		toUI <- err
		done <- err
	}()
	c.mu.Lock()
	c.e, c.done = e, done
	c.mu.Unlock()
	return e, toUI, nil
}

// wait waits for the capture to finish and prints the closing counters,
// as line mode does, now that the terminal is back to normal.
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
