package identity

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// RuleError is a problem in a rule file, reported the way compilers do.
type RuleError struct {
	File   string
	Line   int
	Reason string
}

// Error formats the problem as "file:line: reason".
func (e *RuleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// MaxHostLen is the longest name DNS allows (RFC 1035 §2.3.4, without the
// trailing dot); longer hosts never match a rule.
const MaxHostLen = 253

// Services maps host names to service names. A rule is either an exact
// host ("youtu.be") or a suffix wildcard ("*.youtube.com", which matches
// the subdomains of youtube.com, not youtube.com itself). When several
// rules match a host, the longest one wins, so "*.googlevideo.com" can name
// a service inside a broader "*.google.com". A Services is immutable once
// built and safe for concurrent use.
type Services struct {
	exact map[string]string // host → service
	wild  map[string]string // suffix after "*." → service
	names []string          // every service, in file order
	// origin remembers where each pattern was defined, for duplicate
	// reports; only needed while building.
	origin map[string]string
}

// NewServices returns an empty rule set.
func NewServices() *Services {
	return &Services{exact: map[string]string{}, wild: map[string]string{}, origin: map[string]string{}}
}

// Len returns how many services the rules name.
func (s *Services) Len() int { return len(s.names) }

// Names returns the services in the order their rules were read.
func (s *Services) Names() []string { return s.names }

// Parse adds the rules of one file, named file in errors, and returns the
// problems met. A broken line is left out; the others still load. The
// format is one service per line: its name, then host patterns separated
// by spaces or tabs; "#" starts a comment.
func (s *Services) Parse(file string, r io.Reader) []RuleError {
	var errs []RuleError
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		fail := func(format string, a ...any) {
			errs = append(errs, RuleError{File: file, Line: n, Reason: fmt.Sprintf(format, a...)})
		}
		name := strings.ToLower(words[0])
		if !validService(name) {
			fail("service name %q: use letters, digits, '-', '_' or '.'", words[0])
			continue
		}
		if len(words) == 1 {
			fail("service %s has no host patterns", name)
			continue
		}
		added := false
		for _, w := range words[1:] {
			host, wildcard, err := parsePattern(w)
			if err != "" {
				fail("%s: %s", w, err)
				continue
			}
			m := s.exact
			if wildcard {
				m = s.wild
			}
			key := host
			if wildcard {
				key = "*." + host
			}
			if prev, dup := s.origin[key]; dup {
				fail("%s is already a rule of %s", w, prev)
				continue
			}
			m[host] = name
			s.origin[key] = fmt.Sprintf("%s (%s:%d)", name, file, n)
			added = true
		}
		if added {
			s.names = appendUnique(s.names, name)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, RuleError{File: file, Reason: fmt.Sprintf("read: %v", err)})
	}
	return errs
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// parsePattern checks one host pattern and returns it lower-cased, without
// its "*." when it is a wildcard.
func parsePattern(w string) (host string, wildcard bool, problem string) {
	w = strings.ToLower(strings.TrimSuffix(w, "."))
	if rest, ok := strings.CutPrefix(w, "*."); ok {
		w, wildcard = rest, true
	}
	switch {
	case w == "":
		return "", false, "empty host"
	case len(w) > MaxHostLen:
		return "", false, fmt.Sprintf("longer than %d characters", MaxHostLen)
	case strings.Contains(w, "*"):
		return "", false, `a wildcard is allowed only as a leading "*."`
	case strings.Contains(w, ".."), w[0] == '.':
		return "", false, "empty label"
	case wildcard && !strings.Contains(w, "."):
		return "", false, "a wildcard over a whole top-level domain names too much"
	}
	for i := 0; i < len(w); i++ {
		if !hostByte(w[i]) {
			return "", false, fmt.Sprintf("character %q is not allowed in a host name", w[i])
		}
	}
	return w, wildcard, ""
}

func hostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
}

func validService(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !hostByte(n[i]) {
			return false
		}
	}
	return true
}

// Lookup returns the service of host, matching case-insensitively and
// ignoring a trailing dot. It tries the whole host, then each shorter
// suffix, so the first hit is the longest rule: one map probe per label,
// whatever the number of rules, and no allocation.
func (s *Services) Lookup(host string) (string, bool) {
	host = strings.TrimSuffix(host, ".")
	if s == nil || host == "" || len(host) > MaxHostLen {
		return "", false
	}
	var buf [MaxHostLen]byte
	b := buf[:len(host)]
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	if svc, ok := s.exact[string(b)]; ok {
		return svc, true
	}
	for i := 0; i < len(b); i++ {
		if b[i] == '.' {
			if svc, ok := s.wild[string(b[i+1:])]; ok {
				return svc, true
			}
		}
	}
	return "", false
}
