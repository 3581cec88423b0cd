package decode

// MaxEncap is how many levels of encapsulation a Packet records outside
// the innermost one: a frame can carry up to MaxEncap nested tunnels (GRE,
// VXLAN, Geneve, GTP-U, MPLS over UDP, IP in IP), each decoded down to its
// inner application data. A tunnel nested deeper is reported as a TooDeep
// problem and its contents left as payload, so a hostile frame of tunnels
// inside tunnels costs a bounded amount of work and memory.
const MaxEncap = 4

// push starts a new level for the packet a tunnel carries: the headers
// decoded so far move to Encap and decoding continues into fresh ones.
// It reports false, and records TooDeep, when MaxEncap levels are in use
// or the tunnel lies in an ICMP error's quote (someone else's packet).
func (p *Packet) push(tunnel Layer) bool {
	if p.Quoted {
		return false
	}
	if p.NumEncap == MaxEncap {
		p.fail(tunnel, TooDeep, p.NumEncap+1, MaxEncap)
		return false
	}
	p.Encap[p.NumEncap] = p.Headers
	p.NumEncap++
	p.Layers, p.NumVLAN, p.NumExt = 0, 0, 0
	p.MPLS = MPLS{}
	p.Payload = Range{}
	return true
}

// Levels is how many levels of headers the packet has: 1 plus the
// number of tunnels it was carried in.
func (p *Packet) Levels() int { return p.NumEncap + 1 }

// Level returns level i of the headers, 0 being the outermost and
// Levels()-1 the innermost (p.Headers).
func (p *Packet) Level(i int) *Headers {
	if i < p.NumEncap {
		return &p.Encap[i]
	}
	return &p.Headers
}

// TunnelID names the tunnel a flow runs in: the kind of tunnel header
// (LayerVXLAN, LayerGeneve, LayerGRE, LayerGTP) and its identifier (VNI,
// GRE key, TEID). Its zero value means no identified tunnel.
type TunnelID struct {
	Kind Layer
	ID   uint32
}

// tunnelID returns the identity of the innermost tunnel outside level
// lvl that has one.
func (p *Packet) tunnelID(lvl int) TunnelID {
	for i := lvl - 1; i >= 0; i-- {
		h := &p.Encap[i]
		switch {
		case h.Has(LayerVXLAN):
			return TunnelID{LayerVXLAN, h.VXLAN.VNI}
		case h.Has(LayerGeneve):
			return TunnelID{LayerGeneve, h.Geneve.VNI}
		case h.Has(LayerGTP):
			return TunnelID{LayerGTP, h.GTP.TEID}
		case h.Has(LayerGRE) && h.GRE.HasKey():
			return TunnelID{LayerGRE, h.GRE.Key}
		}
	}
	return TunnelID{}
}

// outerVLAN returns the VLAN the frame was captured on: the innermost
// 802.1Q tag of the outermost level (the customer tag under an 802.1ad
// service tag), 0 when untagged.
func (p *Packet) outerVLAN() uint16 {
	h := p.Level(0)
	if h.NumVLAN == 0 {
		return 0
	}
	return h.VLAN[h.NumVLAN-1].ID
}
