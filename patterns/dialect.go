package patterns

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxRepeat is regexp/syntax's limit on a {m,n} count. glibc allows up to
// RE_DUP_MAX (32767); no l7 pattern comes near either.
const maxRepeat = 1000

// Translate turns the regex text of a .pat file into a regexp/syntax tree
// in the automaton's alphabet (see Pattern), reading it the way l7-filter
// userspace does: \xHH escapes are replaced by raw bytes first, then the
// text is compiled as glibc regcomp would with flags (POSIX ERE with
// Extended, BRE without). The rules are listed in doc.go; every error names
// the construct and why it is refused.
//
// Translation is a rewrite into Go syntax in which every character and
// bracket expression has already become an explicit byte class, followed
// by syntax.Parse for the structure (groups, alternation, repetition).
func Translate(src string, flags Flags) (*syntax.Regexp, error) {
	if flags&Newline != 0 {
		return nil, errors.New("REG_NEWLINE is not supported: streams have no lines (l7-filter's own flags never use it)")
	}
	raw, err := unescapeHex(src)
	if err != nil {
		return nil, err
	}
	t := translator{in: raw, ext: flags&Extended != 0, icase: flags&ICase != 0, atom: -1, branchStart: true}
	goSrc, err := t.run()
	if err != nil {
		return nil, err
	}
	re, err := syntax.Parse(goSrc, syntax.DotNL|syntax.OneLine|syntax.PerlX)
	if err != nil {
		return nil, fmt.Errorf("regexp/syntax: %w", err)
	}
	unfold(re)
	if err := checkAlphabet(re); err != nil {
		return nil, fmt.Errorf("internal translation error for %q: %w", src, err)
	}
	return re, nil
}

// unescapeHex replaces every \xHH (two hex digits) by the byte it names,
// exactly like l7-filter's pre_process: blindly, before the regex parser
// sees the text, so \x2e is '.', the any-byte operator, and \x5c\x2e is
// "\.", a literal dot. A NUL byte is refused: payload NULs are stripped
// before matching, so it could never match (l7-filter, working on C
// strings, would silently end the pattern there instead).
func unescapeHex(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+3 < len(s) && s[i+1] == 'x' && isHex(s[i+2]) && isHex(s[i+3]) {
			c = unhex(s[i+2])<<4 | unhex(s[i+3])
			i += 3
		}
		if c == 0 {
			return "", fmt.Errorf("NUL byte (\\x00) at offset %d: payload NULs are stripped before matching, so it could never match", i)
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// translator rewrites POSIX regex text into Go syntax. Its output uses only
// \x{HH} escapes, explicit byte classes, "(?:", ")", "|", "^", "$", \A, \z,
// ".", and repetition operators, so syntax.Parse sees nothing ambiguous.
type translator struct {
	in    string
	pos   int
	ext   bool // ERE (REG_EXTENDED); BRE otherwise
	icase bool // REG_ICASE
	out   []byte
	// groups holds the out offset of each open group's "(?:".
	groups []int
	// atom is the out offset where the last repeatable atom starts; -1
	// when a repetition operator here would have nothing to repeat.
	atom int
	// repeated says the last atom already carries a repetition operator:
	// POSIX allows "a**", Go does not, so the next one wraps it in (?:).
	repeated bool
	// branchStart is true at the start of the regex, of a group and of an
	// alternative, where BRE reads ^ as an anchor.
	branchStart bool
}

func (t *translator) run() (string, error) {
	for t.pos < len(t.in) {
		c := t.in[t.pos]
		t.pos++
		var err error
		switch {
		case c == '\\':
			err = t.escape()
		case c == '[':
			err = t.bracket()
		case c == '.':
			t.emitAtom(".")
		case c == '*':
			err = t.repeat("*")
		case t.ext && (c == '+' || c == '?'):
			err = t.repeat(string(c))
		case t.ext && c == '{':
			err = t.interval("}")
		case t.ext && c == '(':
			t.open()
		case t.ext && c == ')' && len(t.groups) > 0:
			t.close()
		case t.ext && c == '|':
			t.alternate()
		case c == '^' && (t.ext || t.branchStart):
			t.anchor("^")
		case c == '$' && (t.ext || t.atBREEnd()):
			t.anchor("$")
		default:
			// Includes ERE's unmatched ')' (RE_UNMATCHED_RIGHT_PAREN_ORD)
			// and a lone '}', which glibc reads as ordinary characters.
			t.literal(c)
		}
		if err != nil {
			return "", err
		}
	}
	if len(t.groups) > 0 {
		return "", errors.New("unmatched ( : the group is never closed")
	}
	return string(t.out), nil
}

// atBREEnd reports whether a BRE '$' just read is an anchor: at the end of
// the regex or before \) or \|; elsewhere it is an ordinary character.
func (t *translator) atBREEnd() bool {
	rest := t.in[t.pos:]
	return rest == "" || strings.HasPrefix(rest, `\)`) || strings.HasPrefix(rest, `\|`)
}

func (t *translator) escape() error {
	if t.pos >= len(t.in) {
		return errors.New("trailing backslash")
	}
	c := t.in[t.pos]
	t.pos++
	switch {
	case '1' <= c && c <= '9':
		return fmt.Errorf(`backreference \%c is not supported: a DFA cannot remember matched text`, c)
	case c == 'b' || c == 'B' || c == '<' || c == '>':
		return fmt.Errorf(`word-boundary assertion \%c is not supported by the automaton`, c)
	case c == 'w' || c == 'W' || c == 's' || c == 'S':
		// GNU extensions: \w is [[:alnum:]_], \s is [[:space:]].
		var set byteSet
		if c == 'w' || c == 'W' {
			set.addClass("alnum")
			set['_'] = true
		} else {
			set.addClass("space")
		}
		if c == 'W' || c == 'S' {
			set.negate()
		}
		t.emitSet(&set)
	case c == '`':
		t.anchor(`\A`)
	case c == '\'':
		t.anchor(`\z`)
	case !t.ext && c == '(':
		t.open()
	case !t.ext && c == ')':
		if len(t.groups) == 0 {
			return errors.New(`unmatched \)`)
		}
		t.close()
	case !t.ext && c == '|':
		t.alternate()
	case !t.ext && c == '{':
		return t.interval(`\}`)
	case !t.ext && (c == '+' || c == '?') && t.atom >= 0:
		return t.repeat(string(c))
	default:
		// glibc reads any other escaped character as itself (\. \$ \\;
		// \n and \d are 'n' and 'd'), and takes it from the pattern
		// before upper-casing: under REG_ICASE an escaped lower-case
		// letter is compared with the upper-cased subject and never
		// matches. Mirrored, not "fixed".
		var set byteSet
		set[c] = true
		t.emitSet(&set)
	}
	return nil
}

// interval parses {m}, {m,}, {m,n} or glibc's {,n} after the opening
// brace; closer is "}" in ERE and "\}" in BRE.
func (t *translator) interval(closer string) error {
	start := t.pos
	bad := func() error {
		return fmt.Errorf("invalid interval %q (glibc: Invalid content of \\{\\}); write \\{ for a literal brace", t.in[start-1:min(len(t.in), t.pos+1)])
	}
	lo, okLo := t.number()
	hi := lo
	if t.pos < len(t.in) && t.in[t.pos] == ',' {
		t.pos++
		var okHi bool
		if hi, okHi = t.number(); !okHi {
			hi = -1
		}
		if !okLo {
			lo = 0
		}
	} else if !okLo {
		return bad()
	}
	if !strings.HasPrefix(t.in[t.pos:], closer) {
		return bad()
	}
	t.pos += len(closer)
	switch {
	case hi >= 0 && lo > hi:
		return fmt.Errorf("invalid interval {%d,%d}: minimum above maximum", lo, hi)
	case lo > maxRepeat || hi > maxRepeat:
		return fmt.Errorf("repetition count above %d is not supported", maxRepeat)
	case hi < 0:
		return t.repeat(fmt.Sprintf("{%d,}", lo))
	}
	return t.repeat(fmt.Sprintf("{%d,%d}", lo, hi))
}

// number reads a decimal number; ok is false when there is none.
func (t *translator) number() (n int, ok bool) {
	for t.pos < len(t.in) && '0' <= t.in[t.pos] && t.in[t.pos] <= '9' {
		if n <= maxRepeat {
			n = n*10 + int(t.in[t.pos]-'0')
		}
		t.pos++
		ok = true
	}
	return n, ok
}

func (t *translator) repeat(op string) error {
	if t.atom < 0 {
		if !t.ext && op[0] != '{' {
			// BRE: '*', \+ and \? with nothing before them are ordinary.
			t.literal(op[0])
			return nil
		}
		return fmt.Errorf("repetition operator %q at offset %d has nothing to repeat", op, t.pos-1)
	}
	if t.repeated {
		t.out = append(t.out[:t.atom], append([]byte("(?:"), t.out[t.atom:]...)...)
		t.out = append(t.out, ')')
	}
	t.out = append(t.out, op...)
	t.repeated = true
	return nil
}

func (t *translator) open() {
	t.groups = append(t.groups, len(t.out))
	t.out = append(t.out, "(?:"...)
	t.atom, t.repeated, t.branchStart = -1, false, true
}

func (t *translator) close() {
	start := t.groups[len(t.groups)-1]
	t.groups = t.groups[:len(t.groups)-1]
	t.out = append(t.out, ')')
	t.atom, t.repeated, t.branchStart = start, false, false
}

func (t *translator) alternate() {
	t.out = append(t.out, '|')
	t.atom, t.repeated, t.branchStart = -1, false, true
}

// anchor emits an assertion; glibc refuses a repetition operator after one
// in ERE and reads it as an ordinary character in BRE.
func (t *translator) anchor(s string) {
	t.out = append(t.out, s...)
	t.atom, t.repeated, t.branchStart = -1, false, false
}

func (t *translator) emitAtom(s string) {
	t.atom = len(t.out)
	t.out = append(t.out, s...)
	t.repeated, t.branchStart = false, false
}

// literal emits one pattern character.
func (t *translator) literal(c byte) {
	var set byteSet
	set[t.fold(c)] = true
	t.emitSet(&set)
}

// fold is glibc's REG_ICASE: it upper-cases the pattern text and the
// subject alike (ASCII only in the C locale l7-filter runs in).
func (t *translator) fold(c byte) byte {
	if t.icase && 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// emitSet emits the class of subject bytes b whose folded form is in set:
// under REG_ICASE a byte matches when its upper-case form is in the
// (upper-cased) pattern's set, so lower-case letters that got into set
// through a range such as [!-~] are dead, and "[A-z]" means [A-Z] only.
func (t *translator) emitSet(set *byteSet) {
	var subject byteSet
	for b := range 256 {
		subject[b] = set[t.fold(byte(b))]
	}
	t.emitAtom(subject.goSyntax())
}

// bracket parses a POSIX bracket expression after its '['. Backslash is an
// ordinary character inside it; ']' first (after an optional '^') is
// literal; '-' first or last is literal.
func (t *translator) bracket() error {
	start := t.pos - 1
	var set byteSet
	negate := t.pos < len(t.in) && t.in[t.pos] == '^'
	if negate {
		t.pos++
	}
	for first := true; ; first = false {
		if t.pos >= len(t.in) {
			return fmt.Errorf("unmatched [ at offset %d", start)
		}
		if t.in[t.pos] == ']' && !first {
			t.pos++
			break
		}
		lo, class, err := t.bracketElem()
		if err != nil {
			return err
		}
		if class != "" {
			if err := t.addClass(&set, class); err != nil {
				return err
			}
			continue
		}
		hi := lo
		if t.pos+1 < len(t.in) && t.in[t.pos] == '-' && t.in[t.pos+1] != ']' {
			t.pos++
			if hi, class, err = t.bracketElem(); err != nil {
				return err
			}
			if class != "" {
				return fmt.Errorf("range in bracket at offset %d ends in a character class", start)
			}
			if hi < lo {
				return fmt.Errorf("invalid range %q-%q in bracket at offset %d: start after end (glibc: Invalid range end)", lo, hi, start)
			}
		}
		for b := int(lo); b <= int(hi); b++ {
			set[b] = true
		}
	}
	if negate {
		set.negate()
	}
	t.emitSet(&set)
	return nil
}

// bracketElem reads one bracket element: a character (upper-cased under
// REG_ICASE, as glibc does to the whole pattern), a collating element
// [.c.] or equivalence class [=c=] of one character, or a character class
// [:name:] (returned by name, whose case glibc keeps).
func (t *translator) bracketElem() (c byte, class string, err error) {
	c = t.in[t.pos]
	t.pos++
	if c != '[' || t.pos >= len(t.in) || !strings.ContainsRune(":=.", rune(t.in[t.pos])) {
		return t.fold(c), "", nil
	}
	kind := t.in[t.pos]
	end := strings.Index(t.in[t.pos+1:], string(kind)+"]")
	if end < 0 {
		return 0, "", fmt.Errorf("unterminated [%c in bracket expression", kind)
	}
	name := t.in[t.pos+1 : t.pos+1+end]
	t.pos += end + 3
	if kind == ':' {
		return 0, name, nil
	}
	if len(name) != 1 {
		return 0, "", fmt.Errorf("collating element [%c%s%c] is not a single character (the C locale has no others)", kind, name, kind)
	}
	return t.fold(name[0]), "", nil
}

func (t *translator) addClass(set *byteSet, name string) error {
	if t.icase && (name == "upper" || name == "lower") {
		name = "alpha" // glibc: under REG_ICASE both mean alpha
	}
	if !set.addClass(name) {
		return fmt.Errorf("unknown character class [:%s:]", name)
	}
	return nil
}

// byteSet is a set of bytes being built from a bracket expression.
type byteSet [256]bool

// posixClasses are the C locale's character classes.
var posixClasses = map[string]func(b byte) bool{
	"alpha":  func(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' },
	"upper":  func(b byte) bool { return 'A' <= b && b <= 'Z' },
	"lower":  func(b byte) bool { return 'a' <= b && b <= 'z' },
	"digit":  func(b byte) bool { return '0' <= b && b <= '9' },
	"xdigit": isHex,
	"alnum":  isAlnum,
	"space":  func(b byte) bool { return b == ' ' || '\t' <= b && b <= '\r' },
	"blank":  func(b byte) bool { return b == ' ' || b == '\t' },
	"punct":  func(b byte) bool { return '!' <= b && b <= '~' && !isAlnum(b) },
	"print":  func(b byte) bool { return ' ' <= b && b <= '~' },
	"graph":  func(b byte) bool { return '!' <= b && b <= '~' },
	"cntrl":  func(b byte) bool { return b < ' ' || b == 0x7f },
}

func isAlnum(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func (s *byteSet) addClass(name string) bool {
	in, ok := posixClasses[name]
	for b := range 256 {
		if ok && in(byte(b)) {
			s[b] = true
		}
	}
	return ok
}

func (s *byteSet) negate() {
	for b := range s {
		s[b] = !s[b]
	}
}

// goSyntax writes the set as Go regex text: one \x{HH} escape or a class
// of ranges. Runes above 0xFF never appear, so the class means bytes.
func (s *byteSet) goSyntax() string {
	var b strings.Builder
	n := 0
	for lo := 0; lo < 256; lo++ {
		if !s[lo] {
			continue
		}
		hi := lo
		for hi+1 < 256 && s[hi+1] {
			hi++
		}
		if hi == lo {
			fmt.Fprintf(&b, `\x{%x}`, lo)
		} else {
			fmt.Fprintf(&b, `\x{%x}-\x{%x}`, lo, hi)
		}
		n += hi - lo + 1
		lo = hi
	}
	switch n {
	case 0:
		return `[^\x{0}-\x{10ffff}]` // matches nothing
	case 1:
		return b.String()
	}
	return "[" + b.String() + "]"
}

// unfold undoes a syntax.Parse shortcut: it turns a class such as [Aa] into
// the literal 'A' with the FoldCase flag. The automaton wants explicit
// classes, so every folded literal becomes classes again; the pair is
// exactly the one that was written, as Parse only folds two-rune orbits.
func unfold(re *syntax.Regexp) {
	for _, sub := range re.Sub {
		unfold(sub)
	}
	if re.Flags&syntax.FoldCase == 0 {
		return
	}
	re.Flags &^= syntax.FoldCase
	if re.Op != syntax.OpLiteral {
		return
	}
	var parts []*syntax.Regexp
	for _, r := range re.Rune {
		f := unicode.SimpleFold(r)
		if f == r {
			if n := len(parts); n > 0 && parts[n-1].Op == syntax.OpLiteral {
				parts[n-1].Rune = append(parts[n-1].Rune, r)
				continue
			}
			parts = append(parts, &syntax.Regexp{Op: syntax.OpLiteral, Flags: re.Flags, Rune: []rune{r}})
			continue
		}
		lo, hi := min(r, f), max(r, f)
		parts = append(parts, &syntax.Regexp{Op: syntax.OpCharClass, Flags: re.Flags, Rune: []rune{lo, lo, hi, hi}})
	}
	if len(parts) == 1 {
		*re = *parts[0]
		return
	}
	*re = syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: parts}
}

// checkAlphabet verifies the promise made to the automaton: only byte
// runes and the operators it implements.
func checkAlphabet(re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpLiteral, syntax.OpCharClass,
		syntax.OpAnyChar, syntax.OpBeginText, syntax.OpEndText, syntax.OpCapture,
		syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat,
		syntax.OpConcat, syntax.OpAlternate:
	default:
		return fmt.Errorf("operator %v outside the automaton's alphabet", re.Op)
	}
	if re.Flags&syntax.FoldCase != 0 {
		return errors.New("FoldCase flag left in the tree")
	}
	for _, r := range re.Rune {
		if r > 0xff {
			return fmt.Errorf("rune %#x above 0xff", r)
		}
	}
	for _, sub := range re.Sub {
		if err := checkAlphabet(sub); err != nil {
			return err
		}
	}
	return nil
}
