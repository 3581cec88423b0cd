package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

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
	fs.Var(&o.fieldOpts, "E", "with -T fields: tshark `OPTION` header=y|n, separator=/t|/s|C, occurrence=f, quote=d|s|n")
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
