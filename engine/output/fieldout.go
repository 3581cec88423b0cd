package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"l7sniff/decode"
	"l7sniff/engine"
)

// OutputField is a field `-T fields -e NAME` can print: one of the
// decoder's tshark-named fields or one of l7sniff's own.
type OutputField struct {
	Name string
	Desc string
	dec  *decode.Field
	own  func(info *engine.PacketInfo, dst []byte) ([]byte, bool)
	// streams marks an own field that reads TCPStream or UDPStream.
	streams bool
}

// Append appends the field's first value for the packet and reports
// whether the packet has it.
func (f *OutputField) Append(dst []byte, p *decode.Packet, info *engine.PacketInfo) ([]byte, bool) {
	return f.AppendNth(dst, p, info, 0)
}

// AppendNth appends occurrence i (from 0) of the field and reports
// whether the packet has it.
func (f *OutputField) AppendNth(dst []byte, p *decode.Packet, info *engine.PacketInfo, i int) ([]byte, bool) {
	if f.dec != nil {
		return f.dec.AppendNth(dst, p, i)
	}
	if i != 0 {
		return dst, false
	}
	return f.own(info, dst)
}

// AppendOccurrences appends the occurrences occ selects (see
// FieldFormat.Occurrence), joined by agg, and reports whether there was
// any.
func (f *OutputField) AppendOccurrences(dst []byte, p *decode.Packet, info *engine.PacketInfo, occ int, agg byte) ([]byte, bool) {
	switch {
	case occ > 0:
		return f.AppendNth(dst, p, info, occ-1)
	case occ == OccurrenceLast:
		n := f.count(p, info, dst[len(dst):])
		if n == 0 {
			return dst, false
		}
		return f.AppendNth(dst, p, info, n-1)
	}
	if f.dec != nil {
		return f.dec.AppendAll(dst, p, agg)
	}
	v, ok := f.own(info, dst)
	if !ok || len(v) == len(dst) {
		return dst, false
	}
	return v, true
}

// Application reports whether the field needs the packet's application
// layer decoded (see decode.Field.Application); l7sniff's own fields
// read only engine.PacketInfo.
func (f *OutputField) Application() bool { return f.dec != nil && f.dec.Application() }

// count returns how many times the packet has the field. It probes by
// appending each value to scratch, whose contents it discards.
func (f *OutputField) count(p *decode.Packet, info *engine.PacketInfo, scratch []byte) int {
	for n := 0; ; n++ {
		if _, ok := f.AppendNth(scratch[:0], p, info, n); !ok {
			return n
		}
	}
}

// Occurrence choices of FieldFormat.Occurrence besides a 1-based index.
const (
	OccurrenceAll  = 0
	OccurrenceLast = -1
)

// ownFields are l7sniff's fields, under the "l7sniff." prefix.
var ownFields = []OutputField{
	{Name: "l7sniff.flow", Desc: "Flow id (same for both directions of a conversation)",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return strconv.AppendUint(dst, i.FlowID, 10), i.FlowID != 0
		}},
	{Name: "l7sniff.app", Desc: "Application verdict of the packet's flow at that moment",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) { return append(dst, i.App...), i.App != "" }},
	{Name: "l7sniff.portguess", Desc: "Protocol the flow's ports suggest",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return append(dst, i.PortGuess...), i.PortGuess != ""
		}},
	{Name: "l7sniff.host", Desc: "Name of the packet's flow known so far (SNI, HTTP Host, DNS question, certificate, STUN realm, DHCP name, DNS cache)",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) { return append(dst, i.Host...), i.Host != "" }},
	{Name: "l7sniff.host_source", Desc: "Where l7sniff.host came from: sni, quic-sni, gquic-sni, http-host, dns-query, cert, stun-realm, dhcp, dns-cache",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return append(dst, i.HostSource...), i.HostSource != ""
		}},
	{Name: "l7sniff.service", Desc: "Service rule the flow's host matches",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return append(dst, i.Service...), i.Service != ""
		}},
	{Name: "l7sniff.alpn", Desc: "ALPN protocol the server chose, or the client's offer until it has",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) { return append(dst, i.ALPN...), i.ALPN != "" }},
	{Name: "frame.time_relative", Desc: "Time since the first packet (seconds)",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return decode.AppendSeconds(dst, i.Relative), i.HasTime
		}},
	{Name: "frame.time_delta", Desc: "Time since the previous packet (seconds)",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return decode.AppendSeconds(dst, i.Delta), i.HasTime
		}},
	{Name: "tcp.stream", Desc: "TCP conversation number, from 0 in order of appearance",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return strconv.AppendInt(dst, int64(i.TCPStream), 10), i.TCPStream >= 0
		}, streams: true},
	{Name: "udp.stream", Desc: "UDP conversation number, from 0 in order of appearance",
		own: func(i *engine.PacketInfo, dst []byte) ([]byte, bool) {
			return strconv.AppendInt(dst, int64(i.UDPStream), 10), i.UDPStream >= 0
		}, streams: true},
}

// Fields lists every field, decoder's first, for -G fields.
func Fields() []OutputField {
	var out []OutputField
	for _, f := range decode.AllFields() {
		out = append(out, OutputField{Name: f.Name, Desc: f.Desc, dec: f})
	}
	return append(out, ownFields...)
}

// LookupField finds a field by name. An unknown name is an error that
// suggests the closest names.
func LookupField(name string) (OutputField, error) {
	if f, ok := decode.LookupField(name); ok {
		return OutputField{Name: f.Name, Desc: f.Desc, dec: f}, nil
	}
	for _, f := range ownFields {
		if f.Name == name {
			return f, nil
		}
	}
	if close := suggest(name); len(close) > 0 {
		return OutputField{}, fmt.Errorf("unknown field %q; did you mean %s? (l7sniff -G fields lists them all)", name, strings.Join(close, " or "))
	}
	return OutputField{}, fmt.Errorf("unknown field %q (l7sniff -G fields lists them all)", name)
}

// LookupFields looks up each of names (the -e flags) in order.
func LookupFields(names []string) ([]OutputField, error) {
	out := make([]OutputField, 0, len(names))
	for _, name := range names {
		f, err := LookupField(name)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// suggest returns up to three field names within a small edit distance.
func suggest(name string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, f := range Fields() {
		d := editDistance(name, f.Name)
		if d <= max(2, len(name)/4) {
			cs = append(cs, cand{f.Name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance, so a swap such as "scr" for "src" costs one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// FieldFormat is how -T fields prints: tshark's -E options.
type FieldFormat struct {
	Header    bool // -E header=y
	Separator byte // -E separator=, (default tab)
	Quote     byte // -E quote=d|s: 0, '"' or '\''
	// Occurrence is -E occurrence: OccurrenceAll (a, the default),
	// OccurrenceLast (l) or a 1-based index (f is 1).
	Occurrence int
	// Aggregator joins occurrences (-E aggregator, default ',').
	Aggregator byte
	JSON       bool // -T json: one JSON object per packet
	Fields     []OutputField
}

// ParseFieldOption applies one tshark -E option ("header=y",
// "separator=/t", "occurrence=f", "aggregator=;", "quote=d").
func (f *FieldFormat) ParseFieldOption(opt string) error {
	k, v, ok := strings.Cut(opt, "=")
	if !ok {
		return fmt.Errorf("-E %s: expected KEY=VALUE", opt)
	}
	switch k {
	case "header":
		switch v {
		case "y":
			f.Header = true
		case "n":
			f.Header = false
		default:
			return fmt.Errorf("-E header=%s: expected y or n", v)
		}
	case "separator":
		c, err := separatorChar(k, v)
		if err != nil {
			return err
		}
		f.Separator = c
	case "occurrence":
		switch v {
		case "a":
			f.Occurrence = OccurrenceAll
		case "f":
			f.Occurrence = 1
		case "l":
			f.Occurrence = OccurrenceLast
		default:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("-E occurrence=%s: expected f, l, a or a number from 1", v)
			}
			f.Occurrence = n
		}
	case "aggregator":
		c, err := separatorChar(k, v)
		if err != nil {
			return err
		}
		f.Aggregator = c
	case "quote":
		switch v {
		case "d":
			f.Quote = '"'
		case "s":
			f.Quote = '\''
		case "n":
			f.Quote = 0
		default:
			return fmt.Errorf("-E quote=%s: expected d, s or n", v)
		}
	default:
		return fmt.Errorf("-E %s: unknown option (header, separator, occurrence, aggregator, quote)", k)
	}
	return nil
}

// engine.Omit returns the per-packet work no field the format prints needs: the
// application layer unless an application field is asked for, stream
// numbers unless tcp.stream or udp.stream is. -T json with no -e prints
// every field, so it needs everything.
func (f *FieldFormat) Omit() engine.Omit {
	if f.JSON && len(f.Fields) == 0 {
		return 0
	}
	omit := engine.OmitApp | engine.OmitStreams
	for i := range f.Fields {
		if f.Fields[i].Application() {
			omit &^= engine.OmitApp
		}
		if f.Fields[i].streams {
			omit &^= engine.OmitStreams
		}
	}
	return omit
}

// FieldWriter prints the chosen fields of each packet.
type FieldWriter struct {
	w   io.Writer
	f   FieldFormat
	buf []byte
	val []byte
}

// NewFieldWriter returns a writer printing format f to w; it writes the
// header line now if f asks for one.
func NewFieldWriter(w io.Writer, f FieldFormat) (*FieldWriter, error) {
	if f.Separator == 0 {
		f.Separator = '\t'
	}
	if f.Aggregator == 0 {
		f.Aggregator = ','
	}
	fw := &FieldWriter{w: w, f: f, buf: make([]byte, 0, 1024), val: make([]byte, 0, 256)}
	if f.Header && !f.JSON {
		for i, fl := range f.Fields {
			if i > 0 {
				fw.buf = append(fw.buf, f.Separator)
			}
			fw.buf = append(fw.buf, fl.Name...)
		}
		fw.buf = append(fw.buf, '\n')
		_, err := w.Write(fw.buf)
		return fw, err
	}
	return fw, nil
}

// Write prints one packet's line.
func (fw *FieldWriter) Write(p *decode.Packet, info *engine.PacketInfo) error {
	b := fw.buf[:0]
	if fw.f.JSON {
		b = fw.appendJSON(b, p, info)
	} else {
		for i := range fw.f.Fields {
			if i > 0 {
				b = append(b, fw.f.Separator)
			}
			v, ok := fw.f.Fields[i].AppendOccurrences(fw.val[:0], p, info, fw.f.Occurrence, fw.f.Aggregator)
			fw.val = v
			if !ok {
				continue
			}
			if fw.f.Quote != 0 {
				b = append(b, fw.f.Quote)
			}
			b = AppendEscaped(b, v)
			if fw.f.Quote != 0 {
				b = append(b, fw.f.Quote)
			}
		}
	}
	b = append(b, '\n')
	fw.buf = b
	_, err := fw.w.Write(b)
	return err
}

// appendJSON writes the fields the packet has as string values, like
// tshark's JSON, a field that occurs several times as an array of them;
// with no -e, every field the packet has.
func (fw *FieldWriter) appendJSON(b []byte, p *decode.Packet, info *engine.PacketInfo) []byte {
	fields := fw.f.Fields
	if len(fields) == 0 {
		fields = allOutputFields
	}
	b = append(b, '{')
	first := true
	for i := range fields {
		n := fields[i].count(p, info, fw.val)
		if n == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = strconv.AppendQuote(b, fields[i].Name)
		b = append(b, ':')
		if n > 1 {
			b = append(b, '[')
		}
		for k := 0; k < n; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			fw.val, _ = fields[i].AppendNth(fw.val[:0], p, info, k)
			b = strconv.AppendQuoteToASCII(b, string(fw.val))
		}
		if n > 1 {
			b = append(b, ']')
		}
	}
	return append(b, '}')
}

var allOutputFields = Fields()

// separatorChar reads a -E separator or aggregator value as tshark does:
// one character, or /t and /s for a tab and a space.
func separatorChar(option, v string) (byte, error) {
	switch v {
	case "/t":
		return '\t', nil
	case "/s":
		return ' ', nil
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("-E %s=%s: expected one character, /t or /s", option, v)
	}
	return v[0], nil
}
