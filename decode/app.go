package decode

// The application layer. After TCP or UDP, Decode picks one dissector for
// the payload (by port as tshark 4.0 does by default, confirmed by a look
// at the content, or by content alone for the protocols tshark detects
// heuristically) and runs it. The dissector decodes into its part of
// Packet.App, preallocated fixed-size state, so this allocates nothing.
//
// A TCP message split over segments is put back together by the engine,
// which owns the per-flow state (engine/reassembly.go), and handed to
// DecodeStream: the segment that completes a message carries it whole, the
// segments before it are Pending and carry none, as in tshark's default
// view.

// App is a packet's application layer.
type App struct {
	// Layer is the dissector that decoded Data, LayerNone when none did.
	Layer Layer
	// Data is the bytes the dissector decoded: the frame's payload, or
	// the reassembled messages that end in this frame. Offsets held in the
	// dissectors' state below are offsets into Data, which is the one
	// part of a Packet that may point outside Packet.Data.
	Data []byte
	// base is the offset in Packet.Data of Data[0]; it is negative when
	// reassembled bytes came in earlier frames.
	base int
	// Reassembled is set when Data holds bytes of earlier segments.
	Reassembled bool
	// Pending is set when this segment's payload belongs to a message a
	// later segment completes; nothing is dissected then.
	Pending bool

	DNS  DNS
	HTTP HTTP

	// app-tls: TLS, DTLS and QUIC state go below this line.
	TLS  TLS
	QUIC QUIC
	// conn is the flow's state for the stateful dissectors (TLS, QUIC),
	// from Stream.Conn; nil when the caller keeps none.
	conn *AppConn
	// scratch state used when there is no conn, kept to reuse buffers.
	tlsScratch  TLSConn
	quicScratch QUICConn

	// app-misc: SSH, DHCP, NTP, SIP and mail state go below this line.
	Misc Misc
}

// Stream is what the engine's TCP reassembly says about one segment. Its
// zero value means "dissect the segment's own payload".
type Stream struct {
	// Pending: the payload starts or continues a message that a later
	// segment completes.
	Pending bool
	// Data, when not nil, is dissected instead of the payload: whole
	// messages, the last of them ending in this segment.
	Data []byte
	// Here is the offset in Data of this segment's first payload byte;
	// the bytes before it came in earlier segments.
	Here int
	// Conn is the flow's state for the stateful dissectors (TLS's
	// negotiated version, QUIC's connection IDs, Initial keys and CRYPTO
	// stream). The caller keeps one per flow and decodes its packets in
	// order; nil decodes each packet on its own.
	Conn *AppConn
}

// Range converts a span of App.Data into the part of it that lies in
// this frame's payload, the bytes a hex dump of the frame can highlight.
// A span wholly in earlier segments has length 0.
func (a *App) Range(p *Packet, off, n int) Range {
	lo, hi := a.base+off, a.base+off+n
	lo = max(lo, p.Payload.Off)
	hi = min(hi, p.Payload.End())
	if hi <= lo {
		return Range{Off: max(min(lo, p.Payload.End()), 0)}
	}
	return Range{lo, hi - lo}
}

// Bytes returns App.Data[off:off+n], clipped to Data.
func (a *App) Bytes(off, n int) []byte {
	off = min(max(off, 0), len(a.Data))
	return a.Data[off:min(off+max(n, 0), len(a.Data))]
}

// dissector is one application protocol's entry in the registry.
type dissector struct {
	layer Layer
	// tcpPorts and udpPorts are the ports tshark 4.0 gives the protocol
	// by default.
	tcpPorts, udpPorts []uint16
	// sniff reports whether b, the first bytes of a message, can be this
	// protocol: on the protocol's own ports it runs when sniff is nil or
	// true. heuristic, when set, is the stricter check that claims b on
	// any other port, as tshark's heuristic dissectors do.
	sniff func(b []byte, tcp bool) bool
	// cut says the payload is shorter than its transport header claims
	// (an IP fragment, the snap length).
	heuristic func(b []byte, tcp, cut bool) bool
	// split tells TCP reassembly how much of b (one direction's bytes,
	// starting at a message) forms whole messages and whether the rest
	// starts a message that needs more bytes. nil: each segment stands
	// alone.
	split func(b []byte) (whole int, more bool)
	// dissect decodes p.App.Data into the protocol's state in p.App. It
	// records problems with p.fail(layer, ...).
	dissect func(p *Packet, tcp bool)
	// info appends the Info column text (tshark's, in spirit).
	info func(p *Packet, dst []byte) []byte
	// tree adds one depth-0 node per message, its fields beneath.
	tree func(t *treeBuilder)
	// fields are the protocol's -T fields names.
	fields []Field
}

// The registry. register fills it from the dissectors' init functions;
// after that it is read-only, so the hot path reads it without a lock.
var (
	dissectors []*dissector
	tcpPortApp [1 << 16]uint8 // index+1 into dissectors, 0 for none
	udpPortApp [1 << 16]uint8
)

// register adds a dissector. Each dissector file calls it from init.
func register(d *dissector) {
	dissectors = append(dissectors, d)
	for i := range d.fields {
		d.fields[i].app = true
	}
	i := uint8(len(dissectors))
	for _, port := range d.tcpPorts {
		tcpPortApp[port] = i
	}
	for _, port := range d.udpPorts {
		udpPortApp[port] = i
	}
}

// byPort returns the dissector registered for a port.
func byPort(tcp bool, port uint16) *dissector {
	i := udpPortApp[port]
	if tcp {
		i = tcpPortApp[port]
	}
	if i == 0 {
		return nil
	}
	return dissectors[i-1]
}

// selectApp picks the dissector for b: the lower port's first, then the
// other port's (tshark's order), then the heuristic ones.
func selectApp(tcp bool, sport, dport uint16, b []byte, cut bool) *dissector {
	if len(b) == 0 {
		return nil
	}
	lo, hi := min(sport, dport), max(sport, dport)
	for _, port := range [2]uint16{lo, hi} {
		if d := byPort(tcp, port); d != nil && (d.sniff == nil || d.sniff(b, tcp)) {
			return d
		}
	}
	if !tcp && (foreignUDPPort(lo) || foreignUDPPort(hi)) {
		return nil
	}
	for _, d := range dissectors {
		if d.heuristic != nil && d.heuristic(b, tcp, cut) {
			return d
		}
	}
	return nil
}

// foreignUDPPorts are UDP ports tshark 4.0 gives to dissectors l7sniff
// does not have. tshark's heuristics only run when the port's dissector
// refuses a datagram, which these do not, so l7sniff's do not run there
// either: NetBIOS name service, for one, is DNS-shaped.
var foreignUDPPorts = [...]uint16{
	137, 138, // NetBIOS name and datagram services
	161, 162, // SNMP
	500, 4500, // ISAKMP
	514,        // syslog
	520,        // RIP
	1812, 1813, // RADIUS
	3478, // STUN
}

func foreignUDPPort(port uint16) bool {
	for _, p := range foreignUDPPorts {
		if p == port {
			return true
		}
	}
	return false
}

// TCPMessages tells the engine's reassembly how much of b, application
// bytes of one direction of a TCP connection starting at a message
// boundary, forms whole messages (whole) and whether the rest starts a
// message that is still missing bytes (more). claimed says whether a
// dissector took b; bytes none claims are whole: never held back.
func TCPMessages(sport, dport uint16, b []byte) (whole int, more, claimed bool) {
	d := selectApp(true, sport, dport, b, false)
	if d == nil || d.split == nil {
		return len(b), false, d != nil
	}
	whole, more = d.split(b)
	return whole, more, true
}

// TCPPortsDissected reports whether a dissector is registered for either
// port: if not, only a heuristic can claim the connection's payloads.
func TCPPortsDissected(sport, dport uint16) bool {
	return tcpPortApp[sport] != 0 || tcpPortApp[dport] != 0
}

// decodeApp runs the dissector for the frame's payload, or for what the
// engine reassembled.
func (p *Packet) decodeApp(s *Stream) { p.dissectApp(s, ^LayerSet(0)) }

// dissectApp is decodeApp running only the dissectors in run: one outside
// it that the payload goes to is named in App.Layer but not run.
func (p *Packet) dissectApp(s *Stream, run LayerSet) {
	a := &p.App
	a.Layer, a.Data, a.base, a.Reassembled, a.Pending = LayerNone, nil, 0, false, false
	a.conn = nil // a quoted datagram is someone else's flow: no state
	var tcp, cut bool
	var sport, dport uint16
	switch {
	case p.Quoted:
		q := p.quotedPayload
		if o := p.UDP.Off + udpLen; q.Len == 0 && p.Has(LayerUDP) && o < len(p.Data) && sniffQUIC(p.Data[o:], false) {
			// app-tls: tshark dissects a QUIC header the quote cuts short
			// too (its version and connection IDs count).
			q = Range{o, len(p.Data) - o}
		}
		if q.Len > 0 && (s == nil || s.Data == nil && !s.Pending) {
			p.decodeQuotedApp(q)
		}
		return
	case p.Has(LayerTCP):
		tcp, sport, dport = true, p.TCP.SrcPort, p.TCP.DstPort
		cut = p.TCP.SegLen > p.Payload.Len
	case p.Has(LayerUDP):
		sport, dport = p.UDP.SrcPort, p.UDP.DstPort
		cut = int(p.UDP.Length)-udpLen > p.Payload.Len
	default:
		return
	}
	a.Data, a.base = p.PayloadBytes(), p.Payload.Off
	if s != nil {
		a.conn = s.Conn
		if s.Pending {
			a.Data, a.Pending = nil, true
			return
		}
		if s.Data != nil {
			a.Data, a.base, a.Reassembled = s.Data, p.Payload.Off-s.Here, s.Here > 0
		}
	}
	d := selectApp(tcp, sport, dport, a.Data, cut && !a.Reassembled)
	if c := a.conn; c != nil && len(a.Data) > 0 {
		if c.layer != LayerNone && (d == nil || d.layer != c.layer) {
			d = dissectorFor(c.layer)
		}
		defer c.sawPayload()
	}
	if d == nil {
		a.Data = nil
		return
	}
	a.Layer = d.layer
	p.Layers.add(d.layer)
	if run.Has(d.layer) {
		d.dissect(p, tcp)
	}
}

// decodeQuotedApp dissects the UDP payload an ICMP error quotes. The
// quote is cut short by design, so what the dissector finds wrong with
// it is not the frame's problem.
func (p *Packet) decodeQuotedApp(q Range) {
	a := &p.App
	a.Data, a.base = p.Data[q.Off:q.End()], q.Off
	d := selectApp(false, p.UDP.SrcPort, p.UDP.DstPort, a.Data, true)
	if d == nil {
		a.Data = nil
		return
	}
	saved := p.Problem
	a.Layer = d.layer
	p.Layers.add(d.layer)
	d.dissect(p, false)
	p.Problem = saved
}

// appDissector returns the dissector that decoded the packet, if any.
func (p *Packet) appDissector() *dissector { return dissectorFor(p.App.Layer) }

// dissectorFor returns layer l's dissector, nil for none.
func dissectorFor(l Layer) *dissector {
	if l == LayerNone {
		return nil
	}
	for _, d := range dissectors {
		if d.layer == l {
			return d
		}
	}
	return nil
}

// AppendInfo appends the application message's Info text (tshark's Info
// column, e.g. "Standard query 0x1234 A example.com") and reports whether
// there was one.
func (p *Packet) AppendInfo(dst []byte) ([]byte, bool) {
	d := p.appDissector()
	if d == nil {
		return dst, false
	}
	return d.info(p, dst), true
}

// Transport is what a caller that decoded a packet's headers before
// (the engine's capture stage) knows of its TCP or UDP layer: enough for
// DecodeApp to dissect the payload without decoding the headers again.
type Transport struct {
	TCP              bool
	SrcPort, DstPort uint16
	// Seq is the TCP sequence number, SegLen the TCP payload's length on
	// the wire (more than Payload.Len when the capture cut it short).
	Seq    uint32
	SegLen int
	// FromA is the packet's direction in its flow.
	FromA bool
	// Payload is the transport's payload in the frame.
	Payload Range
	// Dissect, when not 0, is the dissectors to run: one outside it that
	// the payload goes to is named in p.App.Layer but not run, so its
	// part of p.App is left as an earlier packet left it (read none of
	// it). A reader that wants a few protocols' messages skips the cost
	// of the others.
	Dissect LayerSet
}

// DecodeApp is DecodeStream for a packet whose headers are already
// known: it runs only the application dissector, over t's payload, and
// fills p's application layer as DecodeStream would. Of the headers p
// holds only the transport's ports (and TCP's sequence numbers), the
// payload and the direction; it is for readers of p.App, not for a field
// tree or field output. Decoding a frame's link, IP and transport headers
// again for each dissected packet was half the cost of naming short
// flows.
func DecodeApp(lt LinkType, data []byte, wireLen int, t *Transport, p *Packet, s *Stream) {
	p.reset(lt, data, wireLen)
	if t.Payload.Off < 0 || t.Payload.End() > len(data) || t.Payload.Len < 0 {
		p.fail(LayerNone, Malformed, t.Payload.End(), len(data))
		return
	}
	p.Payload, p.FromA = t.Payload, t.FromA
	if t.TCP {
		p.Layers.add(LayerTCP)
		p.TCP.SrcPort, p.TCP.DstPort = t.SrcPort, t.DstPort
		p.TCP.Seq, p.TCP.SegLen = t.Seq, t.SegLen
	} else {
		p.Layers.add(LayerUDP)
		p.UDP.SrcPort, p.UDP.DstPort = t.SrcPort, t.DstPort
		// The UDP header ends where its payload starts; its length says
		// whether the capture cut the datagram short.
		p.UDP.Off, p.UDP.Length = t.Payload.Off-udpLen, uint16(udpLen+t.Payload.Len)
		if o := p.UDP.Off; o >= 0 {
			p.UDP.Length = be.Uint16(data[o+4:])
		}
	}
	run := t.Dissect
	if run == 0 {
		run = ^LayerSet(0)
	}
	p.dissectApp(s, run)
}
