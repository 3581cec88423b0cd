package patterns

import "regexp/syntax"

// Pattern is one protocol's pattern as read from an l7-filter .pat file,
// translated and ready to be compiled into a Set.
//
// Regexp is already in the automaton's alphabet: every rune in it is in
// 0..255 and stands for that byte (\xHH escapes were replaced by raw bytes
// before parsing), OpAnyChar means any byte, case-insensitivity has been
// expanded into explicit ASCII classes (no syntax.FoldCase flag remains),
// and ^ / $ appear as OpBeginText / OpEndText.
type Pattern struct {
	// Name is the protocol name: the first non-comment line of the file.
	Name string
	// File is the path the pattern was loaded from ("defaults/x.pat" for
	// embedded ones); Line is the 1-based line of the regex in File.
	File string
	Line int
	// Source is the regex text as written in the file (the userspace
	// pattern when the file has one).
	Source string
	// Regexp is the translated regex (see the type comment).
	Regexp *syntax.Regexp
	// Priority orders patterns: when several match in the same packet, the
	// lowest Priority wins. Load assigns it; see doc.go.
	Priority int
	// Meta is the header metadata, shown to users, never interpreted.
	Meta Meta
	// Flags are the regcomp flags Regexp was translated with:
	// DefaultFlags unless the file's "userspace flags=" line says otherwise.
	Flags Flags
	// Pseudo marks l7-filter's pseudo-protocols "unknown" and "unset":
	// loaded for their metadata, never compiled (Regexp is nil).
	Pseudo bool

	// dir and rel place the file among the loaded directories; they break
	// priority ties (see doc.go).
	dir int
	rel string
}

// Meta is what a .pat file's comment header says about its protocol.
type Meta struct {
	Description string   // first comment line, without "# "
	Attributes  []string // "Pattern attributes:" words (e.g. "good", "fast")
	Groups      []string // "Protocol groups:" words
	Wiki        string   // "Wiki:" URL
}
