package decode

// UDP ports of the tunnels Decode opens (the IANA assignments tshark
// dissects them on).
const (
	portVXLAN     = 4789
	portVXLANGPE  = 4790
	portGeneve    = 6081
	portGTPU      = 2152
	portMPLSUDP   = 6635
	portIPsecNATT = 4500
)

// decodeUDPTunnel continues into a tunnel a UDP datagram carries, looking
// at the lower port first, as tshark does.
func (p *Packet) decodeUDPTunnel(u *UDP, off, end int) {
	if p.Quoted {
		return
	}
	lo, hi := min(u.SrcPort, u.DstPort), max(u.SrcPort, u.DstPort)
	for _, port := range [2]uint16{lo, hi} {
		switch port {
		case portVXLAN:
			p.decodeVXLAN(off, end)
		case portVXLANGPE:
			p.decodeVXLANGPE(off, end)
		case portGeneve:
			p.decodeGeneve(off, end)
		case portGTPU:
			p.decodeGTP(off, end)
		case portMPLSUDP:
			if p.push(LayerMPLS) {
				p.decodeMPLS(off)
			}
		case portIPsecNATT:
			p.decodeUDPEncap(off, end)
		default:
			continue
		}
		return
	}
}

// appendVLANs appends "vlan ID " for each of the level's tags.
func (h *Headers) appendVLANs(dst []byte) []byte {
	for i := 0; i < h.NumVLAN; i++ {
		dst = append(dst, "vlan "...)
		dst = appendUint(dst, uint64(h.VLAN[i].ID))
		dst = append(dst, ' ')
	}
	return dst
}

// appendTunnel appends the marker of the tunnel an outer level ends in,
// with its identity, e.g. "vxlan 100 ", "gre 0x00000028 ", "ipip ".
func (h *Headers) appendTunnel(dst []byte) []byte {
	switch {
	case h.Has(LayerERSPAN):
		dst = append(dst, "erspan "...)
		dst = appendUint(dst, uint64(h.ERSPAN.Session))
	case h.Has(LayerGRE):
		dst = append(dst, "gre"...)
		if h.GRE.HasKey() {
			dst = append(dst, ' ')
			dst = appendHex(dst, uint64(h.GRE.Key), 8)
		}
	case h.Has(LayerVXLAN):
		dst = append(dst, "vxlan "...)
		dst = appendUint(dst, uint64(h.VXLAN.VNI))
	case h.Has(LayerGeneve):
		dst = append(dst, "geneve "...)
		dst = appendHex(dst, uint64(h.Geneve.VNI), 6)
	case h.Has(LayerGTP):
		dst = append(dst, "gtp "...)
		dst = appendHex(dst, uint64(h.GTP.TEID), 8)
	case h.Has(LayerUDP):
		dst = append(dst, "mpls-udp"...)
	default:
		dst = append(dst, "ipip"...)
	}
	return append(dst, ' ')
}
