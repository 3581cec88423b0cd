package automaton

import (
	"fmt"
	"regexp/syntax"
	"unicode"
)

// byteSet is a set of input bytes, one bit per byte value.
type byteSet [4]uint64

func (s *byteSet) add(lo, hi int) {
	for b := lo; b <= hi; b++ {
		s[b>>6] |= 1 << (b & 63)
	}
}

func (s *byteSet) has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }

// op is the kind of an NFA instruction.
type op uint8

const (
	opAlt   op = iota // epsilon to out and arg
	opNop             // epsilon to out
	opByte            // consume one byte in sets[arg], then go to out
	opBegin           // empty-width: only at stream start (^)
	opEnd             // empty-width: only at the end of a chunk ($)
	opMatch           // pattern arg matched
	opFail            // dead thread
)

// inst is one instruction of the combined Thompson NFA.
type inst struct {
	op       op
	out, arg uint32
}

// prog is the Thompson NFA of all patterns together. Every pattern keeps its
// own start; the union is formed by the DFA construction, which seeds every
// position with the starts of all patterns.
type prog struct {
	inst   []inst
	sets   []byteSet // byte sets of opByte instructions, shared when equal
	starts []uint32  // starts[i] is where pattern i begins
	ends   []uint32  // pattern i owns instructions [base, ends[i]) with base = ends[i-1]
	loops  []bool    // loops[i]: pattern i has an unbounded repetition
	// anchored[i]: every match of pattern i starts at the stream start,
	// so its threads all die after a few bytes of most streams.
	anchored []bool
}

// appendPattern compiles re (already in the byte alphabet) as pattern tag
// and adds it to p. It relies on regexp/syntax for the Thompson construction
// and only translates the resulting instructions to bytes.
func (p *prog) appendPattern(re *syntax.Regexp, tag int) error {
	if err := checkOps(re); err != nil {
		return err
	}
	sp, err := syntax.Compile(re.Simplify())
	if err != nil {
		return err
	}
	base := uint32(len(p.inst))
	setIndex := make(map[byteSet]uint32, len(p.sets))
	for i, s := range p.sets {
		setIndex[s] = uint32(i)
	}
	addSet := func(s byteSet) uint32 {
		if i, ok := setIndex[s]; ok {
			return i
		}
		i := uint32(len(p.sets))
		p.sets = append(p.sets, s)
		setIndex[s] = i
		return i
	}
	for _, in := range sp.Inst {
		out := base + in.Out
		var ni inst
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			ni = inst{op: opAlt, out: out, arg: base + in.Arg}
		case syntax.InstNop, syntax.InstCapture:
			ni = inst{op: opNop, out: out}
		case syntax.InstFail:
			ni = inst{op: opFail}
		case syntax.InstMatch:
			ni = inst{op: opMatch, arg: uint32(tag)}
		case syntax.InstEmptyWidth:
			switch syntax.EmptyOp(in.Arg) {
			case syntax.EmptyBeginText:
				ni = inst{op: opBegin, out: out}
			case syntax.EmptyEndText:
				ni = inst{op: opEnd, out: out}
			default:
				return fmt.Errorf("unsupported empty-width assertion %#x", in.Arg)
			}
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			s, err := runeSet(&in)
			if err != nil {
				return err
			}
			ni = inst{op: opByte, out: out, arg: addSet(s)}
		default:
			return fmt.Errorf("unsupported instruction %v", in.Op)
		}
		p.inst = append(p.inst, ni)
	}
	p.starts = append(p.starts, base+uint32(sp.Start))
	p.ends = append(p.ends, uint32(len(p.inst)))
	p.loops = append(p.loops, hasLoop(re))
	p.anchored = append(p.anchored, anchored(re))
	return nil
}

// runeSet converts a rune-consuming instruction to the byte set it accepts.
func runeSet(in *syntax.Inst) (byteSet, error) {
	var s byteSet
	switch in.Op {
	case syntax.InstRuneAny:
		s.add(0, 255)
		return s, nil
	case syntax.InstRuneAnyNotNL:
		s.add(0, '\n'-1)
		s.add('\n'+1, 255)
		return s, nil
	}
	rs := in.Rune
	if len(rs) == 1 {
		rs = []rune{rs[0], rs[0]}
	}
	for i := 0; i+1 < len(rs); i += 2 {
		lo, hi := rs[i], rs[i+1]
		if lo > 255 {
			continue
		}
		if hi > 255 {
			hi = 255
		}
		s.add(int(lo), int(hi))
	}
	if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
		// regexp/syntax turns a class like [Ss] into a case-folded
		// literal even without (?i); give it back its fold orbit, within
		// the byte range.
		orig := s
		for b := range 256 {
			if orig.has(byte(b)) {
				for r := unicode.SimpleFold(rune(b)); r != rune(b); r = unicode.SimpleFold(r) {
					if r <= 255 {
						s.add(int(r), int(r))
					}
				}
			}
		}
	}
	return s, nil
}

// checkOps rejects what a byte DFA cannot do, naming the construct, before
// regexp/syntax compiles it into instructions that lose the name.
func checkOps(re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine:
		return fmt.Errorf("line anchors (multi-line ^/$) are not supported")
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return fmt.Errorf("word boundaries (\\b, \\B) are not supported")
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r < 0 || r > 255 {
				return fmt.Errorf("rune %#x is not a byte", r)
			}
		}
	}
	for _, sub := range re.Sub {
		if err := checkOps(sub); err != nil {
			return err
		}
	}
	return nil
}

// begin returns the first instruction of pattern t.
func (p *prog) begin(t int) uint32 {
	if t == 0 {
		return 0
	}
	return p.ends[t-1]
}

// hasLoop reports whether re repeats something without bound. Patterns
// without loops add few DFA states to any union; loops are what multiply.
func hasLoop(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		if re.Max < 0 {
			return true
		}
	}
	for _, s := range re.Sub {
		if hasLoop(s) {
			return true
		}
	}
	return false
}

// anchored reports whether every match of re begins with ^. It only guides
// grouping: a component is treated as dead once its DFA says so, whatever
// its patterns look like.
func anchored(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText:
		return true
	case syntax.OpConcat:
		return len(re.Sub) > 0 && anchored(re.Sub[0])
	case syntax.OpCapture:
		return anchored(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !anchored(s) {
				return false
			}
		}
		return true
	}
	return false
}
