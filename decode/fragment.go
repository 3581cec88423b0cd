package decode

// Fragment says what the IP header of the packet's flow (the innermost IP
// level, the one its FlowKey comes from) makes of it: the identification
// of the datagram it is a fragment of, and whether it is the first
// fragment (offset 0, more to come), which carries the transport header
// and so the ports, or a later one, which carries neither. A datagram
// that is whole is neither. An IPv6 fragment header beyond the first
// MaxExt extension headers is not seen.
func (p *Packet) Fragment() (id uint32, first, later bool) {
	if !p.Flow.Valid() || p.Flow.Kind == FlowUSB {
		return 0, false, false
	}
	h := p.Level(p.flowLevel())
	switch {
	case h.Has(LayerIPv4):
		ip := &h.IPv4
		return uint32(ip.ID), ip.FragOff == 0 && ip.Flags&IPv4MF != 0, ip.FragOff != 0
	case h.Has(LayerIPv6):
		for i := range h.NumExt {
			if e := &h.Ext[i]; e.Type == ipv6Fragment {
				return e.FragID, e.FragOff == 0 && e.FragMore, e.FragOff != 0
			}
		}
	}
	return 0, false, false
}
