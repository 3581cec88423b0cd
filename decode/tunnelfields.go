package decode

// tunnelFields are the fields of serial-line framing, IPsec and tunnel
// headers, in tshark 4.0's names and formats.
var tunnelFields = []Field{
	hexAt("pppoe.code", "PPPoE code", 2, func(h *Headers) (uint64, bool) { return uint64(h.PPPoE.Code), h.Has(LayerPPPoE) }),
	hexAt("pppoe.session_id", "PPPoE session id", 4, func(h *Headers) (uint64, bool) { return uint64(h.PPPoE.SessionID), h.Has(LayerPPPoE) }),
	hexAt("ppp.protocol", "PPP protocol", 4, func(h *Headers) (uint64, bool) { return uint64(h.PPP.Protocol), h.Has(LayerPPP) }),
	hexAt("chdlc.protocol", "Cisco HDLC protocol", 4, func(h *Headers) (uint64, bool) { return uint64(h.CHDLC.Protocol), h.Has(LayerCHDLC) }),
	decAt("slarp.ptype", "SLARP packet type: 0 request, 1 reply, 2 keepalive", func(h *Headers) (uint64, bool) { return uint64(h.SLARP.Type), h.Has(LayerSLARP) }),

	hexAt("gre.flags_and_version", "GRE flags and version", 4, func(h *Headers) (uint64, bool) { return uint64(h.GRE.Flags), h.Has(LayerGRE) }),
	hexAt("gre.proto", "GRE protocol type", 4, func(h *Headers) (uint64, bool) { return uint64(h.GRE.Protocol), h.Has(LayerGRE) }),
	hexAt("gre.key", "GRE key", 8, func(h *Headers) (uint64, bool) { return uint64(h.GRE.Key), h.Has(LayerGRE) && h.GRE.HasKey() }),
	decAt("gre.sequence_number", "GRE sequence number", func(h *Headers) (uint64, bool) {
		return uint64(h.GRE.Seq), h.Has(LayerGRE) && h.GRE.Flags&GRESeq != 0
	}),
	decAt("erspan.version", "ERSPAN version: 1 type II, 2 type III", func(h *Headers) (uint64, bool) { return uint64(h.ERSPAN.Version), h.hasERSPANHeader() }),
	decAt("erspan.vlan", "ERSPAN original VLAN", func(h *Headers) (uint64, bool) { return uint64(h.ERSPAN.VLAN), h.hasERSPANHeader() }),
	decAt("erspan.spanid", "ERSPAN session id", func(h *Headers) (uint64, bool) { return uint64(h.ERSPAN.Session), h.hasERSPANHeader() }),

	decAt("vxlan.vni", "VXLAN network identifier", func(h *Headers) (uint64, bool) { return uint64(h.VXLAN.VNI), h.Has(LayerVXLAN) }),
	hexAt("geneve.vni", "Geneve virtual network identifier", 6, func(h *Headers) (uint64, bool) { return uint64(h.Geneve.VNI), h.Has(LayerGeneve) }),
	hexAt("geneve.proto_type", "Geneve protocol type", 4, func(h *Headers) (uint64, bool) { return uint64(h.Geneve.Protocol), h.Has(LayerGeneve) }),
	hexAt("gtp.teid", "GTP-U tunnel endpoint identifier", 8, func(h *Headers) (uint64, bool) { return uint64(h.GTP.TEID), h.Has(LayerGTP) }),
	hexAt("gtp.message", "GTP-U message type (0xff G-PDU)", 2, func(h *Headers) (uint64, bool) { return uint64(h.GTP.Message), h.Has(LayerGTP) }),

	hexAt("esp.spi", "ESP security parameters index", 8, func(h *Headers) (uint64, bool) { return uint64(h.ESP.SPI), h.Has(LayerESP) }),
	decAt("esp.sequence", "ESP sequence number", func(h *Headers) (uint64, bool) { return uint64(h.ESP.Seq), h.Has(LayerESP) }),
	hexAt("ah.spi", "AH security parameters index", 8, func(h *Headers) (uint64, bool) { return uint64(h.AH.SPI), h.Has(LayerAH) }),
	decAt("ah.sequence", "AH sequence number", func(h *Headers) (uint64, bool) { return uint64(h.AH.Seq), h.Has(LayerAH) }),
	decAt("ah.next_header", "AH next header", func(h *Headers) (uint64, bool) { return uint64(h.AH.Next), h.Has(LayerAH) }),

	mplsField("mpls.label", "MPLS label", func(e uint32) uint64 { return uint64(e >> 12) }),
	mplsField("mpls.exp", "MPLS traffic class", func(e uint32) uint64 { return uint64(e>>9) & 7 }),
	mplsField("mpls.bottom", "MPLS bottom of label stack", func(e uint32) uint64 { return uint64(e>>8) & 1 }),
	mplsField("mpls.ttl", "MPLS time to live", func(e uint32) uint64 { return uint64(e & 0xff) }),
}

// hasERSPANHeader reports whether the level has an ERSPAN type II or III
// header (type I has none).
func (h *Headers) hasERSPANHeader() bool { return h.Has(LayerERSPAN) && h.ERSPAN.Len > 0 }

// mplsField is a field of every recorded label stack entry, level by
// level, outermost first.
func mplsField(name, desc string, v func(entry uint32) uint64) Field {
	return Field{Name: name, Desc: desc, nth: func(p *Packet, i int, dst []byte) ([]byte, bool) {
		for l := 0; l < p.Levels(); l++ {
			h := p.Level(l)
			if !h.Has(LayerMPLS) {
				continue
			}
			n := min(h.MPLS.Labels, MaxMPLS)
			if i < n {
				return appendUint(dst, v(h.MPLS.Stack[i])), true
			}
			i -= n
		}
		return dst, false
	}}
}
