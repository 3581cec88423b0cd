package decode

import (
	"net/netip"
	"strconv"
)

// Append-style formatters shared by the summary, the tree and the fields.
// They allocate nothing when dst has room.

const hexDigits = "0123456789abcdef"

// appendHex appends v as "0x" and exactly digits lower-case hex digits.
func appendHex(dst []byte, v uint64, digits int) []byte {
	dst = append(dst, '0', 'x')
	for i := digits - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return dst
}

func appendUint(dst []byte, v uint64) []byte { return strconv.AppendUint(dst, v, 10) }

func appendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// appendMAC appends a colon-separated hardware address.
func appendMAC(dst []byte, mac []byte) []byte {
	for i, b := range mac {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
	}
	return dst
}

// appendIPv4 appends a dotted quad.
func appendIPv4(dst []byte, a []byte) []byte {
	for i := 0; i < 4; i++ {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, uint64(a[i]), 10)
	}
	return dst
}

// appendIPv6 appends an IPv6 address in RFC 5952 form, as tshark prints it.
func appendIPv6(dst []byte, a [16]byte) []byte {
	return netip.AddrFrom16(a).AppendTo(dst)
}

// AppendSeconds appends a duration in nanoseconds as tshark prints
// times: seconds with nine decimals ("1.500000000", "-0.000100000").
func AppendSeconds(dst []byte, ns int64) []byte {
	if ns < 0 {
		dst = append(dst, '-')
		ns = -ns
	}
	dst = strconv.AppendInt(dst, ns/1e9, 10)
	frac := ns % 1e9
	dst = append(dst, '.')
	for d := int64(1e8); d > 0; d /= 10 {
		dst = append(dst, byte('0'+frac/d%10))
	}
	return dst
}
