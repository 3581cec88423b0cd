package ui

import (
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

// format decodes v and puts its summary's parts in columns; t0 is the
// time the relative time column counts from. The path a tunnelled packet
// came through leads the info, so the endpoints are the inner ones, as in
// Wireshark, and find still sees the path.
func (f *rowFormatter) format(v *engine.PacketView, t0 time.Time) pktRow {
	p := &f.p
	f.replay.decode(f.ring, v, p)
	var parts decode.SummaryParts
	f.buf, parts = p.AppendSummaryParts(f.buf[:0])
	part := func(k decode.Part) string { return output.Escape(string(parts.Of(f.buf, k))) }
	r := pktRow{
		seq: v.Seq, flowID: v.FlowID, no: strconv.FormatUint(v.Seq, 10),
		time:   strconv.FormatFloat(v.Time.Sub(t0).Seconds(), 'f', 6, 64),
		src:    part(decode.PartSource),
		dst:    part(decode.PartDestination),
		proto:  part(decode.PartProtocol),
		length: strconv.Itoa(v.WireLen),
		app:    v.App, service: v.Service, mismatch: v.Mismatch,
		info: part(decode.PartInfo),
	}
	if path := part(decode.PartPath); path != "" {
		r.info = path + " " + r.info
	}
	r.style = ruleFor(p, v.App)
	return r
}

// text is the row as find searches it.
func (r *pktRow) text() string {
	return strings.Join([]string{r.no, r.src, r.dst, r.proto, r.app, r.info}, " ")
}
