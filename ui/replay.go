package ui

import (
	"l7sniff/decode"
	"l7sniff/engine"
)

// flowReplay gives the UI's decodes the per-flow state of the stateful
// application dissectors (decode.AppConn) that the collector keeps for
// --lines. The ring keeps packets, not that state, so without it a TLS
// 1.3 record after the ServerHello or a QUIC short header would read
// differently in the TUI than in --lines. Each flow's kept packets are
// decoded in capture order into the flow's own AppConn; asked for a
// packet at or before the last one decoded, the flow starts afresh from
// its oldest kept packet. A flow whose first packets have left the
// history decodes as a connection seen from its oldest kept packet on.
// Bounded like the collector's table: at maxReplayFlows it starts afresh.
type flowReplay struct {
	flows map[uint64]*replayFlow
	buf   []engine.PacketView
	p     decode.Packet
}

// replayFlow is one flow's state and how far it has been decoded.
type replayFlow struct {
	conn decode.AppConn
	next uint64 // sequence number after the last packet decoded into conn
}

// maxReplayFlows covers every flow on a screen and in one find chunk
// (findChunk packets) while bounding what the states hold: each may keep
// a TLS handshake (decode.TLSHandshakeLimit) and QUIC CRYPTO bytes
// (decode.QUICCryptoLimit) per direction.
const maxReplayFlows = findChunk

// conn returns the state to decode v with, its flow's kept packets
// before it decoded into it, and counts v as decoded: the caller decodes
// v with it next. It is nil for a packet without a flow, or without the
// ring to read the flow from.
func (f *flowReplay) conn(r *engine.Ring, v *engine.PacketView) *decode.AppConn {
	if r == nil || v.FlowID == 0 {
		return nil
	}
	fl := f.flows[v.FlowID]
	if fl == nil || fl.next > v.Seq {
		if f.flows == nil || len(f.flows) >= maxReplayFlows {
			f.flows = make(map[uint64]*replayFlow)
		}
		fl = new(replayFlow)
		f.flows[v.FlowID] = fl
	}
	for from := fl.next; from < v.Seq; {
		f.buf, from = r.FlowPackets(v.FlowID, from, v.Seq, f.buf[:0])
		for i := range f.buf {
			w := &f.buf[i]
			st := w.Stream
			st.Conn = &fl.conn
			decode.DecodeStream(w.Link, w.Data, w.WireLen, &f.p, &st)
		}
	}
	fl.next = v.Seq + 1
	return &fl.conn
}

// decode decodes v into p with its flow's state.
func (f *flowReplay) decode(r *engine.Ring, v *engine.PacketView, p *decode.Packet) {
	st := v.Stream
	st.Conn = f.conn(r, v)
	decode.DecodeStream(v.Link, v.Data, v.WireLen, p, &st)
}
