package decode

// Part is one column of a packet's summary, as a packet list shows it:
// a table composes its columns from the parts rather than cutting the
// line apart again, and the line printer prints them joined
// (AppendSummary).
type Part uint8

// The parts of a summary, in the order the line has them.
const (
	// PartPath is the VLAN tags and tunnels the packet came through,
	// outermost first ("vlan 1213 gre 0x00000028"); empty for most.
	PartPath Part = iota
	// PartSource and PartDestination are the innermost conversation's
	// endpoints (as Wireshark's columns show tunnelled packets): address
	// and port, or hardware addresses; either may be empty.
	PartSource
	PartDestination
	// PartProtocol names what the rest of the line is about ("TCP",
	// "HTTP", "ARP"); empty for a frame of an ethertype not opened.
	PartProtocol
	// PartInfo is what that protocol's header or message says, with any
	// decoding problem after it.
	PartInfo
	numParts
)

// Span is where a part lies in a summary line: line[Off:End].
type Span struct{ Off, End int }

// SummaryParts are the spans of each part in the line
// AppendSummaryParts appended; an absent part has an empty span.
type SummaryParts [numParts]Span

// Of returns part's bytes in line, the slice AppendSummaryParts returned.
func (s *SummaryParts) Of(line []byte, part Part) []byte {
	sp := s[part]
	return line[sp.Off:sp.End]
}

// protoInfo marks a protocol name of n bytes at off, and the info after
// it and a space, up to the end of line.
func (s *SummaryParts) protoInfo(line []byte, off, n int) {
	s[PartProtocol] = Span{off, off + n}
	s[PartInfo] = Span{min(off+n+1, len(line)), len(line)}
}

// AppendSummary appends the packet's one-line summary, in the spirit of
// tcpdump's and tshark's lines, e.g.
//
//	192.168.0.240:51034 → 72.14.213.99:80 TCP [S] seq=1 win=64240 len=0
//	02:00:00:00:00:01 → ff:ff:ff:ff:ff:ff ARP who-has 10.1.1.99 tell 10.1.1.1
//	USB 2.28.0 host→dev CONTROL Submit GET_DESCRIPTOR DEVICE
//
// A tunnelled packet shows its inner conversation after the tunnels it
// came through, outermost first:
//
//	vlan 1213 gre 0x00000028 172.17.1.54 → 172.17.1.55 ICMP echo-request id=1 seq=0
//
// The line is its parts (AppendSummaryParts) joined by spaces, with " → "
// between the endpoints. It allocates nothing when dst has room, so it
// can run for every packet.
func (p *Packet) AppendSummary(dst []byte) []byte {
	dst, _ = p.AppendSummaryParts(dst)
	return dst
}

// AppendSummaryParts appends the summary line AppendSummary does and says
// where each of its parts lies in it, so a table can put them in columns.
func (p *Packet) AppendSummaryParts(dst []byte) ([]byte, SummaryParts) {
	var s SummaryParts
	off := len(dst)
	for i := 0; i < p.NumEncap; i++ {
		dst = p.Encap[i].appendVLANs(dst)
		dst = p.Encap[i].appendTunnel(dst)
	}
	dst = p.appendVLANs(dst)
	// Every marker ends in a space, which separates the path from the rest.
	s[PartPath] = Span{off, max(len(dst)-1, off)}
	off = len(dst)
	switch {
	case p.Has(LayerUSB) || p.Has(LayerUSBPcap):
		dst = p.appendUSBSummary(dst)
		s.protoInfo(dst, off, len("USB"))
	case p.Has(LayerARP):
		dst = p.appendARPSummary(dst, &s)
	case p.Has(LayerIPv4) || p.Has(LayerIPv6):
		dst = p.appendIPSummary(dst, &s)
	case p.Has(LayerSLARP):
		dst = append(dst, "SLARP "...)
		dst = append(dst, slarpName(p.SLARP.Type)...)
		s.protoInfo(dst, off, len("SLARP"))
	case p.Has(LayerPPPoE) && !p.PPPoE.Session:
		dst = p.appendLinkEndpoints(dst, &s)
		off = len(dst) + 1
		dst = append(dst, " PPPoE discovery code="...)
		dst = appendHex(dst, uint64(p.PPPoE.Code), 2)
		s.protoInfo(dst, off, len("PPPoE"))
	case p.Has(LayerPPP):
		dst = append(dst, "PPP protocol "...)
		dst = appendHex(dst, uint64(p.PPP.Protocol), 4)
		s.protoInfo(dst, off, len("PPP"))
	case p.Has(LayerCHDLC):
		dst = append(dst, "C_HDLC protocol "...)
		dst = appendHex(dst, uint64(p.CHDLC.Protocol), 4)
		s.protoInfo(dst, off, len("C_HDLC"))
	case p.Has(LayerLLC):
		dst = p.appendLinkEndpoints(dst, &s)
		off = len(dst) + 1
		dst = append(dst, " LLC len="...)
		dst = appendUint(dst, uint64(p.Payload.Len))
		s.protoInfo(dst, off, len("LLC"))
	case p.Has(LayerEthernet) || p.Has(LayerSLL) || p.Has(LayerSLL2):
		dst = p.appendLinkEndpoints(dst, &s)
		// No protocol above the link layer was opened: the info names
		// the ethertype.
		off = len(dst) + 1
		dst = append(dst, " ethertype "...)
		dst = appendHex(dst, uint64(p.ethertype()), 4)
		s[PartProtocol] = Span{off, off}
		s[PartInfo] = Span{off, len(dst)}
	default:
		if p.LinkType.Supported() {
			dst = append(dst, p.LinkType.String()...)
		} else {
			dst = append(dst, "LINKTYPE_"...)
			dst = appendUint(dst, uint64(p.LinkType))
		}
		n := len(dst) - off
		dst = append(dst, " len="...)
		dst = appendUint(dst, uint64(p.WireLen))
		s.protoInfo(dst, off, n)
	}
	if !p.Problem.OK() {
		dst = append(dst, " [malformed: "...)
		dst = p.Problem.AppendTo(dst)
		dst = append(dst, ']')
		s[PartInfo].End = len(dst)
	}
	return dst, s
}

// ethertype is the protocol the link layer names for its payload.
func (p *Packet) ethertype() uint16 {
	switch {
	case p.NumVLAN > 0:
		return p.VLAN[p.NumVLAN-1].Type
	case p.Has(LayerSLL) || p.Has(LayerSLL2):
		return p.SLL.Protocol
	}
	return p.Eth.Type
}

// appendLinkEndpoints appends the frame's hardware addresses, marking
// them in s: both for Ethernet, the sender's alone for SLL, else the link
// type's name in the source's place.
func (p *Packet) appendLinkEndpoints(dst []byte, s *SummaryParts) []byte {
	off := len(dst)
	switch {
	case p.Has(LayerEthernet):
		return s.appendMACs(dst, p.Eth.Src[:], p.Eth.Dst[:])
	case p.SLL.HasMAC():
		dst = appendMAC(dst, p.SLL.Addr[:6])
	default:
		dst = append(dst, p.LinkType.String()...)
	}
	s[PartSource] = Span{off, len(dst)}
	s[PartDestination] = Span{len(dst), len(dst)}
	return dst
}

// appendMACs appends "src → dst", marking both in s.
func (s *SummaryParts) appendMACs(dst, src, to []byte) []byte {
	off := len(dst)
	dst = appendMAC(dst, src)
	s[PartSource] = Span{off, len(dst)}
	dst = append(dst, " → "...)
	off = len(dst)
	dst = appendMAC(dst, to)
	s[PartDestination] = Span{off, len(dst)}
	return dst
}

// appendARPSummary appends the endpoints first, as every other summary
// has them (and as Wireshark's Source and Destination show ARP): the
// frame's, else the message's own hardware addresses; then the message.
func (p *Packet) appendARPSummary(dst []byte, s *SummaryParts) []byte {
	a := &p.ARP
	smac, okSMAC := a.SenderMAC(p.Data)
	tmac, okTMAC := a.TargetMAC(p.Data)
	switch {
	case p.Has(LayerEthernet):
		dst = p.appendLinkEndpoints(dst, s)
		dst = append(dst, ' ')
	case okSMAC && okTMAC:
		dst = s.appendMACs(dst, smac, tmac)
		dst = append(dst, ' ')
	}
	off := len(dst)
	dst = p.appendARPMessage(dst)
	s.protoInfo(dst, off, len(a.name()))
	return dst
}

// name is what tcpdump calls the message: ARP, or RARP for its reverse
// operations.
func (a *ARP) name() string {
	if a.Op == RARPRequest || a.Op == RARPReply {
		return "RARP"
	}
	return "ARP"
}

// appendARPMessage appends what the ARP message says, as tcpdump puts it.
func (p *Packet) appendARPMessage(dst []byte) []byte {
	a := &p.ARP
	dst = append(dst, a.name()...)
	sip, okSIP := a.SenderIP(p.Data)
	tip, okTIP := a.TargetIP(p.Data)
	smac, okSMAC := a.SenderMAC(p.Data)
	tmac, okTMAC := a.TargetMAC(p.Data)
	switch {
	case a.Op == ARPRequest && okSIP && okTIP:
		dst = append(dst, " who-has "...)
		dst = appendIPv4(dst, tip)
		dst = append(dst, " tell "...)
		return appendIPv4(dst, sip)
	case a.Op == ARPReply && okSIP && okSMAC:
		dst = append(dst, ' ')
		dst = appendIPv4(dst, sip)
		dst = append(dst, " is-at "...)
		return appendMAC(dst, smac)
	case a.Op == RARPRequest && okTMAC:
		dst = append(dst, " who-is "...)
		return appendMAC(dst, tmac)
	case a.Op == RARPReply && okTMAC && okTIP:
		dst = append(dst, ' ')
		dst = appendMAC(dst, tmac)
		dst = append(dst, " at "...)
		return appendIPv4(dst, tip)
	}
	dst = append(dst, " opcode "...)
	return appendUint(dst, uint64(a.Op))
}

// appendEndpoint appends an address and, when port >= 0, ":port" (with
// brackets around IPv6 addresses, as in URLs).
func appendEndpoint(dst []byte, v6 bool, a4 [4]byte, a6 [16]byte, port int) []byte {
	switch {
	case !v6:
		dst = appendIPv4(dst, a4[:])
	case port >= 0:
		dst = append(dst, '[')
		dst = appendIPv6(dst, a6)
		dst = append(dst, ']')
	default:
		dst = appendIPv6(dst, a6)
	}
	if port >= 0 {
		dst = append(dst, ':')
		dst = appendUint(dst, uint64(port))
	}
	return dst
}

// appendIPSummary prints the conversation of the innermost level: the
// tunnelled one when there is a tunnel, since that is what the user is
// after.
func (p *Packet) appendIPSummary(dst []byte, s *SummaryParts) []byte {
	v6 := !p.Has(LayerIPv4)
	sport, dport := -1, -1
	if !p.Quoted {
		switch {
		case p.Has(LayerTCP):
			sport, dport = int(p.TCP.SrcPort), int(p.TCP.DstPort)
		case p.Has(LayerUDP):
			sport, dport = int(p.UDP.SrcPort), int(p.UDP.DstPort)
		}
	}
	off := len(dst)
	dst = appendEndpoint(dst, v6, p.IPv4.Src, p.IPv6.Src, sport)
	s[PartSource] = Span{off, len(dst)}
	dst = append(dst, " → "...)
	off = len(dst)
	dst = appendEndpoint(dst, v6, p.IPv4.Dst, p.IPv6.Dst, dport)
	s[PartDestination] = Span{off, len(dst)}
	off = len(dst) + 1 // after the space each case starts with
	if d := p.appDissector(); d != nil && !p.Quoted {
		dst = append(dst, ' ')
		dst = append(dst, d.layer.String()...)
		n := len(dst) - off
		dst = append(dst, ' ')
		dst = d.info(p, dst)
		s.protoInfo(dst, off, n)
		return dst
	}
	var proto int // the protocol name's length
	switch {
	case p.Has(LayerESP):
		dst = append(dst, " ESP spi="...)
		dst = appendHex(dst, uint64(p.ESP.SPI), 8)
		dst = append(dst, " seq="...)
		dst, proto = appendUint(dst, uint64(p.ESP.Seq)), len("ESP")
	case p.Has(LayerGRE):
		// A GRE header whose payload is not opened (keepalive, CDP,
		// ERSPAN III of a non-Ethernet frame type).
		dst = append(dst, " GRE proto "...)
		dst, proto = appendHex(dst, uint64(p.GRE.Protocol), 4), len("GRE")
	case p.Has(LayerTCP) && !p.Quoted && p.App.Pending:
		dst, proto = append(p.appendTCPSummary(dst), " [segment of a reassembled message]"...), len("TCP")
	case p.Has(LayerTCP) && !p.Quoted:
		dst, proto = p.appendTCPSummary(dst), len("TCP")
	case p.Has(LayerUDP) && !p.Quoted:
		dst = append(dst, " UDP len="...)
		dst, proto = appendUint(dst, uint64(p.Payload.Len)), len("UDP")
	case p.Has(LayerICMPv4) || p.Has(LayerICMPv6):
		dst, proto = p.appendICMPSummary(dst), len(p.ICMP.name())
	case p.Has(LayerIPv4) && p.IPv4.IsFragment():
		dst = append(dst, " IPv4 fragment id="...)
		dst = appendHex(dst, uint64(p.IPv4.ID), 4)
		dst = append(dst, " off="...)
		dst = appendUint(dst, uint64(p.IPv4.FragOff)*8)
		if p.IPv4.Flags&IPv4MF != 0 {
			dst = append(dst, " +"...)
		}
		proto = len("IPv4")
	default:
		// A protocol number l7sniff does not open.
		dst, proto = append(dst, " IP proto "...), len("IP")
		if v6 {
			dst = appendUint(dst, uint64(p.IPv6.Transport))
		} else {
			dst = appendUint(dst, uint64(p.IPv4.Protocol))
		}
	}
	s.protoInfo(dst, off, proto)
	return dst
}

// tcpFlagLetters are tcpdump's flag letters, lowest bit first.
var tcpFlagLetters = [...]struct {
	bit    uint16
	letter byte
}{
	{TCPSyn, 'S'}, {TCPFin, 'F'}, {TCPRst, 'R'}, {TCPPsh, 'P'}, {TCPUrg, 'U'},
	{TCPEce, 'E'}, {TCPCwr, 'W'}, {TCPAE, 'e'}, {TCPAck, '.'},
}

// AppendTCPFlags appends the flags as tcpdump letters: S F R P U E W, "."
// for ACK (so "S." is a SYN-ACK), "e" for AE.
func AppendTCPFlags(dst []byte, flags uint16) []byte {
	for _, f := range tcpFlagLetters {
		if flags&f.bit != 0 {
			dst = append(dst, f.letter)
		}
	}
	return dst
}

func (p *Packet) appendTCPSummary(dst []byte) []byte {
	t := &p.TCP
	dst = append(dst, " TCP ["...)
	dst = AppendTCPFlags(dst, t.Flags)
	dst = append(dst, "] seq="...)
	dst = appendUint(dst, uint64(t.Seq))
	if t.Flags&TCPAck != 0 {
		dst = append(dst, " ack="...)
		dst = appendUint(dst, uint64(t.Ack))
	}
	dst = append(dst, " win="...)
	dst = appendUint(dst, uint64(t.Window))
	if t.Opts&OptMSS != 0 {
		dst = append(dst, " mss="...)
		dst = appendUint(dst, uint64(t.MSS))
	}
	if t.Opts&OptWScale != 0 {
		dst = append(dst, " ws="...)
		dst = appendUint(dst, uint64(t.WScale))
	}
	dst = append(dst, " len="...)
	return appendInt(dst, int64(max(t.SegLen, 0)))
}

func (p *Packet) appendICMPSummary(dst []byte) []byte {
	c := &p.ICMP
	dst = append(dst, ' ')
	dst = append(dst, c.name()...)
	dst = append(dst, ' ')
	if name := c.TypeName(); name != "" {
		dst = append(dst, name...)
	} else {
		dst = append(dst, "type "...)
		dst = appendUint(dst, uint64(c.Type))
	}
	if code := c.CodeName(); code != "" {
		dst = append(dst, " ("...)
		dst = append(dst, code...)
		dst = append(dst, ')')
	}
	if c.IsEcho() {
		dst = append(dst, " id="...)
		dst = appendUint(dst, uint64(c.ID))
		dst = append(dst, " seq="...)
		dst = appendUint(dst, uint64(c.Seq))
	}
	if p.Quoted && (p.Has(LayerTCP) || p.Has(LayerUDP)) {
		dst = append(dst, " for "...)
		dst = p.appendQuotedFlow(dst)
	}
	return dst
}

// name is the protocol's name: ICMP, or ICMPv6.
func (c *ICMP) name() string {
	if c.V6 {
		return "ICMPv6"
	}
	return "ICMP"
}

// appendQuotedFlow names the flow an ICMP error is about.
func (p *Packet) appendQuotedFlow(dst []byte) []byte {
	in := &p.Inner
	v6 := in.Version == 6
	proto, sport, dport := " UDP", int(p.UDP.SrcPort), int(p.UDP.DstPort)
	if p.Has(LayerTCP) {
		proto, sport, dport = " TCP", int(p.TCP.SrcPort), int(p.TCP.DstPort)
	}
	dst = appendEndpoint(dst, v6, in.V4.Src, in.V6.Src, sport)
	dst = append(dst, " → "...)
	dst = appendEndpoint(dst, v6, in.V4.Dst, in.V6.Dst, dport)
	return append(dst, proto...)
}
