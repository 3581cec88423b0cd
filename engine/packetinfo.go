package engine

// PacketInfo is what the engine knows of a packet beyond its headers: the
// flow it belongs to and that flow's classification at that moment.
type PacketInfo struct {
	FlowID    uint64 // 0 when the packet has no flow
	App       string // verdict: protocol name, "classifying" or "unknown"
	PortGuess string // protocol the ports suggest, "" if none
	// TCPStream and UDPStream number the packet's conversation from 0 in
	// order of first appearance, as tshark's tcp.stream and udp.stream;
	// -1 when the packet is not TCP (UDP).
	TCPStream, UDPStream int
	// Relative and Delta are the time since the first packet and since
	// the previous one, in nanoseconds (tshark's frame.time_relative and
	// frame.time_delta); HasTime is false when the engine did not set them.
	Relative, Delta int64
	HasTime         bool
	// Host, HostSource, Service and ALPN are the flow's identity known
	// when the packet was processed (see FlowView); ALPN is the protocol
	// the server chose, or the client's offer until it has.
	Host, HostSource, Service, ALPN string
}

// frameClock tracks the first and the previous packet's time.
type frameClock struct {
	started     bool
	first, prev int64
}

func (c *frameClock) packet(ts int64, info *PacketInfo) {
	if !c.started {
		c.started, c.first, c.prev = true, ts, ts
	}
	info.Relative, info.Delta, info.HasTime = ts-c.first, ts-c.prev, true
	c.prev = ts
}

// streamNumbers numbers TCP (kind 0) and UDP (1) conversations in the
// order the collector first delivers one of their packets. The number is
// kept in the flow's verdict cell, so it costs no memory of its own.
type streamNumbers struct {
	next [2]int
}

func (s *streamNumbers) number(c *verdictCell, kind int) int {
	if c.stream == 0 {
		s.next[kind]++
		c.stream = s.next[kind]
	}
	return c.stream - 1
}
