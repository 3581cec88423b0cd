package decode

// Geneve is a Generic Network Virtualization Encapsulation header (RFC
// 8926, UDP port 6081), with its variable-length options.
type Geneve struct {
	Off      int
	Version  uint8
	OptLen   int // option bytes after the 8-byte fixed header
	OAM      bool
	Critical bool
	Protocol uint16 // Ethertype of the payload (0x6558: Ethernet)
	VNI      uint32
	// Options is how many options the option bytes hold.
	Options int
}

// GeneveOption is one Geneve option: class, type and data length.
type GeneveOption struct {
	Off   int
	Class uint16
	Type  uint8
	Len   int // data bytes after the 4-byte option header
}

const (
	geneveLen       = 8
	geneveOptHdrLen = 4
)

func (p *Packet) decodeGeneve(off, end int) {
	if !p.need(LayerGeneve, off, geneveLen) {
		return
	}
	d := p.Data[off:]
	g := &p.Geneve
	*g = Geneve{Off: off, Version: d[0] >> 6, OptLen: int(d[0]&0x3f) * 4, OAM: d[1]&0x80 != 0,
		Critical: d[1]&0x40 != 0, Protocol: be.Uint16(d[2:4]), VNI: be.Uint32(d[4:8]) >> 8}
	p.Layers.add(LayerGeneve)
	if !p.need(LayerGeneve, off, geneveLen+g.OptLen) {
		return
	}
	g.Options = p.geneveOptions(g, func(GeneveOption) {})
	inner := off + geneveLen + g.OptLen
	if g.Version != 0 || !p.push(LayerGeneve) {
		p.setPayload(inner, end)
		return
	}
	if g.Protocol == etherTEB {
		p.decodeEthernet(inner)
		return
	}
	p.decodeEthertype(inner, g.Protocol)
}

// geneveOptions walks g's options, calling each for every one, and
// returns how many there are; an option longer than the option bytes, or
// than the capture, ends the walk.
func (p *Packet) geneveOptions(g *Geneve, each func(GeneveOption)) int {
	n := 0
	for o, end := g.Off+geneveLen, min(g.Off+geneveLen+g.OptLen, len(p.Data)); o+geneveOptHdrLen <= end; n++ {
		d := p.Data[o:]
		opt := GeneveOption{Off: o, Class: be.Uint16(d[0:2]), Type: d[2], Len: int(d[3]&0x1f) * 4}
		if o+geneveOptHdrLen+opt.Len > end {
			break
		}
		each(opt)
		o += geneveOptHdrLen + opt.Len
	}
	return n
}
