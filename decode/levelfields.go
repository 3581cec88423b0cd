package decode

// Constructors for fields of the headers every level of encapsulation can
// hold: a VXLAN frame has two ip.src, the outer and the inner. Occurrence
// i is the i-th level, outermost first, that has the field, as tshark
// lists them with -E occurrence=a; the IP header an ICMP error quotes
// comes last, after the innermost level's own.

// levelField returns a field whose value at one level get appends.
func levelField(name, desc string, get func(h *Headers, dst []byte) ([]byte, bool)) Field {
	return Field{Name: name, Desc: desc, level: get, nth: func(p *Packet, i int, dst []byte) ([]byte, bool) {
		for l := 0; l < p.Levels(); l++ {
			out, ok := get(p.Level(l), dst)
			if !ok {
				continue
			}
			if i == 0 {
				return out, true
			}
			i--
		}
		if i == 0 && p.Inner.Version != 0 {
			var q Headers
			p.quotedIP(&q)
			return get(&q, dst)
		}
		return dst, false
	}}
}

// appendLevels appends the value get finds at each level that has one,
// in levelField's occurrence order, joined by sep.
func (p *Packet) appendLevels(dst []byte, get func(h *Headers, dst []byte) ([]byte, bool), sep byte) []byte {
	found := false
	for l := 0; l <= p.NumEncap; l++ {
		dst, found = appendLevel(dst, p.Level(l), get, sep, found)
	}
	if p.Inner.Version != 0 {
		var q Headers
		p.quotedIP(&q)
		dst, _ = appendLevel(dst, &q, get, sep, found)
	}
	return dst
}

// appendLevel appends h's value, after sep if an earlier level had one
// (found), and reports whether any level has had one.
func appendLevel(dst []byte, h *Headers, get func(h *Headers, dst []byte) ([]byte, bool), sep byte, found bool) ([]byte, bool) {
	n := len(dst)
	if found {
		dst = append(dst, sep)
	}
	out, ok := get(h, dst)
	if !ok {
		return dst[:n], found
	}
	return out, true
}

// quotedIP fills h with the IP header an ICMP error quotes (and nothing
// else), so that IP fields report it as one more occurrence.
func (p *Packet) quotedIP(h *Headers) {
	switch p.Inner.Version {
	case 4:
		h.IPv4 = p.Inner.V4
		h.Layers.add(LayerIPv4)
	case 6:
		h.IPv6 = p.Inner.V6
		h.Layers.add(LayerIPv6)
	}
}

func decAt(name, desc string, v func(h *Headers) (uint64, bool)) Field {
	return levelField(name, desc, func(h *Headers, dst []byte) ([]byte, bool) {
		n, ok := v(h)
		if !ok {
			return dst, false
		}
		return appendUint(dst, n), true
	})
}

func hexAt(name, desc string, digits int, v func(h *Headers) (uint64, bool)) Field {
	return levelField(name, desc, func(h *Headers, dst []byte) ([]byte, bool) {
		n, ok := v(h)
		if !ok {
			return dst, false
		}
		return appendHex(dst, n, digits), true
	})
}

func bytesAt(name, desc string, format func([]byte, []byte) []byte, v func(h *Headers) ([]byte, bool)) Field {
	return levelField(name, desc, func(h *Headers, dst []byte) ([]byte, bool) {
		b, ok := v(h)
		if !ok {
			return dst, false
		}
		return format(dst, b), true
	})
}

func ipv6At(name, desc string, v func(h *Headers) ([16]byte, bool)) Field {
	return levelField(name, desc, func(h *Headers, dst []byte) ([]byte, bool) {
		a, ok := v(h)
		if !ok {
			return dst, false
		}
		return appendIPv6(dst, a), true
	})
}
