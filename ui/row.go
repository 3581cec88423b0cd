package ui

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
)

// pktRow is one packet as the packets view shows it: its columns, already
// escaped, and what colours it.
type pktRow struct {
	seq      uint64
	flowID   uint64
	no, time string
	src, dst string
	proto    string
	length   string
	app      string
	service  string
	mismatch bool
	info     string
	// style is the colouring rule that matched (ruleFor).
	style int
}

// rowFormatter turns ring packets into rows, reusing one decode buffer.
// With ring set, a flow's packets decode with the state its earlier ones
// left (flowReplay), as in --lines.
type rowFormatter struct {
	ring   *engine.Ring
	replay flowReplay
	p      decode.Packet
	buf    []byte
	// memo holds rows already formatted, for kept: the list redraws the
	// same rows at every refresh, and the replay would restart a flow
	// from its oldest packet for each row it has passed.
	memo   map[uint64]pktRow
	memoT0 time.Time
}

// maxMemoRows bounds the memo; it starts afresh when full.
const maxMemoRows = 1 << 10

// kept is format for the packet list: a row formatted before comes from
// the memo while the verdict it shows is unchanged. (f.p is then not the
// row's packet; find, which needs it, calls format.)
func (f *rowFormatter) kept(v *engine.PacketView, t0 time.Time) pktRow {
	if !t0.Equal(f.memoT0) || len(f.memo) >= maxMemoRows {
		f.memo, f.memoT0 = nil, t0
	}
	if r, ok := f.memo[v.Seq]; ok && r.app == v.App && r.mismatch == v.Mismatch {
		return r
	}
	r := f.format(v, t0)
	if f.memo == nil {
		f.memo = make(map[uint64]pktRow)
	}
	f.memo[v.Seq] = r
	return r
}

// arrow separates source and destination in decode's summaries.
const arrow = " → "

// format decodes v and splits its summary into columns; t0 is the time
// the relative time column counts from.
func (f *rowFormatter) format(v *engine.PacketView, t0 time.Time) pktRow {
	p := &f.p
	f.replay.decode(f.ring, v, p)
	f.buf = p.AppendSummary(f.buf[:0])
	r := pktRow{
		seq: v.Seq, flowID: v.FlowID, no: strconv.FormatUint(v.Seq, 10),
		time:   strconv.FormatFloat(v.Time.Sub(t0).Seconds(), 'f', 6, 64),
		proto:  protoOf(p),
		length: strconv.Itoa(v.WireLen),
		app:    v.App, service: v.Service, mismatch: v.Mismatch,
	}
	info := f.buf
	if i := bytes.Index(info, []byte(arrow)); i >= 0 {
		// "src → dst rest": the endpoints get their own columns.
		r.src = output.Escape(string(info[:i]))
		rest := info[i+len(arrow):]
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			j = len(rest)
		}
		r.dst = output.Escape(string(rest[:j]))
		info = bytes.TrimLeft(rest[j:], " ")
	}
	r.info = strings.TrimPrefix(output.Escape(string(info)), r.proto+" ")
	r.style = ruleFor(p, v.App)
	return r
}

// protoOf names the highest layer decoded, for the protocol column.
func protoOf(p *decode.Packet) string {
	switch {
	case p.App.Layer != decode.LayerNone:
		return p.App.Layer.String()
	case p.Has(decode.LayerUSB) || p.Has(decode.LayerUSBPcap):
		return "USB"
	case p.Has(decode.LayerTCP) && !p.Quoted:
		return "TCP"
	case p.Has(decode.LayerUDP) && !p.Quoted:
		return "UDP"
	case p.Has(decode.LayerICMPv6):
		return "ICMPv6"
	case p.Has(decode.LayerICMPv4):
		return "ICMP"
	case p.Has(decode.LayerARP):
		return "ARP"
	case p.Has(decode.LayerIPv6):
		return "IPv6"
	case p.Has(decode.LayerIPv4):
		return "IPv4"
	case p.Has(decode.LayerLLC):
		return "LLC"
	}
	return p.LinkType.String()
}

// text is the row as find searches it.
func (r *pktRow) text() string {
	return strings.Join([]string{r.no, r.src, r.dst, r.proto, r.app, r.info}, " ")
}
