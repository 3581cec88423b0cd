package decode

// AppendHexRow appends the row of data that starts at off in the layout
// people know from tcpdump -X and Wireshark:
//
//	0010  45 00 00 3c 1c 46 40 00  40 06 b1 e6 ac 10 0a 63  E..<.F@.@......c
//
// Bytes inside mark are passed through hl (hex and ASCII alike) so a caller
// can colour the selected field; hl may be nil.
func AppendHexRow(dst []byte, data []byte, off int, mark Range, hl func(dst []byte, s []byte) []byte) []byte {
	end := min(off+16, len(data))
	for i := 3; i >= 0; i-- {
		dst = append(dst, hexDigits[(off>>(4*uint(i)))&0xf])
	}
	dst = append(dst, ' ', ' ')
	var cell [3]byte
	for i := off; i < off+16; i++ {
		if i == off+8 {
			dst = append(dst, ' ')
		}
		if i >= end {
			dst = append(dst, "   "...)
			continue
		}
		cell = [3]byte{hexDigits[data[i]>>4], hexDigits[data[i]&0xf], ' '}
		dst = appendMarked(dst, cell[:2], mark.Contains(i), hl)
		dst = append(dst, ' ')
	}
	dst = append(dst, ' ')
	for i := off; i < end; i++ {
		c := data[i]
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		cell[0] = c
		dst = appendMarked(dst, cell[:1], mark.Contains(i), hl)
	}
	return dst
}

func appendMarked(dst, s []byte, marked bool, hl func([]byte, []byte) []byte) []byte {
	if marked && hl != nil {
		return hl(dst, s)
	}
	return append(dst, s...)
}
