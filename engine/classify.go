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
type classifier struct {
	stream  patterns.Stream
	verdict patterns.Verdict // the stream's
	// found is the probe that decided the flow (nil: none did; the
	// verdict is the stream's).
	found   *probe
	probes  probeState
	packets uint16
	fed     uint32 // payload bytes fed, for telling the byte limit apart
	final   bool   // the verdict is decided
	started bool   // the stream was fed payload (so it is tied to its set)
	opaque  bool   // the flow carries no application data (carriesAppData)
	limited bool   // gave up at the packet or byte limit with no verdict
	guess   uint16
}

// start begins classifying against set with the port-based guess g and
// the probes in live (see probesFor). A flow whose payload is not
// application data (see carriesAppData) is decided "unknown" by its
// first packet.
func (c *classifier) start(set *patterns.Set, g uint16, appData bool, live uint32) {
	*c = classifier{stream: set.NewStream(), guess: g, opaque: !appData}
	c.probes.live = live
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
func (c *classifier) pattern() *patterns.Pattern {
	if c.found != nil {
		return &c.found.pattern
	}
	return c.verdict.Pattern()
}

// packet accounts one packet of the flow and feeds its payload. It returns
// true when this packet decided the verdict. In one packet the probes and
// the patterns compete by priority, as patterns do among themselves; the
// flow is unknown once neither the stream nor any probe can still match,
// or at the packet limit.
func (c *classifier) packet(payload []byte, maxPackets int, set *patterns.Set) bool {
	if c.final {
		return false
	}
	if !c.started && c.stream.Set() != set {
		// Patterns were reloaded before this flow sent any payload: it
		// can move to the new set without losing anything.
		c.stream = set.NewStream()
		c.probes.reload(set)
	}
	c.packets++
	if c.opaque {
		c.verdict = c.stream.GiveUp()
		c.final = true
		return true
	}
	if len(payload) > 0 {
		c.started = true
		if room := set.MaxBytes() - int(c.fed); room > 0 {
			c.fed += uint32(min(len(payload), room))
		}
		p := c.probes.examine(payload, set.MaxBytes())
		c.verdict = c.stream.Feed(payload)
		switch pat := c.verdict.Pattern(); {
		case p != nil && (pat == nil || p.priority <= pat.Priority):
			c.found = p
			c.final = true
		case pat != nil:
			c.final = true
		case c.verdict.Done() && (c.probes.live == 0 || int(c.fed) >= set.MaxBytes()):
			// The probes stop at the same budget, so once it is spent
			// nothing can still name the flow. Unknown with the budget
			// spent is the byte limit; a stream no pattern can match
			// any more is not a limit.
			c.decide()
			c.limited = c.pattern() == nil && int(c.fed) >= set.MaxBytes()
		}
	}
	if !c.final && int(c.packets) >= maxPackets {
		c.decide()
		c.limited = c.pattern() == nil
	}
	return c.final
}

// decide ends classification without a match in this packet: the
// probes' provisional verdict if one was seen (see probeLikely), else
// unknown.
func (c *classifier) decide() {
	c.verdict = c.stream.GiveUp()
	if c.verdict.Pattern() == nil && c.probes.fallback != 0 {
		c.found = &probes[c.probes.fallback-1]
	}
	c.final = true
}

// end gives a flow that is leaving the table still undecided its final
// verdict (unknown, or the probes' provisional one) and reports whether
// it had none before.
func (c *classifier) end() bool {
	if c.final {
		return false
	}
	c.decide()
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
