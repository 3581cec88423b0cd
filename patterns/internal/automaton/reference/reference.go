// Package reference is the slow, obviously correct model of the streaming
// matcher that tests compare the automaton with: it keeps the whole stream
// and re-runs Go's regexp over it after every chunk, as l7-filter re-runs
// regexec over its accumulated buffer after every packet.
package reference

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Matcher holds the patterns as Go regexps over a text whose runes are the
// stream's bytes.
type Matcher struct {
	res      []*regexp.Regexp
	maxBytes int
}

// New compiles res (runes are bytes, as for automaton.Compile) for streams
// examined up to maxBytes non-NUL bytes.
func New(res []*syntax.Regexp, maxBytes int) (*Matcher, error) {
	m := &Matcher{maxBytes: maxBytes}
	for i, re := range res {
		r, err := regexp.Compile(re.String())
		if err != nil {
			return nil, fmt.Errorf("pattern %d: %v", i, err)
		}
		m.res = append(m.res, r)
	}
	return m, nil
}

// Outcome is the verdict on a whole stream.
type Outcome struct {
	Tag   int // winning pattern, -1 if none
	Chunk int // index of the chunk after which the verdict fell, -1 if none
	// Budget reports that the byte budget ran out before any match.
	Budget bool
}

// Run feeds chunks in order: NULs are dropped, bytes past the budget are
// ignored, and after each chunk that added bytes the lowest-numbered pattern
// matching the whole buffer so far, if any, decides.
func (m *Matcher) Run(chunks [][]byte) Outcome {
	var buf strings.Builder
	n := 0
	for i, c := range chunks {
		added := false
		for _, b := range c {
			if b != 0 && n < m.maxBytes {
				buf.WriteRune(rune(b))
				n++
				added = true
			}
		}
		if !added {
			continue
		}
		for t, re := range m.res {
			if re.MatchString(buf.String()) {
				return Outcome{Tag: t, Chunk: i}
			}
		}
		if n >= m.maxBytes {
			return Outcome{Tag: -1, Chunk: i, Budget: true}
		}
	}
	return Outcome{Tag: -1, Chunk: -1}
}
