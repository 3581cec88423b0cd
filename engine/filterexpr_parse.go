package engine

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// The view filter language is BPF extended with four primitives about a
// packet's flow:
//
//	app NAME       the flow's verdict is NAME ("ssl", "http", "unknown")
//	service NAME   the flow's host matched the service rule NAME
//	host SUFFIX    the flow's host is SUFFIX or ends in "."+SUFFIX
//	flow ID        the packet belongs to flow ID (the flows view's id)
//
// combined with each other and with BPF by not/and/or (and BPF's !, &&,
// ||) and parentheses. Precedence is BPF's, so that a BPF expression
// means the same here as in tcpdump: not binds tightest, and/or are
// equal and group left to right. "host ADDRESS" stays BPF's address test;
// only a name after host is a host suffix. The parser finds the
// identity primitives and the maximal BPF sub-expressions between them;
// each BPF sub-expression is compiled by libpcap from its own text.

// FilterError is a view filter the parser refused: where (Col, 1-based,
// in bytes) and why.
type FilterError struct {
	Expr string
	Col  int
	Msg  string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter %q: column %d: %s", e.Expr, e.Col, e.Msg)
}

// maxFilterDepth bounds parenthesis and not nesting, so an input cannot
// grow the parser's stack without bound.
const maxFilterDepth = 64

type tokKind uint8

const (
	tWord tokKind = iota
	tLParen
	tRParen
	tNot
	tAnd
	tOr
	tEOF
)

type token struct {
	kind     tokKind
	text     string
	pos, end int // byte offsets in the expression
}

// lexFilter splits expr into words, parentheses and the boolean
// operators. A word is anything else up to a space or one of those, so
// BPF's own arithmetic ("tcp[13]&2!=0", "len>100") stays inside words
// and reaches libpcap unchanged; "!" is an operator only when it does
// not start "!=".
func lexFilter(expr string) []token {
	var toks []token
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '(':
			toks = append(toks, token{tLParen, "(", i, i + 1})
			i++
			continue
		case c == ')':
			toks = append(toks, token{tRParen, ")", i, i + 1})
			i++
			continue
		case operatorAt(expr, i) != 0:
			n := operatorAt(expr, i)
			toks = append(toks, token{opKind(expr[i]), expr[i : i+n], i, i + n})
			i += n
			continue
		}
		j := i
		for j < len(expr) && !strings.ContainsRune(" \t\n\r()", rune(expr[j])) && operatorAt(expr, j) == 0 {
			j++
		}
		w := expr[i:j]
		k := tWord
		switch strings.ToLower(w) {
		case "and":
			k = tAnd
		case "or":
			k = tOr
		case "not":
			k = tNot
		}
		toks = append(toks, token{k, w, i, j})
		i = j
	}
	return append(toks, token{tEOF, "", len(expr), len(expr)})
}

// operatorAt returns the length of the operator "!", "&&" or "||" at
// expr[i], 0 if there is none.
func operatorAt(expr string, i int) int {
	switch {
	case expr[i] == '!' && (i+1 == len(expr) || expr[i+1] != '='):
		return 1
	case strings.HasPrefix(expr[i:], "&&"), strings.HasPrefix(expr[i:], "||"):
		return 2
	}
	return 0
}

func opKind(c byte) tokKind {
	switch c {
	case '!':
		return tNot
	case '&':
		return tAnd
	}
	return tOr
}

type exprKind uint8

const (
	eBPF exprKind = iota
	eApp
	eService
	eHost
	eFlow
	eNot
	eAnd
	eOr
)

// expr is the parsed filter: a tree whose nodes know their span of the
// source, so that a part without identity primitives can be handed to
// libpcap as text.
type expr struct {
	kind   exprKind
	arg    string // the name of an app, service or host primitive; a flow id
	kids   []*expr
	lo, hi int
	paren  bool // written in parentheses: its span includes them
	pure   bool // plain BPF: no identity primitive inside
}

type filterParser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// parseFilter parses expr into its tree.
func parseFilter(src string) (*expr, error) {
	p := &filterParser{src: src, toks: lexFilter(src)}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errAt(t, fmt.Sprintf("unexpected %q", t.text))
	}
	return e, nil
}

func (p *filterParser) peek() token { return p.toks[p.i] }

func (p *filterParser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *filterParser) errAt(t token, msg string) error {
	return &FilterError{Expr: p.src, Col: t.pos + 1, Msg: msg}
}

// parseOr parses a chain of and/or, left to right at equal precedence.
// A chain of one operator becomes one node with many children, so that
// neighbouring BPF children can be compiled as one text ("port 80 or
// 443" keeps BPF's implied "port" before 443).
func (p *filterParser) parseOr() (*expr, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tAnd && t.kind != tOr {
			return left, nil
		}
		p.next()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		k := eAnd
		if t.kind == tOr {
			k = eOr
		}
		pure := left.pure && right.pure
		if left.kind == k && !left.paren {
			left.kids = append(left.kids, right)
		} else {
			left = &expr{kind: k, kids: []*expr{left, right}, lo: left.lo}
		}
		left.hi, left.pure = right.hi, pure
	}
}

func (p *filterParser) parseNot() (*expr, error) {
	t := p.peek()
	if t.kind != tNot {
		return p.parsePrimary()
	}
	if p.depth++; p.depth > maxFilterDepth {
		return nil, p.errAt(t, "nested too deeply")
	}
	defer func() { p.depth-- }()
	p.next()
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	return &expr{kind: eNot, kids: []*expr{x}, lo: t.pos, hi: x.hi, pure: x.pure}, nil
}

func (p *filterParser) parsePrimary() (*expr, error) {
	t := p.peek()
	switch t.kind {
	case tLParen:
		g, err := p.parseGroup()
		if err != nil {
			return nil, err
		}
		if p.peek().kind == tWord || p.peek().kind == tLParen {
			// BPF arithmetic such as "(tcp[12] & 0xf0) > 20".
			return p.parseBPF(g)
		}
		return g, nil
	case tWord:
		if e, ok, err := p.parseIdentity(); ok || err != nil {
			return e, err
		}
		return p.parseBPF(nil)
	case tEOF:
		return nil, p.errAt(t, "expression ends where an operand is expected")
	}
	return nil, p.errAt(t, fmt.Sprintf("%q where an operand is expected", t.text))
}

// parseGroup parses "( expr )".
func (p *filterParser) parseGroup() (*expr, error) {
	open := p.next()
	if p.depth++; p.depth > maxFilterDepth {
		return nil, p.errAt(open, "nested too deeply")
	}
	defer func() { p.depth-- }()
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	closing := p.next()
	switch closing.kind {
	case tRParen:
	case tEOF:
		return nil, p.errAt(open, "( is never closed")
	default:
		return nil, p.errAt(closing, fmt.Sprintf("unexpected %q", closing.text))
	}
	e.lo, e.hi, e.paren = open.pos, closing.end, true
	return e, nil
}

// parseIdentity parses an identity primitive, reporting whether the
// next words were one.
func (p *filterParser) parseIdentity() (*expr, bool, error) {
	t := p.peek()
	kind := eApp
	switch strings.ToLower(t.text) {
	case "app":
	case "service":
		kind = eService
	case "host":
		kind = eHost
	case "flow":
		kind = eFlow
	default:
		return nil, false, nil
	}
	arg := p.toks[p.i+1]
	if kind == eHost && arg.kind == tWord {
		if _, err := netip.ParseAddr(arg.text); err == nil {
			return nil, false, nil // BPF's "host 10.0.0.1"
		}
	}
	if arg.kind != tWord {
		return nil, true, p.errAt(t, strings.ToLower(t.text)+" needs a name after it")
	}
	p.i += 2
	name := strings.ToLower(arg.text)
	if kind == eFlow {
		if _, err := strconv.ParseUint(name, 10, 64); err != nil {
			return nil, true, p.errAt(arg, "flow needs a flow id (a number)")
		}
	}
	if kind == eHost {
		name = strings.TrimPrefix(strings.TrimPrefix(name, "*"), ".")
		if name == "" {
			return nil, true, p.errAt(arg, "host needs a name, not just a wildcard")
		}
	}
	return &expr{kind: kind, arg: name, lo: t.pos, hi: arg.end}, true, nil
}

// parseBPF parses a run of BPF words (and parenthesised BPF groups),
// starting with first if it is not nil; libpcap judges the words later.
func (p *filterParser) parseBPF(first *expr) (*expr, error) {
	e := &expr{kind: eBPF, pure: true, lo: p.peek().pos}
	if first != nil {
		if !first.pure {
			return nil, &FilterError{Expr: p.src, Col: first.lo + 1, Msg: "app, service and host cannot be used inside BPF arithmetic"}
		}
		e.lo = first.lo
	}
	for {
		switch t := p.peek(); t.kind {
		case tWord:
			p.next()
			e.hi = t.end
		case tLParen:
			g, err := p.parseGroup()
			if err != nil {
				return nil, err
			}
			if !g.pure {
				return nil, &FilterError{Expr: p.src, Col: g.lo + 1, Msg: "app, service and host cannot be used inside BPF arithmetic"}
			}
			e.hi = g.hi
		default:
			return e, nil
		}
	}
}
