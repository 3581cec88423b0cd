package decode

import "strconv"

// Problem describes where and why decoding stopped or found a header that
// contradicts itself. It holds numbers, not a formatted message, so that
// recording one allocates nothing; String formats it when someone looks.
type Problem struct {
	Layer Layer
	Kind  ProblemKind
	// Got and Want are the numbers the message quotes (meaning per Kind).
	Got, Want int
}

// ProblemKind classifies a Problem.
type ProblemKind uint8

// Problem kinds. The comment says what Got and Want hold.
const (
	NoProblem     ProblemKind = iota
	Truncated                 // header needs Want bytes, Got are captured
	BadVersion                // version field is Got, Want expected
	BadHeaderLen              // header length field says Got bytes, minimum Want
	BadTotalLen               // length field says Got bytes, less than header's Want
	LenOverrun                // length field says Got bytes, only Want present on the wire
	TooManyExt                // more than Want extension headers
	UnknownLink               // link type Got is not supported
	BadPayloadLen             // IPv6 payload length 0 without a jumbo option
	ShortMessage              // application message needs Want more bytes, Got are there
	Malformed                 // application message malformed at offset Got of the message
	TooDeep                   // tunnel inside more than Want levels of encapsulation
)

// OK reports whether no problem was recorded.
func (p Problem) OK() bool { return p.Kind == NoProblem }

// String formats the problem the way the UI and line mode print it, e.g.
// "IPv4 IHL 3 < 5" or "TCP header truncated: 12 of 20 bytes".
func (p Problem) String() string { return string(p.AppendTo(nil)) }

// AppendTo appends the String form to dst without allocating.
func (p Problem) AppendTo(dst []byte) []byte {
	l := p.Layer.String()
	g, w := int64(p.Got), int64(p.Want)
	switch p.Kind {
	case NoProblem:
		return dst
	case Truncated:
		return appendMsg(dst, l, " header truncated: ", g, " of ", w, " bytes")
	case BadVersion:
		return appendMsg(dst, l, " version ", g, ", expected ", w, "")
	case BadHeaderLen:
		if p.Layer == LayerIPv4 {
			return appendMsg(dst, "IPv4", " IHL ", g/4, " < ", 5, "")
		}
		return appendMsg(dst, l, " header length ", g, " < ", w, "")
	case BadTotalLen:
		return appendMsg(dst, l, " total length ", g, " < header length ", w, "")
	case LenOverrun:
		return appendMsg(dst, l, " length ", g, " exceeds the ", w, " bytes on the wire")
	case TooManyExt:
		return appendMsg(dst, l, " chain longer than ", w, " headers", -1, "")
	case UnknownLink:
		return appendMsg(dst, "unsupported link type ", "", g, "", -1, "")
	case ShortMessage:
		return appendMsg(dst, l, " message truncated: ", g, " of ", w, " bytes")
	case Malformed:
		return appendMsg(dst, l, " malformed at offset ", g, "", -1, "")
	case TooDeep:
		return appendMsg(dst, l, " nested deeper than ", w, " encapsulations", -1, "")
	case BadPayloadLen:
		return append(append(dst, l...), " payload length 0 without a jumbo payload option"...)
	}
	return append(append(dst, l...), " malformed"...)
}

// appendMsg appends a, b, n, c, m (skipped when negative) and d.
func appendMsg(dst []byte, a, b string, n int64, c string, m int64, d string) []byte {
	dst = append(append(dst, a...), b...)
	dst = appendInt(dst, n)
	dst = append(dst, c...)
	if m >= 0 {
		dst = appendInt(dst, m)
	}
	return append(dst, d...)
}

// fail records the first problem only: later ones are consequences.
func (p *Packet) fail(l Layer, k ProblemKind, got, want int) {
	if p.Problem.Kind == NoProblem {
		p.Problem = Problem{Layer: l, Kind: k, Got: got, Want: want}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
