package decode

// TCP is a TCP header with its options summarised.
type TCP struct {
	Off              int
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	HdrLen           int    // data offset in bytes
	Flags            uint16 // the 12 bits after the data offset: reserved, AE, CWR ... FIN
	Window           uint16 // raw, unscaled
	Checksum         uint16
	Urgent           uint16
	// SegLen is the segment's payload length computed from the IP
	// lengths, -1 when the header is inconsistent (as tshark's tcp.len).
	SegLen int
	// Options seen; FirstOption is the first option's kind, -1 if none.
	FirstOption int
	MSS         uint16
	WScale      uint8
	SACKBlocks  uint8
	TSVal       uint32
	TSEcr       uint32
	Opts        TCPOptSet
	// Decoded is how many header bytes were captured and used.
	Decoded int
}

// TCP flag bits in TCP.Flags.
const (
	TCPFin = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
	TCPAE // accurate ECN (formerly NS)
)

// TCPOptSet records which options a header carried.
type TCPOptSet uint8

// Options a TCPOptSet can hold.
const (
	OptMSS TCPOptSet = 1 << iota
	OptWScale
	OptSACKPerm
	OptSACK
	OptTimestamps
)

// TCP option kinds.
const (
	tcpOptEnd       = 0
	tcpOptNop       = 1
	tcpOptMSS       = 2
	tcpOptWScale    = 3
	tcpOptSACKPerm  = 4
	tcpOptSACK      = 5
	tcpOptTimestamp = 8
	tcpMinLen       = 20
)

func (p *Packet) decodeTCP(off, end int) {
	d := p.Data[min(off, len(p.Data)):]
	t := &p.TCP
	*t = TCP{Off: off, SegLen: -1, FirstOption: -1, Decoded: min(len(d), tcpMinLen)}
	p.Layers.add(LayerTCP)
	var h [tcpMinLen]byte
	copy(h[:], d)
	t.SrcPort, t.DstPort = be.Uint16(h[0:2]), be.Uint16(h[2:4])
	t.Seq, t.Ack = be.Uint32(h[4:8]), be.Uint32(h[8:12])
	t.HdrLen = int(h[12]>>4) * 4
	t.Flags = uint16(h[12]&0x0f)<<8 | uint16(h[13])
	t.Window = be.Uint16(h[14:16])
	t.Checksum = be.Uint16(h[16:18])
	t.Urgent = be.Uint16(h[18:20])
	if len(d) < tcpMinLen {
		p.fail(LayerTCP, Truncated, len(d), tcpMinLen)
		return
	}
	if t.HdrLen < tcpMinLen {
		p.fail(LayerTCP, BadHeaderLen, t.HdrLen, tcpMinLen)
		return
	}
	if seg := end - off; t.HdrLen > seg {
		p.fail(LayerTCP, BadTotalLen, seg, t.HdrLen)
		return
	}
	t.SegLen = end - off - t.HdrLen
	t.Decoded = min(len(d), t.HdrLen)
	t.parseOptions(d[tcpMinLen:t.Decoded])
	if len(d) < t.HdrLen {
		p.fail(LayerTCP, Truncated, len(d), t.HdrLen)
		return
	}
	p.setPayload(off+t.HdrLen, end)
}

// parseOptions walks the captured options, stopping at End or at an option
// whose length is impossible.
func (t *TCP) parseOptions(o []byte) {
	if len(o) > 0 {
		t.FirstOption = int(o[0])
	}
	for len(o) > 0 {
		kind := o[0]
		if kind == tcpOptEnd {
			return
		}
		if kind == tcpOptNop {
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			return
		}
		v := o[2:o[1]]
		switch {
		case kind == tcpOptMSS && len(v) == 2:
			t.Opts |= OptMSS
			t.MSS = be.Uint16(v)
		case kind == tcpOptWScale && len(v) == 1:
			t.Opts |= OptWScale
			t.WScale = v[0]
		case kind == tcpOptSACKPerm:
			t.Opts |= OptSACKPerm
		case kind == tcpOptSACK:
			t.Opts |= OptSACK
			t.SACKBlocks = uint8(len(v) / 8)
		case kind == tcpOptTimestamp && len(v) == 8:
			t.Opts |= OptTimestamps
			t.TSVal, t.TSEcr = be.Uint32(v[0:4]), be.Uint32(v[4:8])
		}
		o = o[o[1]:]
	}
}
