// Command l7sniff is a terminal packet sniffer: live traffic as colourised
// one-line summaries, per-flow application classification from l7-filter
// patterns, field trees and hex dumps.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/capture"
	"l7sniff/engine/output"
	"l7sniff/patterns"
)

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		printError(os.Stderr, err)
		os.Exit(2)
	}
	if o.version {
		fmt.Println(versionLine())
		return
	}
	// l7sniff's only signal handler (the TUI leaves signals to it): each
	// mode ends on ctx, restoring the terminal, flushing files and
	// printing its counters. Once it has fired the default action is
	// back, so a second signal ends a run that does not stop.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	context.AfterFunc(ctx, stop)
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		printError(os.Stderr, err)
		os.Exit(1)
	}
}

// printError prints err as one "l7sniff:" line per line of its message.
// Messages quote file names, device names and pattern files, so each
// line goes through the terminal escaper.
func printError(w io.Writer, err error) {
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintln(w, "l7sniff:", output.Escape(line))
	}
}

// run carries out one invocation; stdout gets the output, stderr the
// closing counters.
func run(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	switch {
	case o.glossary != "":
		return printGlossary(stdout, o.glossary)
	case o.listDevs:
		devs, err := capture.Devices()
		if err != nil {
			return err
		}
		for _, d := range devs {
			fmt.Fprintln(stdout, output.Escape(d))
		}
		return nil
	}
	if o.write == "-" && (o.lines || o.format != "" || o.flows) {
		return errors.New("-w - writes the capture to stdout: --lines, -T and --flows cannot share it")
	}
	if wantTUI(o, stdout) {
		return runTUI(ctx, o, stderr)
	}
	if isTerminal(stdout) {
		o.lineBuf = true // as tcpdump: a terminal sees each line at once
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	r, err := newRunner(ctx, o, stderr, false)
	if err != nil {
		return err
	}
	defer r.close()
	if printsPackets(o) {
		if err := packetPrinter(o, out, &r.cfg); err != nil {
			return err
		}
	}
	s, err := r.start(ctx, "")
	if err != nil {
		return err
	}
	runErr := s.run(ctx)
	st := s.e.Stats()
	if o.flows {
		var err error
		if o.json {
			err = output.WriteFlowJSON(out, s.e.Flows(), st, s.e.Apps())
		} else {
			err = output.WriteFlowReport(out, s.e.Flows(), st)
		}
		if err != nil {
			return err
		}
	}
	out.Flush()
	printCounters(stderr, st)
	return runErr
}

// engineConfig is the engine configuration the flags describe; the
// packet history (RingPackets) is left to the TUI, which shows it.
func engineConfig(o *options, set *patterns.Set) engine.Config {
	cfg := engine.Config{
		Source: o.src, Shards: o.shards, MaxFlows: o.maxFlows, MaxPackets: o.maxPackets,
		Count: o.count, Patterns: set, Replay: float64(o.replay), Loop: o.loop,
		DNSCacheEntries: o.dnsCache,
	}
	if o.replay < 0 {
		cfg.Replay = 0
	}
	return cfg
}

// printsPackets reports whether a headless run prints every packet on
// stdout. As tcpdump, -w FILE alone saves without printing (--lines or -T
// still print), and -w - keeps stdout for the capture alone.
func printsPackets(o *options) bool {
	switch {
	case o.write == "-":
		return false
	case o.format != "" || o.lines:
		return true
	}
	return !o.flows && o.write == ""
}

// loadPatterns loads --patterns directories, or the built-in set; a signal
// (ctx) abandons the compile.
func loadPatterns(ctx context.Context, o *options, stderr io.Writer) (*patterns.Set, error) {
	opts := patterns.Options{MaxBytes: o.maxBytes}
	var set *patterns.Set
	var errs []patterns.LoadError
	if len(o.patternDirs) == 0 {
		set, errs = opts.Default()
	} else {
		set, errs = opts.LoadContext(ctx, o.patternDirs...)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("loading patterns: %w", err)
	}
	reportPatternErrors(stderr, errs)
	if set == nil || set.Len() == 0 {
		return nil, errNoPatterns
	}
	return set, nil
}

func printGlossary(w io.Writer, what string) error {
	if what != "fields" {
		return fmt.Errorf("-G %s: l7sniff knows -G fields", what)
	}
	for _, f := range output.Fields() {
		fmt.Fprintf(w, "%s\t%s\n", f.Name, f.Desc)
	}
	return nil
}

// packetPrinter sets cfg's per-packet output: lines, fields or JSON.
func packetPrinter(o *options, out *bufio.Writer, cfg *engine.Config) error {
	switch o.format {
	case "":
		buf, sum := make([]byte, 0, 1024), make([]byte, 0, 512)
		flush := func() error { return nil }
		if o.lineBuf {
			flush = out.Flush
		}
		cfg.Packet = func(p *decode.Packet, info *engine.PacketInfo) error {
			buf = appendClock(buf[:0], p.Time)
			buf = append(buf, ' ')
			// Summaries quote packet text; verdicts are pattern names.
			sum = p.AppendSummary(sum[:0])
			buf = output.AppendEscaped(buf, sum)
			if info.App != "" {
				buf = append(buf, "  ["...)
				buf = output.AppendEscaped(buf, info.App)
				buf = append(buf, ']')
			}
			buf = append(buf, '\n')
			if o.hex {
				for off := 0; off < len(p.Data); off += 16 {
					buf = append(buf, '\t')
					buf = decode.AppendHexRow(buf, p.Data, off, decode.Range{}, nil)
					buf = append(buf, '\n')
				}
			}
			if _, err := out.Write(buf); err != nil {
				return err
			}
			return flush()
		}
		cfg.Omit = engine.OmitStreams // a line shows no conversation number
		return nil
	case "fields", "json":
		ff := output.FieldFormat{JSON: o.format == "json"}
		for _, opt := range o.fieldOpts {
			if err := ff.ParseFieldOption(opt); err != nil {
				return err
			}
		}
		fields, err := output.LookupFields(o.fields)
		if err != nil {
			return err
		}
		ff.Fields = fields
		if o.format == "fields" && len(ff.Fields) == 0 {
			return errors.New("-T fields needs at least one -e FIELD (l7sniff -G fields lists them)")
		}
		fw, err := output.NewFieldWriter(out, ff)
		if err != nil {
			return err
		}
		cfg.Packet, cfg.Omit = fw.Write, ff.Omit()
		return nil
	}
	return fmt.Errorf("-T %s: expected fields or json", o.format)
}
