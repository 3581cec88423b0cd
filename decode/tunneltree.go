package decode

import "fmt"

// The field tree of serial-line framing (PPPoE, PPP, Cisco HDLC, SLARP),
// IPsec and tunnel headers.

func hex32(v uint32) string { return string(appendHex(nil, uint64(v), 8)) }

// wan adds PPPoE, PPP, Cisco HDLC and SLARP.
func (t *treeBuilder) wan() {
	p := t.p
	if p.Has(LayerCHDLC) {
		c, o := &p.CHDLC, p.CHDLC.Off
		t.layer("Cisco HDLC", hex16(c.Protocol), o, chdlcLen)
		t.field("Address", fmt.Sprintf("0x%02x", c.Address), o, 1)
		t.field("Control", fmt.Sprintf("0x%02x", c.Control), o+1, 1)
		t.field("Protocol", hex16(c.Protocol), o+2, 2)
	}
	if p.Has(LayerSLARP) {
		s, o := &p.SLARP, p.SLARP.Off
		t.layer("Cisco SLARP", slarpName(s.Type), o, slarpMinLen)
		t.field("Packet type", fmt.Sprintf("%s (%d)", slarpName(s.Type), s.Type), o, 4)
		if s.Type == slarpKeep {
			t.field("Outgoing sequence number", fmt.Sprint(s.A), o+4, 4)
			t.field("Returned sequence number", fmt.Sprint(s.B), o+8, 4)
			t.field("Reliability", hex16(s.Reliability), o+12, 2)
		} else {
			t.field("Address", ip4(be.AppendUint32(nil, s.A)), o+4, 4)
			t.field("Mask", ip4(be.AppendUint32(nil, s.B)), o+8, 4)
		}
	}
	if p.Has(LayerPPPoE) {
		e, o := &p.PPPoE, p.PPPoE.Off
		kind := "Discovery"
		if e.Session {
			kind = "Session"
		}
		t.layer("PPP-over-Ethernet "+kind, fmt.Sprintf("code 0x%02x session 0x%04x", e.Code, e.SessionID), o, pppoeLen)
		t.field("Version", fmt.Sprint(e.VerType>>4), o, 1)
		t.field("Type", fmt.Sprint(e.VerType&0x0f), o, 1)
		t.field("Code", fmt.Sprintf("0x%02x", e.Code), o+1, 1)
		t.field("Session ID", hex16(e.SessionID), o+2, 2)
		t.field("Payload length", fmt.Sprint(e.Length), o+4, 2)
	}
	if p.Has(LayerPPP) {
		pp := &p.PPP
		t.layer("Point-to-Point Protocol", hex16(pp.Protocol), pp.Off, pp.Len)
		t.field("Protocol", hex16(pp.Protocol), pp.Off, pp.Len)
	}
}

func slarpName(typ uint32) string {
	switch typ {
	case slarpRequest:
		return "request"
	case slarpReply:
		return "reply"
	case slarpKeep:
		return "keepalive"
	}
	return "unknown"
}

func (t *treeBuilder) ah() {
	a, o := &t.p.AH, t.p.AH.Off
	t.layer("Authentication Header", fmt.Sprintf("SPI %s seq %d", hex32(a.SPI), a.Seq), o, a.Len)
	t.field("Next header", ipProtoName(a.Next), o, 1)
	t.field("Length", fmt.Sprintf("%d bytes", a.Len), o+1, 1)
	t.field("SPI", hex32(a.SPI), o+4, 4)
	t.field("Sequence", fmt.Sprint(a.Seq), o+8, 4)
	t.field("ICV", fmt.Sprintf("%d bytes", a.Len-ahMinLen), o+ahMinLen, a.Len-ahMinLen)
}

// tunnel adds the headers that carry the next level (or, for ESP, its
// encrypted payload).
func (t *treeBuilder) tunnel() {
	p := t.p
	if p.Has(LayerESP) {
		e, o := &p.ESP, p.ESP.Off
		t.layer("Encapsulating Security Payload", fmt.Sprintf("SPI %s seq %d", hex32(e.SPI), e.Seq), o, espHdrLen)
		t.field("SPI", hex32(e.SPI), o, 4)
		t.field("Sequence", fmt.Sprint(e.Seq), o+4, 4)
	}
	if p.Has(LayerGRE) {
		t.gre()
	}
	if p.Has(LayerERSPAN) {
		t.erspan()
	}
	if p.Has(LayerVXLAN) {
		v, o := &p.VXLAN, p.VXLAN.Off
		t.layer("Virtual eXtensible Local Area Network", fmt.Sprintf("VNI %d", v.VNI), o, vxlanLen)
		t.field("Flags", fmt.Sprintf("0x%02x", v.Flags), o, 1)
		t.field("VNI", fmt.Sprint(v.VNI), o+4, 3)
	}
	if p.Has(LayerGeneve) {
		t.geneve()
	}
	if p.Has(LayerGTP) {
		g, o := &p.GTP, p.GTP.Off
		t.layer("GTP-U", fmt.Sprintf("TEID %s message 0x%02x", hex32(g.TEID), g.Message), o, g.Len)
		t.field("Version", fmt.Sprint(g.Version()), o, 1)
		t.field("Flags", fmt.Sprintf("0x%02x", g.Flags), o, 1)
		t.field("Message type", fmt.Sprintf("0x%02x", g.Message), o+1, 1)
		t.field("Length", fmt.Sprint(g.Length), o+2, 2)
		t.field("TEID", hex32(g.TEID), o+4, 4)
		if g.Flags&gtpS != 0 {
			t.field("Sequence number", fmt.Sprint(g.Seq), o+8, 2)
		}
		if g.Len > gtpMinLen+gtpOptLen {
			t.field("Extension headers", fmt.Sprintf("%d bytes", g.Len-gtpMinLen-gtpOptLen), o+gtpMinLen+gtpOptLen, g.Len-gtpMinLen-gtpOptLen)
		}
	}
}

func (t *treeBuilder) gre() {
	g, o := &t.p.GRE, t.p.GRE.Off
	t.layer("Generic Routing Encapsulation", hex16(g.Protocol), o, g.Len)
	t.field("Flags and version", hex16(g.Flags), o, 2)
	t.field("Protocol type", hex16(g.Protocol), o+2, 2)
	n := o + greMinLen
	if g.Flags&(GREChecksum|GRERouting) != 0 {
		t.field("Checksum", hex16(g.Checksum), n, 2)
		n += 4
	}
	if g.Flags&GREKey != 0 {
		if g.Version() == 1 {
			t.field("Payload length", fmt.Sprint(g.Key>>16), n, 2)
			t.field("Call ID", fmt.Sprint(g.Key&0xffff), n+2, 2)
		} else {
			t.field("Key", hex32(g.Key), n, 4)
		}
		n += 4
	}
	if g.Flags&GRESeq != 0 {
		t.field("Sequence number", fmt.Sprint(g.Seq), n, 4)
		n += 4
	}
	if g.Version() == 1 && g.Flags&GREAck != 0 {
		t.field("Acknowledgment number", fmt.Sprint(g.Ack), n, 4)
	}
}

func (t *treeBuilder) erspan() {
	e, o := &t.p.ERSPAN, t.p.ERSPAN.Off
	if e.Len == 0 {
		t.layer("Encapsulated Remote SPAN", "type I", o, 0)
		return
	}
	t.layer("Encapsulated Remote SPAN", fmt.Sprintf("type %d, span id %d", e.Version+1, e.Session), o, e.Len)
	t.field("Version", fmt.Sprint(e.Version), o, 1)
	t.field("VLAN", fmt.Sprint(e.VLAN), o, 2)
	t.field("COS", fmt.Sprint(e.COS), o+2, 1)
	t.field("Span ID", fmt.Sprint(e.Session), o+2, 2)
	if e.Version == 1 {
		t.field("Index", fmt.Sprint(e.Index), o+4, 4)
		return
	}
	t.field("Timestamp", fmt.Sprint(e.Timestamp), o+4, 4)
	t.field("Security group tag", fmt.Sprint(e.SGT), o+8, 2)
	t.field("Frame type", fmt.Sprint(e.FrameType), o+10, 1)
	if e.Optional {
		t.field("Platform specific sub-header", "8 bytes", o+erspan3Len, 8)
	}
}

func (t *treeBuilder) geneve() {
	g, o := &t.p.Geneve, t.p.Geneve.Off
	t.layer("Generic Network Virtualization Encapsulation", fmt.Sprintf("VNI %s, %d options", string(appendHex(nil, uint64(g.VNI), 6)), g.Options), o, geneveLen+g.OptLen)
	t.field("Version", fmt.Sprint(g.Version), o, 1)
	t.field("Options length", fmt.Sprintf("%d bytes", g.OptLen), o, 1)
	t.field("OAM", fmt.Sprint(g.OAM), o+1, 1)
	t.field("Critical options", fmt.Sprint(g.Critical), o+1, 1)
	t.field("Protocol type", hex16(g.Protocol), o+2, 2)
	t.field("VNI", string(appendHex(nil, uint64(g.VNI), 6)), o+4, 3)
	t.p.geneveOptions(g, func(opt GeneveOption) {
		t.sub(fmt.Sprintf("Option class %s type 0x%02x", hex16(opt.Class), opt.Type), fmt.Sprintf("%d bytes", opt.Len), opt.Off, geneveOptHdrLen+opt.Len)
	})
}
