package engine

import (
	"l7sniff/decode"
	"l7sniff/patterns"
)

// classifier is a flow's classification: the l7-filter policy around a
// patterns.Stream. Every packet of the flow counts towards the packet
// limit, handshake and bare ACKs included, as in l7-filter; the stream
// enforces the byte budget.
type classifier struct {
	stream  patterns.Stream
	verdict patterns.Verdict
	packets uint16
	started bool // the stream was fed payload (so it is tied to its set)
	opaque  bool // the flow carries no application data (carriesAppData)
	limited bool // gave up at the packet limit with no verdict
	guess   uint16
}

// start begins classifying against set with the port-based guess g.
// A flow whose payload is not application data (see carriesAppData) is
// decided "unknown" by its first packet.
func (c *classifier) start(set *patterns.Set, g uint16, appData bool) {
	*c = classifier{stream: set.NewStream(), guess: g, opaque: !appData}
}

// carriesAppData reports whether a flow's payload is what patterns
// describe: TCP, UDP and SCTP payloads and USB transfers. ICMP, IGMP and
// the other IP protocols carry control messages, which l7-filter (bound
// to TCP and UDP conntrack) never examined, and whose first bytes the
// loosest patterns would claim (an IGMPv3 report starts with 0x22, as an
// NTPv4 client request does).
func carriesAppData(k *decode.FlowKey) bool {
	return k.Kind == decode.FlowUSB || k.Proto == decode.IPProtoTCP || k.Proto == decode.IPProtoUDP || k.Proto == decode.IPProtoSCTP
}

// packet accounts one packet of the flow and feeds its payload. It returns
// true when this packet decided the verdict.
func (c *classifier) packet(payload []byte, maxPackets int, set *patterns.Set) bool {
	if c.verdict.Done() {
		return false
	}
	if !c.started && c.stream.Set() != set {
		// Patterns were reloaded before this flow sent any payload: it
		// can move to the new set without losing anything.
		c.stream = set.NewStream()
	}
	c.packets++
	if c.opaque {
		c.verdict = c.stream.GiveUp()
		return true
	}
	if len(payload) > 0 {
		c.started = true
		c.verdict = c.stream.Feed(payload)
	}
	if !c.verdict.Done() && int(c.packets) >= maxPackets {
		c.verdict = c.stream.GiveUp()
		c.limited = c.verdict.Unknown()
	}
	return c.verdict.Done()
}

// App is the verdict's name as the UI and reports show it: the protocol,
// "classifying" while undecided, or "unknown".
func (c *classifier) app() string {
	switch {
	case c.verdict.Pattern() != nil:
		return c.verdict.Pattern().Name
	case c.verdict.Done():
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
	p := c.verdict.Pattern()
	return p != nil && c.guess != 0 && !sameProtocol(p.Name, portNames[c.guess])
}
