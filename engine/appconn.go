package engine

import "l7sniff/decode"

// appConns keeps the stateful application dissectors' per-flow state
// (decode.AppConn: the TLS version a ServerHello chose, QUIC connection
// IDs, Initial keys and CRYPTO stream) for the collector, which decodes
// every packet in capture order on one goroutine, as it does the USB
// state. Only flows a stateful dissector claimed are kept: a packet of an
// unknown flow decodes with a spare entry, which joins the table if it was
// used. Bounded: at maxAppConns flows the table starts afresh, counted in
// resets; those flows' later packets then decode as a new connection's.
type appConns struct {
	m      map[uint64]*decode.AppConn
	spare  *decode.AppConn
	resets uint64
}

const maxAppConns = 16 << 10

// conn returns the state to decode it with, nil for packets without a
// flow or payload.
func (a *appConns) conn(it *item) *decode.AppConn {
	if !it.hasFlow || it.pay.Len == 0 {
		return nil
	}
	if c := a.m[it.flowID]; c != nil {
		return c
	}
	if a.spare == nil {
		a.spare = new(decode.AppConn)
	}
	return a.spare
}

// keep adds the spare to the table when decoding it put state in it.
func (a *appConns) keep(it *item, c *decode.AppConn) {
	if c == nil || c != a.spare || !c.Used() {
		return
	}
	if a.m == nil || len(a.m) >= maxAppConns {
		if a.m != nil {
			a.resets++
		}
		a.m = make(map[uint64]*decode.AppConn)
	}
	a.m[it.flowID] = c
	a.spare = nil
}
