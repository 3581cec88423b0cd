package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"l7sniff/engine"
	"l7sniff/engine/output"
	"l7sniff/patterns"
)

// runner sets a capture up as every mode runs it, the TUI and the
// headless ones alike: the pattern set (loaded once, or watched), the
// service rules, IPFIX export, then per capture the engine with its -w
// file, rule watcher and privilege drop, and at the end the closing
// counters.
type runner struct {
	o   *options
	log io.Writer // background messages: stderr, or held while the TUI has the terminal
	// follow makes the pattern and service rule directories followed
	// whatever the source (the TUI, whose r key reloads them); headless,
	// only a live capture follows them, so that the output of a file does
	// not depend on when a pattern file was saved.
	follow bool
	cfg    engine.Config
	// pats follows the pattern directories (nil: the set is loaded once).
	pats    *engine.PatternWatch
	closers []func() error // the pattern watcher, the IPFIX exporter
}

// newRunner loads or watches the patterns and makes the engine
// configuration the flags describe. Close it when done.
func newRunner(ctx context.Context, o *options, log io.Writer, follow bool) (*runner, error) {
	r := &runner{o: o, log: log, follow: follow}
	set, err := r.patterns(ctx)
	if err != nil {
		r.close()
		return nil, err
	}
	r.cfg = engineConfig(o, set)
	if !r.watches(o.serviceDirs) {
		r.cfg.Services = loadServices(o, log)
	}
	closeExport, err := o.ipfix.apply(&r.cfg, log)
	if err != nil {
		r.close()
		return nil, err
	}
	r.closers = append(r.closers, func() error { closeExport(); return nil })
	return r, nil
}

// watches reports whether dirs are followed while capturing: some are
// given, and the mode or the source asks for it (no -r: a device).
func (r *runner) watches(dirs []string) bool {
	return len(dirs) > 0 && (r.follow || r.o.src.File == "")
}

// patterns returns the set to start on: the --patterns directories
// watched or loaded once, or the built-in set. Headless, problems are
// logged as the loads meet them and a set without a pattern is an error;
// the TUI shows them in its header instead.
func (r *runner) patterns(ctx context.Context) (*patterns.Set, error) {
	if !r.watches(r.o.patternDirs) {
		return loadPatterns(ctx, r.o, r.log)
	}
	w, err := patterns.NewWatcherContext(ctx, patterns.Options{MaxBytes: r.o.maxBytes}, r.o.patternDirs...)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, w.Close)
	r.pats = engine.WatchPatterns(w)
	if r.follow {
		return w.Current(), nil
	}
	first := r.pats.Status()
	reportPatternErrors(r.log, first.Errors)
	if first.Loaded == 0 {
		return nil, errNoPatterns
	}
	go func() {
		for rl := range r.pats.Updates() {
			if rl.Version > 1 {
				fmt.Fprintf(r.log, "l7sniff: patterns v%d: %d loaded, %d errors\n", rl.Version, rl.Loaded, len(rl.Errors))
				reportPatternErrors(r.log, rl.Errors)
			}
		}
	}()
	return w.Current(), nil
}

// close stops the watchers and the IPFIX exporter (which does nothing
// once an engine's Run has closed it).
func (r *runner) close() error {
	var err error
	for _, c := range r.closers {
		err = errors.Join(err, c())
	}
	return err
}

// session is one started capture: its engine and what closes when the
// engine's Run returns.
type session struct {
	e       *engine.Engine
	closers []func() error // the -w file, the service rule watcher
}

// start opens device (or, for "", the source the flags name) and readies
// the capture on it: the engine on the runner's pattern set (following
// its reloads when watched), the -w file, the service rule watcher; root
// is left once everything that needs it is open.
func (r *runner) start(ctx context.Context, device string) (*session, error) {
	cfg := r.cfg
	if device != "" {
		cfg.Source.Device = device
	}
	e, err := engine.New(cfg)
	if err != nil {
		return nil, err
	}
	s := &session{e: e}
	fail := func(err error) (*session, error) {
		s.closeAll()
		e.Source().Close()
		return nil, err
	}
	if r.pats != nil {
		r.pats.Attach(e)
	}
	drop, err := planDrop(r.o)
	if err != nil {
		return fail(err)
	}
	if r.o.write != "" {
		w, err := createWriter(r.o, e.Source(), drop)
		if err != nil {
			return fail(err)
		}
		e.SetWriter(w)
		s.closers = append(s.closers, w.Close)
	}
	var watched []string
	if r.pats != nil {
		watched = append(watched, r.o.patternDirs...)
	}
	if r.watches(r.o.serviceDirs) {
		rules, err := watchServices(ctx, r.o, e, r.log)
		if err != nil {
			return fail(err)
		}
		s.closers = append(s.closers, rules.Close)
		watched = append(watched, r.o.serviceDirs...)
	}
	if err := drop.leave(r.o, watched, r.log); err != nil {
		return fail(err)
	}
	return s, nil
}

// run captures until the source ends or ctx is done, then closes the -w
// file and the rule watcher (no packet is left to write or name).
func (s *session) run(ctx context.Context) error {
	return errors.Join(s.e.Run(ctx), s.closeAll())
}

func (s *session) closeAll() error {
	var err error
	for _, c := range s.closers {
		err = errors.Join(err, c())
	}
	return err
}

// errNoPatterns ends a headless run whose patterns all failed to load.
var errNoPatterns = errors.New("no usable pattern loaded")

// reportPatternErrors logs each problem a pattern load met.
func reportPatternErrors(log io.Writer, errs []patterns.LoadError) {
	for _, e := range errs {
		fmt.Fprintln(log, "l7sniff: pattern", output.Escape(e.Error()))
	}
}
