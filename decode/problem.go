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
	BadOption                 // option at offset Got has a bad length
	BadPayloadLen             // IPv6 payload length 0 without a jumbo option
)

// OK reports whether no problem was recorded.
func (p Problem) OK() bool { return p.Kind == NoProblem }

// String formats the problem the way the UI and line mode print it, e.g.
// "IPv4 IHL 3 < 5" or "TCP header truncated: 12 of 20 bytes".
func (p Problem) String() string {
	l := p.Layer.String()
	g, w := strconv.Itoa(p.Got), strconv.Itoa(p.Want)
	switch p.Kind {
	case NoProblem:
		return ""
	case Truncated:
		return l + " header truncated: " + g + " of " + w + " bytes"
	case BadVersion:
		return l + " version " + g + ", expected " + w
	case BadHeaderLen:
		if p.Layer == LayerIPv4 {
			return "IPv4 IHL " + strconv.Itoa(p.Got/4) + " < 5"
		}
		return l + " header length " + g + " < " + w
	case BadTotalLen:
		return l + " total length " + g + " < header length " + w
	case LenOverrun:
		return l + " length " + g + " exceeds the " + w + " bytes on the wire"
	case TooManyExt:
		return l + " more than " + w + " extension headers"
	case UnknownLink:
		return "unsupported link type " + g
	case BadOption:
		return l + " option at offset " + g + " has a bad length"
	case BadPayloadLen:
		return l + " payload length 0 without a jumbo payload option"
	}
	return l + " malformed"
}

// fail records the first problem only: later ones are consequences.
func (p *Packet) fail(l Layer, k ProblemKind, got, want int) {
	if p.Problem.Kind == NoProblem {
		p.Problem = Problem{Layer: l, Kind: k, Got: got, Want: want}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
