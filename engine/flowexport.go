package engine

import (
	"l7sniff/decode"
	"l7sniff/engine/ipfix"
)

// flowExport is what active-timeout exports of a flow already carried,
// per direction.
type flowExport struct {
	pkts, bytes [2]uint64
	since       [2]int64 // capture time the next record's interval starts
}

// recordSink is where exportFlow sends records: the *ipfix.Exporter of
// Config.Export, or a test's queue. Records go by value, so that the
// interface call does not move each one to the heap.
type recordSink interface {
	Export(r ipfix.Record, wait bool) bool
}

// exportFlow hands x a record per direction of f that sent packets since
// its last export (all of them when it ends, what it sent since when it
// is still live), and moves the flow's baseline past what x took, so a
// dropped record's counts go out with the next one instead of being
// lost. wait says whether x may block for room in its queue (see
// shard.exportMayWait).
func exportFlow(x recordSink, f *flow, wait bool) {
	proto, ok := f.key.IPProto()
	if !ok {
		return
	}
	var base flowExport
	if f.exported != nil {
		base = *f.exported
	}
	app, mismatch := f.class.app(), f.class.mismatch()
	for d := range 2 {
		pkts := f.pkts[d] - base.pkts[d]
		if pkts == 0 {
			continue
		}
		r := ipfix.Record{
			V6: f.key.Kind == decode.FlowIPv6, Proto: proto,
			Src: f.key.A, Dst: f.key.B, SrcPort: f.key.PortA, DstPort: f.key.PortB,
			TCPFlags: f.tcpFlags[d], Octets: f.bytes[d] - base.bytes[d], Packets: pkts,
			Start: max(f.first, base.since[d]) / 1e6, End: f.last / 1e6,
			VLAN: f.vlan, FlowID: f.id, Reverse: (d == 0) != f.initiatorA,
			App: app, Mismatch: mismatch,
		}
		if id := f.ident; id != nil {
			r.Host, r.Service, r.ALPN = id.host, id.service, id.alpn
			if r.ALPN == "" {
				r.ALPN = id.alpnOffered
			}
			if id.source == HostSourceHTTPHost {
				// One element per record: both would not fit a UDP
				// message with the templates at the longest names.
				r.HTTPHost, r.Host = id.host, ""
			}
		}
		if d == 1 {
			r.Src, r.Dst, r.SrcPort, r.DstPort = f.key.B, f.key.A, f.key.PortB, f.key.PortA
		}
		if !x.Export(r, wait) {
			continue
		}
		if f.exported == nil {
			f.exported = &flowExport{}
		}
		f.exported.pkts[d], f.exported.bytes[d] = f.pkts[d], f.bytes[d]
		f.exported.since[d] = f.last + 1
	}
}
