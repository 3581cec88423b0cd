// Command l7sniff is a terminal packet sniffer: live traffic as colourised
// one-line summaries, per-flow application classification from l7-filter
// patterns, field trees and hex dumps.
package main

import (
	"bufio"
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
)

// stringList is a repeatable flag (-e NAME -e NAME ...).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// options are the command line.
type options struct {
	src       engine.SourceConfig
	listDevs  bool
	count     int
	hex       bool
	format    string // -T: "", "fields", "json"
	fields    stringList
	fieldOpts stringList
	glossary  string // -G
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
	fs.IntVar(&o.src.BufferSize, "B", 0, "kernel capture buffer size in `KiB`")
	fs.StringVar(&o.src.Filter, "f", "", "capture filter `EXPR` (BPF, as tcpdump; or give it after the options)")
	fs.BoolVar(&o.listDevs, "D", false, "list capture devices and exit")
	fs.IntVar(&o.count, "c", 0, "stop after `N` packets")
	fs.BoolVar(&o.hex, "x", false, "print each packet's bytes in hex and ASCII")
	fs.StringVar(&o.format, "T", "", "output `FORMAT`: fields (with -e) or json (JSON Lines)")
	fs.Var(&o.fields, "e", "with -T fields/json: print field `NAME` (repeatable; -G fields lists them)")
	fs.Var(&o.fieldOpts, "E", "with -T fields: tshark `OPTION` header=y|n, separator=/t|/s|C, occurrence=f, quote=d|s|n")
	fs.StringVar(&o.glossary, "G", "", "print a glossary and exit: `fields`")
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
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "l7sniff:", err)
		os.Exit(1)
	}
}

func run(o *options, stdout io.Writer) error {
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
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	sink, err := newSink(o, out)
	if err != nil {
		return err
	}
	src, err := engine.Open(o.src)
	if err != nil {
		return err
	}
	defer src.Close()
	return capture(src, o, sink, out)
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

// sink prints one packet.
type sink func(p *decode.Packet, info *engine.PacketInfo) error

func newSink(o *options, out *bufio.Writer) (sink, error) {
	switch o.format {
	case "":
		buf := make([]byte, 0, 1024)
		return func(p *decode.Packet, _ *engine.PacketInfo) error {
			buf = p.Time.AppendFormat(buf[:0], "15:04:05.000000")
			buf = append(buf, ' ')
			buf = p.AppendSummary(buf)
			buf = append(buf, '\n')
			if o.hex {
				for off := 0; off < len(p.Data); off += 16 {
					buf = append(buf, '\t')
					buf = decode.AppendHexRow(buf, p.Data, off, decode.Range{}, nil)
					buf = append(buf, '\n')
				}
			}
			_, err := out.Write(buf)
			return err
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

// capture reads, decodes and prints until the source ends, -c is reached
// or a signal arrives.
func capture(src *engine.Source, o *options, print sink, out *bufio.Writer) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	var p decode.Packet
	var info engine.PacketInfo
	n := 0
	for o.count == 0 || n < o.count {
		select {
		case <-stop:
			return nil
		default:
		}
		data, ci, link, err := src.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if data == nil {
			out.Flush()
			continue
		}
		n++
		decode.Decode(link, data, ci.Length, &p)
		p.Number, p.Time = n, ci.Timestamp
		if err := print(&p, &info); err != nil {
			return err
		}
	}
	return nil
}
