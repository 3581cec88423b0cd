package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"l7sniff/engine"
	"l7sniff/engine/capture"
	"l7sniff/engine/identity"
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
	src         capture.SourceConfig
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
	loop        bool
	patternDirs stringList
	serviceDirs stringList
	dnsCache    int
	maxFlows    int
	shards      int
	maxPackets  int
	maxBytes    int
	ringPackets int
	user        string
	noDrop      bool
	debug       bool // TUI: show its redraw rate
	ipfix       ipfixOptions
	theme       string // TUI: "dark" or "light"
	version     bool
}

// parseFlags reads the command line. A mistake is returned as one line
// for main to print; -h prints the usage on stdout (it was asked for)
// and returns flag.ErrHelp.
func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("l7sniff", flag.ContinueOnError)
	// The flag package would print the whole usage after every mistake.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&o.version, "version", false, "print l7sniff's version and exit")
	fs.StringVar(&o.src.Device, "i", "", "capture on interface `IFACE` (\"any\" for all)")
	fs.StringVar(&o.src.File, "r", "", "read packets from `FILE` (pcap or pcapng; - for stdin)")
	intVar(fs, &o.src.Snaplen, "s", capture.DefaultSnaplen, 0, capture.DefaultSnaplen, "keep at most `SNAPLEN` bytes per packet (0: whole packets)")
	fs.BoolVar(&o.src.NoPromisc, "p", false, "don't put the interface into promiscuous mode")
	intVar(fs, &o.src.BufferSize, "B", 0, 0, math.MaxInt32/1024, "kernel capture buffer size in `KiB` (0: 16384)")
	fs.StringVar(&o.src.Filter, "f", "", "capture filter `EXPR` (BPF, as tcpdump; or give it after the options)")
	fs.BoolVar(&o.listDevs, "D", false, "list capture devices and exit")
	intVar(fs, &o.count, "c", 0, 0, math.MaxInt, "stop after `N` packets (0: no limit)")
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
	fs.BoolVar(&o.loop, "loop", false, "read the file again each time it ends, until stopped (with --replay: a demo that keeps moving)")
	fs.Var(&o.patternDirs, "patterns", "load l7-filter patterns from `DIR` (repeatable) instead of the built-in set; reloads on change")
	fs.Var(&o.serviceDirs, "services", "load service rules (*.rules) from `DIR` (repeatable) instead of the built-in ones; reloads on change")
	intVar(fs, &o.dnsCache, "dns-cache", identity.DefaultDNSCacheEntries, 1, 1<<24, "`N` DNS answers remembered to name flows that carry no name (names bounded at 64 bytes each)")
	// The bounds are the engine's: a flow table shard indexes flows with
	// an int32, a flow counts its packets in a uint16, a stream its bytes
	// in a uint32; the history's slots are allocated up front.
	intVar(fs, &o.maxFlows, "max-flows", 1<<20, 1, 1<<30, "cap on live flows (`N`); the least recently used is evicted")
	intVar(fs, &o.shards, "shards", 0, 0, engine.MaxShards, "`N` flow-table shards (0: one per CPU)")
	intVar(fs, &o.src.Fanout, "fanout", 0, 0, capture.MaxFanout,
		"capture a Linux Ethernet device with `N` sockets in a fanout group, one goroutine each (0: one per shard, at most 8, on a multi-core machine; 1: one libpcap handle)")
	intVar(fs, &o.maxPackets, "max-packets", patterns.DefaultMaxPackets, 1, math.MaxUint16, "`N` packets per flow examined before giving up (l7-filter: 10)")
	intVar(fs, &o.maxBytes, "max-bytes", patterns.DefaultMaxBytes, 1, math.MaxUint32, "`N` payload bytes per flow examined before giving up (l7-filter: 12000, kernel 2048)")
	intVar(fs, &o.ringPackets, "ring", engine.DefaultRingPackets, 1, 10_000_000, "`N` packets kept for display in the TUI")
	fs.StringVar(&o.theme, "theme", "dark", "TUI colours for a `dark` or light terminal background (NO_COLOR turns colour off)")
	fs.StringVar(&o.user, "Z", "", "when started as root, continue as `USER` once capture and files are open (default: the user who ran sudo, else nobody)")
	fs.BoolVar(&o.noDrop, "no-drop", false, "stay root after opening the capture (not recommended)")
	fs.BoolVar(&o.debug, "debug", false, "TUI: show the UI's own redraw rate (ui N fps) in the header")
	o.ipfix.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fmt.Fprintf(os.Stdout, "usage: l7sniff [-i IFACE | -r FILE] [options] [capture filter expression]\n\n")
			fs.PrintDefaults()
			return nil, err
		}
		return nil, fmt.Errorf("%w (l7sniff -h lists the options)", err)
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
	if o.loop && (o.src.File == "" || o.src.File == "-") {
		return nil, errors.New("--loop reads a file again: use it with -r FILE (not standard input)")
	}
	return o, nil
}

// intFlag is a numeric flag with its valid range, checked as it is set so
// that a bad value is refused with the flag's name and the range.
type intFlag struct {
	v        *int
	min, max int
}

// intVar defines an int flag with default def, valid from min to max.
func intVar(fs *flag.FlagSet, p *int, name string, def, min, max int, usage string) {
	*p = def
	fs.Var(&intFlag{p, min, max}, name, usage)
}

func (f *intFlag) String() string {
	if f.v == nil { // the zero value the flag package makes for -h
		return "0"
	}
	return strconv.Itoa(*f.v)
}

func (f *intFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil || int(n) < f.min || int(n) > f.max {
		if f.max == math.MaxInt {
			return fmt.Errorf("want %d or more", f.min)
		}
		return fmt.Errorf("want %d to %d", f.min, f.max)
	}
	*f.v = int(n)
	return nil
}

// durationFlag is a duration flag with a lower bound.
type durationFlag struct {
	v   *time.Duration
	min time.Duration
}

// durationVar defines a duration flag with default def, valid from min.
func durationVar(fs *flag.FlagSet, p *time.Duration, name string, def, min time.Duration, usage string) {
	*p = def
	fs.Var(&durationFlag{p, min}, name, usage)
}

func (f *durationFlag) String() string {
	if f.v == nil {
		return "0s"
	}
	return f.v.String()
}

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < f.min {
		return fmt.Errorf("want a duration of %v or more, such as 30s or 5m", f.min)
	}
	*f.v = d
	return nil
}
