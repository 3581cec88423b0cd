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
	"strconv"
	"strings"
	"syscall"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/patterns"
)

// stringList is a repeatable flag (-e NAME -e NAME ...).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// replayFlag is --replay[=SPEED]: alone it means real time, "max" as fast
// as possible while still behaving as a live source.
type replayFlag float64

func (r *replayFlag) String() string   { return strconv.FormatFloat(float64(*r), 'g', -1, 64) }
func (r *replayFlag) IsBoolFlag() bool { return true }
func (r *replayFlag) Set(v string) error {
	switch v {
	case "true":
		*r = 1
	case "false":
		*r = 0
	case "max":
		*r = -1
	default:
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "x"), 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("want a speed such as 1, 10 or max")
		}
		*r = replayFlag(f)
	}
	return nil
}

// options are the command line.
type options struct {
	src         engine.SourceConfig
	listDevs    bool
	count       int
	hex         bool
	format      string // -T: "", "fields", "json"
	fields      stringList
	fieldOpts   stringList
	glossary    string // -G
	lines       bool
	lineBuf     bool
	flows       bool
	json        bool
	write       string
	unbuffered  bool
	replay      replayFlag
	patternDirs stringList
	maxFlows    int
	shards      int
	maxPackets  int
	maxBytes    int
	ringPackets int
	user        string
	noDrop      bool
	ipfix       ipfixOptions
	theme       string // TUI: "dark" or "light"
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("l7sniff", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: l7sniff [-i IFACE | -r FILE] [options] [capture filter expression]\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.src.Device, "i", "", "capture on interface `IFACE` (\"any\" for all)")
	fs.StringVar(&o.src.File, "r", "", "read packets from `FILE` (pcap or pcapng; - for stdin)")
	fs.IntVar(&o.src.Snaplen, "s", engine.DefaultSnaplen, "keep at most `SNAPLEN` bytes per packet")
	fs.BoolVar(&o.src.NoPromisc, "p", false, "don't put the interface into promiscuous mode")
	fs.IntVar(&o.src.BufferSize, "B", 0, "kernel capture buffer size in `KiB` (default 16384)")
	fs.StringVar(&o.src.Filter, "f", "", "capture filter `EXPR` (BPF, as tcpdump; or give it after the options)")
	fs.BoolVar(&o.listDevs, "D", false, "list capture devices and exit")
	fs.IntVar(&o.count, "c", 0, "stop after `N` packets")
	fs.BoolVar(&o.hex, "x", false, "print each packet's bytes in hex and ASCII (line mode)")
	fs.StringVar(&o.format, "T", "", "output `FORMAT`: fields (with -e) or json (JSON Lines)")
	fs.Var(&o.fields, "e", "with -T fields/json: print field `NAME` (repeatable; -G fields lists them)")
	fs.Var(&o.fieldOpts, "E", "with -T fields: tshark `OPTION` header=y|n, separator=/t|/s|C, occurrence=a|f|l|N, aggregator=C, quote=d|s|n")
	fs.StringVar(&o.glossary, "G", "", "print a glossary and exit: `fields`")
	fs.BoolVar(&o.lines, "lines", false, "print one line per packet even on a terminal")
	fs.BoolVar(&o.lineBuf, "l", false, "flush the output after every packet (for pipes, as tcpdump -l)")
	fs.BoolVar(&o.flows, "flows", false, "at the end, print a report of every flow and per-protocol totals")
	fs.BoolVar(&o.json, "json", false, "with --flows: print the report as JSON")
	fs.StringVar(&o.write, "w", "", "write the captured packets to `FILE` (pcap; - for stdout)")
	fs.BoolVar(&o.unbuffered, "U", false, "with -w: flush after every packet")
	fs.Var(&o.replay, "replay", "pace a file by its timestamps at `SPEED` (1 if omitted, e.g. 10, or max)")
	fs.Var(&o.patternDirs, "patterns", "load l7-filter patterns from `DIR` (repeatable) instead of the built-in set; reloads on change")
	fs.IntVar(&o.maxFlows, "max-flows", 1<<20, "cap on live flows; the least recently used is evicted")
	fs.IntVar(&o.shards, "shards", 0, "flow-table shards (0: one per CPU)")
	fs.IntVar(&o.maxPackets, "max-packets", patterns.DefaultMaxPackets, "packets per flow examined before giving up (l7-filter: 10)")
	fs.IntVar(&o.maxBytes, "max-bytes", patterns.DefaultMaxBytes, "payload bytes per flow examined before giving up (l7-filter: 12000, kernel 2048)")
	fs.IntVar(&o.ringPackets, "ring", engine.DefaultRingPackets, "packets kept for display")
	fs.StringVar(&o.theme, "theme", "dark", "TUI colours for a `dark` or light terminal background (NO_COLOR turns colour off)")
	fs.StringVar(&o.user, "Z", "nobody", "when started as root, continue as `USER` once capture and files are open")
	fs.BoolVar(&o.noDrop, "no-drop", false, "stay root after opening the capture (not recommended)")
	o.ipfix.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if rest := strings.Join(fs.Args(), " "); rest != "" {
		if o.src.Filter != "" {
			return nil, errors.New("give the capture filter either with -f or after the options, not both")
		}
		o.src.Filter = rest
	}
	o.src.BufferSize *= 1024
	if o.theme != "dark" && o.theme != "light" {
		return nil, fmt.Errorf("--theme %s: expected dark or light", o.theme)
	}
	if o.replay != 0 && o.src.File == "" {
		return nil, errors.New("--replay paces a file: use it with -r FILE")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "l7sniff:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "l7sniff:", err)
		os.Exit(1)
	}
}

// run carries out one invocation; stdout gets the output, stderr the
// closing counters.
func run(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	switch {
	case o.glossary != "":
		return printGlossary(stdout, o.glossary)
	case o.listDevs:
		devs, err := engine.Devices()
		if err != nil {
			return err
		}
		for _, d := range devs {
			fmt.Fprintln(stdout, d)
		}
		return nil
	}
	if wantTUI(o, stdout) {
		return runTUI(ctx, o, stderr)
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	set, err := loadPatterns(o, stderr)
	if err != nil {
		return err
	}
	cfg := engineConfig(o, set)
	closeExport, err := o.ipfix.apply(&cfg, stderr)
	if err != nil {
		return err
	}
	defer closeExport()
	// Per-packet output unless only a report was asked for.
	if o.format != "" || o.lines || !o.flows {
		if cfg.Packet, err = packetPrinter(o, out); err != nil {
			return err
		}
	}
	e, err := engine.New(cfg)
	if err != nil {
		return err
	}
	if e.Source().Live() && len(o.patternDirs) > 0 {
		// Reading a file, the set stays as loaded so that the output
		// does not depend on when a file was saved.
		w, err := watchPatterns(o, e, stderr)
		if err != nil {
			return err
		}
		defer w.Close()
	}
	if o.write != "" {
		w, err := engine.CreatePcap(o.write, 0o600, e.Source().LinkType(), o.src.Snaplen, !o.unbuffered)
		if err != nil {
			return err
		}
		defer w.Close()
		e.SetWriter(w)
	}
	if err := dropPrivileges(o, stderr); err != nil {
		return err
	}
	runErr := e.Run(ctx)
	st := e.Stats()
	if o.flows {
		flows := e.Flows()
		if o.json {
			err = engine.WriteFlowJSON(out, flows, st)
		} else {
			err = engine.WriteFlowReport(out, flows, st)
		}
		if err != nil {
			return err
		}
	}
	out.Flush()
	if o.format == "" && !o.flows {
		fmt.Fprintf(stderr, "%d packets captured\n", st.Packets)
		if st.KernelOK {
			fmt.Fprintf(stderr, "%d packets received by filter\n%d packets dropped by kernel\n", st.KernelReceived, st.KernelDropped)
		}
	}
	if r := st.Reassembly; r.Overflow+r.NoRoom+r.Gap > 0 {
		fmt.Fprintf(stderr, "TCP reassembly: %d messages reassembled, %d given up (%d past %d bytes, %d found no room, %d lost a segment)\n",
			r.Reassembled, r.Overflow+r.NoRoom+r.Gap, r.Overflow, engine.ReassemblyLimit, r.NoRoom, r.Gap)
	}
	return runErr
}

// engineConfig is the engine configuration the flags describe; the
// packet history (RingPackets) is left to the TUI, which shows it.
func engineConfig(o *options, set *patterns.Set) engine.Config {
	cfg := engine.Config{
		Source: o.src, Shards: o.shards, MaxFlows: o.maxFlows, MaxPackets: o.maxPackets,
		Count: o.count, Patterns: set, Replay: float64(o.replay),
	}
	if o.replay < 0 {
		cfg.Replay = 0
	}
	return cfg
}

// dropPrivileges leaves root once everything that needs it is open.
func dropPrivileges(o *options, stderr io.Writer) error {
	if os.Geteuid() != 0 {
		return nil
	}
	if o.noDrop {
		fmt.Fprintln(stderr, "l7sniff: warning: --no-drop: parsing packets as root")
		return nil
	}
	if err := engine.DropPrivileges(o.user); err != nil {
		return err
	}
	return engine.CheckReadable(o.patternDirs)
}

// loadPatterns loads --patterns directories, or the built-in set.
func loadPatterns(o *options, stderr io.Writer) (*patterns.Set, error) {
	opts := patterns.Options{MaxBytes: o.maxBytes}
	var set *patterns.Set
	var errs []patterns.LoadError
	if len(o.patternDirs) == 0 {
		set, errs = opts.Default()
	} else {
		set, errs = opts.Load(o.patternDirs...)
	}
	for _, e := range errs {
		fmt.Fprintln(stderr, "l7sniff: pattern", e.Error())
	}
	if set == nil || set.Len() == 0 {
		return nil, errors.New("no usable pattern loaded")
	}
	return set, nil
}

// watchPatterns reloads the --patterns directories while a live capture
// runs: each new set goes to the engine, and each broken file is reported
// (its previous pattern keeps running).
func watchPatterns(o *options, e *engine.Engine, stderr io.Writer) (*patterns.Watcher, error) {
	w, err := patterns.NewWatcher(patterns.Options{MaxBytes: o.maxBytes}, o.patternDirs...)
	if err != nil {
		return nil, err
	}
	e.SetPatterns(w.Current())
	go func() {
		for r := range w.Updates() {
			if r.Version > 1 {
				e.SetPatterns(r.Set)
				fmt.Fprintf(stderr, "l7sniff: patterns v%d: %d loaded, %d errors\n", r.Version, r.Set.Len(), len(r.Errors))
				for _, le := range r.Errors {
					fmt.Fprintln(stderr, "l7sniff: pattern", le.Error())
				}
			}
		}
	}()
	return w, nil
}

func printGlossary(w io.Writer, what string) error {
	if what != "fields" {
		return fmt.Errorf("-G %s: l7sniff knows -G fields", what)
	}
	for _, f := range engine.Fields() {
		fmt.Fprintf(w, "%s\t%s\n", f.Name, f.Desc)
	}
	return nil
}

// packetPrinter returns the per-packet output: lines, fields or JSON.
func packetPrinter(o *options, out *bufio.Writer) (func(*decode.Packet, *engine.PacketInfo) error, error) {
	switch o.format {
	case "":
		buf := make([]byte, 0, 1024)
		flush := func() error { return nil }
		if o.lineBuf {
			flush = out.Flush
		}
		return func(p *decode.Packet, info *engine.PacketInfo) error {
			buf = p.Time.AppendFormat(buf[:0], "15:04:05.000000")
			buf = append(buf, ' ')
			buf = p.AppendSummary(buf)
			if info.App != "" {
				buf = append(buf, "  ["...)
				buf = append(buf, info.App...)
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
		}, nil
	case "fields", "json":
		ff := engine.FieldFormat{JSON: o.format == "json"}
		for _, opt := range o.fieldOpts {
			if err := ff.ParseFieldOption(opt); err != nil {
				return nil, err
			}
		}
		for _, name := range o.fields {
			f, err := engine.LookupField(name)
			if err != nil {
				return nil, err
			}
			ff.Fields = append(ff.Fields, f)
		}
		if o.format == "fields" && len(ff.Fields) == 0 {
			return nil, errors.New("-T fields needs at least one -e FIELD (l7sniff -G fields lists them)")
		}
		fw, err := engine.NewFieldWriter(out, ff)
		if err != nil {
			return nil, err
		}
		return fw.Write, nil
	}
	return nil, fmt.Errorf("-T %s: expected fields or json", o.format)
}
