package engine

import (
	"l7sniff/decode"
	"l7sniff/patterns"
)

// classifier is a flow's classification: the l7-filter policy around a
// patterns.Stream and the structural classifiers (probes, see probe.go).
// Every packet of the flow counts towards the packet limit, handshake and
// bare ACKs included, as in l7-filter; the stream enforces the byte
// budget, and the probes stop looking at the same budget.
//
// The matching state (classifying) is taken from the shard's pool at the
// flow's first payload and given back with the final verdict, so a flow
// that has sent no payload yet (a SYN) or is decided carries only this
// record: 24 bytes.
type classifier struct {
	work *classifying // nil before the first payload and once final
	// pat is what named the flow, once final: a pattern or a probe's
	// (nil: unknown).
	pat     *patterns.Pattern
	packets uint16
	guess   uint16
	final   bool // the verdict is decided
	opaque  bool // the flow carries no application data (carriesAppData)
	limited bool // gave up at the packet or byte limit with no verdict
}

// classifying is a flow's matching state between its first payload and
// its verdict.
type classifying struct {
	stream patterns.Stream
	// found is the probe that decided the flow (nil: none did; the
	// verdict is the stream's).
	found  *probe
	probes probeState
	fed    uint32 // payload bytes fed, for telling the byte limit apart
}

// classPool is a shard's supply of classifying states: allocated in
// blocks (pointers into a block stay valid as the pool grows) and reused
// once a flow is decided, so the pool is as large as the most flows that
// were ever classifying payload at once.
type classPool struct {
	free  []*classifying
	block []classifying
}

// classBlock is how many classifying states the pool allocates at once.
const classBlock = 256

func (p *classPool) get() *classifying {
	if n := len(p.free); n > 0 {
		w := p.free[n-1]
		p.free = p.free[:n-1]
		return w
	}
	if len(p.block) == 0 {
		p.block = make([]classifying, classBlock)
	}
	w := &p.block[0]
	p.block = p.block[1:]
	return w
}

func (p *classPool) put(w *classifying) {
	*w = classifying{}
	p.free = append(p.free, w)
}

// start begins classifying with the port-based guess g. A flow whose
// payload is not application data (see carriesAppData) is decided
// "unknown" by its first packet.
func (c *classifier) start(g uint16, appData bool) {
	*c = classifier{guess: g, opaque: !appData}
}

// carriesAppData reports whether a flow's payload is what patterns
// describe: TCP, UDP and SCTP payloads and USB transfers. ICMP, IGMP and
// the other IP protocols carry control messages, which l7-filter (bound
// to TCP and UDP conntrack) never examined, and whose first bytes the
// loosest patterns would claim (an IGMPv3 report starts with 0x22, as an
// NTPv4 client request does).
func carriesAppData(k *decode.FlowKey) bool {
	return k.Kind == decode.FlowUSB || k.IsIP(decode.IPProtoTCP) || k.IsIP(decode.IPProtoUDP) || k.IsIP(decode.IPProtoSCTP)
}

// done reports whether the flow has its final verdict.
func (c *classifier) done() bool { return c.final }

// pattern is what named the flow: the stream's pattern or the probe's,
// nil while classifying or when unknown.
func (c *classifier) pattern() *patterns.Pattern { return c.pat }

// packet accounts one packet of the flow and feeds its payload. It returns
// true when this packet decided the verdict. In one packet the probes and
// the patterns compete by priority, as patterns do among themselves; the
// flow is unknown once neither the stream nor any probe can still match,
// or at the packet limit. The first payload starts matching against set
// with the probes in live (see probesFor): a flow that sent none before
// patterns were reloaded is classified by the new set alone.
func (c *classifier) packet(payload []byte, maxPackets int, set *patterns.Set, live uint32, pool *classPool) bool {
	if c.final {
		return false
	}
	c.packets++
	if c.opaque {
		c.final = true
		return true
	}
	if len(payload) > 0 {
		w := c.work
		if w == nil {
			w = pool.get()
			w.stream, w.probes.live = set.NewStream(), live
			c.work = w
		}
		if room := set.MaxBytes() - int(w.fed); room > 0 {
			w.fed += uint32(min(len(payload), room))
		}
		p := w.probes.examine(payload, set.MaxBytes())
		v := w.stream.Feed(payload)
		switch pat := v.Pattern(); {
		case p != nil && (pat == nil || p.priority <= pat.Priority):
			c.finish(&p.pattern, pool)
		case pat != nil:
			c.finish(pat, pool)
		case v.Done() && (w.probes.live == 0 || int(w.fed) >= set.MaxBytes()):
			// The probes stop at the same budget, so once it is spent
			// nothing can still name the flow. Unknown with the budget
			// spent is the byte limit; a stream no pattern can match
			// any more is not a limit.
			spent := int(w.fed) >= set.MaxBytes()
			c.decide(pool)
			c.limited = c.pat == nil && spent
		}
	}
	if !c.final && int(c.packets) >= maxPackets {
		c.decide(pool)
		c.limited = c.pat == nil
	}
	return c.final
}

// finish makes pat (nil: unknown) the final verdict and gives the
// matching state back.
func (c *classifier) finish(pat *patterns.Pattern, pool *classPool) {
	c.pat, c.final = pat, true
	if c.work != nil {
		pool.put(c.work)
		c.work = nil
	}
}

// decide ends classification without a match in this packet: the
// probes' provisional verdict if one was seen (see probeLikely), else
// unknown.
func (c *classifier) decide(pool *classPool) {
	var pat *patterns.Pattern
	if c.work != nil && c.work.probes.fallback != 0 {
		pat = &probes[c.work.probes.fallback-1].pattern
	}
	c.finish(pat, pool)
}

// end gives a flow that is leaving the table still undecided its final
// verdict (unknown, or the probes' provisional one) and reports whether
// it had none before.
func (c *classifier) end(pool *classPool) bool {
	if c.final {
		return false
	}
	c.decide(pool)
	return true
}

// app is the verdict's name as the UI and reports show it: the protocol,
// "classifying" while undecided, or "unknown".
func (c *classifier) app() string {
	switch {
	case c.pattern() != nil:
		return c.pattern().Name
	case c.final:
		return AppUnknown
	}
	return AppClassifying
}

// Names for the two verdicts that are not protocols.
const (
	AppClassifying = "classifying"
	AppUnknown     = "unknown"
)

// mismatch reports a decided flow whose payload verdict contradicts the
// port-based guess ("SSH on 443").
func (c *classifier) mismatch() bool {
	p := c.pattern()
	return p != nil && c.guess != 0 && !sameProtocol(p.Name, portNames[c.guess])
}

// patternWhere is where a verdict's classifier is defined, as the flows
// view and reports show it: "file:line" of a pattern, the probe's name
// for a structural classifier (whose Line is 0).
func patternWhere(p *patterns.Pattern) string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + itoa(p.Line)
}
