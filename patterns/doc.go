// Package patterns classifies connections by their first payload bytes
// with l7-filter pattern files, all compiled into one automaton
// (internal/automaton, whose own documentation explains the DFA
// strategy and its memory bound).
//
// # Pattern files
//
// A .pat file is l7-filter's: lines that are empty, blank or start with
// '#' are comments; the first other line is the protocol name, which must
// equal the file name without ".pat"; the next line is the regex, taken
// verbatim (trailing spaces included; a CR before the newline is dropped).
// Optional "userspace pattern=REGEX" and "userspace flags=FLAGS" lines
// after it replace the regex and the regcomp flags, as l7-filter userspace
// does (FLAGS are REG_EXTENDED, REG_ICASE, REG_NOSUB separated by spaces,
// '|' or ','; without the line they are REG_EXTENDED|REG_ICASE|REG_NOSUB).
// Any other line after the regex, or a file that ends before it (an
// editor's half-written save), is an error with its line number.
//
// From the leading comment block, Meta keeps the first line (the
// description) and the "Pattern attributes:", "Protocol groups:" and
// "Wiki:" lines; "# l7sniff-priority: N" sets Pattern.Priority.
//
// # Dialect
//
// Translate reads a regex exactly as l7-filter userspace does and turns it
// into a regexp/syntax tree over bytes:
//
//   - Every \xHH is replaced by its byte before anything else, blindly, as
//     l7-filter's pre_process does: \x2e is '.', the any-byte operator, and
//     \x5c\x2e becomes "\." and so a literal dot.
//   - The result is POSIX ERE as glibc regcomp reads it (BRE when the flags
//     omit REG_EXTENDED: x11.pat): inside [...] a backslash is an ordinary
//     character; ']' first in a bracket is literal; '-' first or last is
//     literal; [:alpha:] and the other C-locale classes work, as do [.c.]
//     and [=c=] for a single character; "a**" is allowed; {m,n}, {m,} and
//     glibc's {,n} are intervals (at most 1000) and any other '{' after an
//     atom is an error; a repetition operator with nothing before it is an
//     error in ERE and a literal in BRE; an unmatched ')' is literal; GNU's
//     \w, \W, \s, \S, \` and \' work; any other escaped character is itself.
//   - '.' and negated brackets match any byte, newline included.
//   - Bytes 0x80-0xFF are single bytes, never UTF-8.
//   - Case folding is REG_ICASE's in the C locale: ASCII only. glibc
//     upper-cases the pattern and the payload, and so does this
//     translation: "[A-z]" is [A-Z] (glibc's answer too), [:upper:] and
//     [:lower:] both mean [:alpha:], and an escaped lower-case letter such
//     as \d never matches (glibc compares it, un-upper-cased, with the
//     upper-cased payload).
//   - Refused, with the reason: backreferences (\1-\9), word boundaries
//     (\b, \B, \<, \>), REG_NEWLINE, and the NUL byte (\x00): payload NULs
//     are stripped before matching, so it could never match (l7-filter,
//     working on C strings, would silently cut the pattern there).
//
// Deviation: glibc lets a '$' that is followed by more pattern match
// before a newline, and a '^' that follows pattern match after one, even
// without REG_NEWLINE. Here '^' means the start of the stream and '$' the
// end of a chunk, nothing else. No l7-protocols pattern has such an anchor.
// The translation was checked against glibc 2.36's regcomp/regexec on
// every l7-protocols pattern, its samples and random text: same compile
// errors, same matches.
//
// # Loading and priority
//
// Load reads every *.pat under each directory, recursively, skipping
// hidden files and directories (".name": editors' swap and lock files).
// LoadFS does the same in an fs.FS; Default loads the embedded set in
// defaults/, the project's own patterns written from the protocols'
// specifications. A file that cannot be used is reported as a LoadError
// and left out; everything else loads.
//
// Loading is bounded whatever the files hold. A .pat that is not a regular
// file or exceeds 1 MiB is not read, a regex over 64 KiB is not parsed,
// and compiling is bounded by sizes and counters, not by a clock: a
// pattern's NFA by 65,536 instructions, each DFA construction by
// Options.MaxWork steps and by half of Options.MaxMemory for the NFA state
// sets it keeps. A pattern whose DFA does not fit alone is a LoadError at
// its regex's line ("its DFA alone is too large: ..."); its neighbours
// still load, and the same files give the same outcome on any machine.
// LoadContext and NewWatcherContext stop compiling within microseconds of
// their context being done, so a signal never waits for a compile.
//
// Patterns are ordered by Priority (lower first), then by the position of
// their directory in the argument list, then by path inside it. Priority
// is Options.Priority[name] if set, else the file's "# l7sniff-priority: N"
// header, else derived from the l7-protocols "Pattern attributes:" words:
// -1 for "subset" (a more specific version of another pattern), +1 for
// "overmatch" or "superset" (known to match other traffic), 0 otherwise. When several patterns match in the same
// chunk the first in this order wins. Two files with the same protocol
// name: the first in this order is used and the other reported. l7-filter
// itself has no priorities: iptables rule order or l7-filter.conf order
// decides there, which Options.Priority can reproduce.
//
// unknown.pat and unset.pat are l7-filter's pseudo-protocols: their regex
// is a dummy that l7-filter never compiles. They load without error, are
// kept for their metadata (Set.Pseudo) and are never matched. As in
// l7-filter, "unset" is the answer for a connection still being
// classified and "unknown" for one that was classified and matched
// nothing: see Verdict.Name.
//
// # Matching
//
// A Stream holds one connection's matcher state. The engine feeds it the
// application data of both directions in arrival order, one chunk per
// packet. The matcher strips NUL bytes, anchors '^' at the first byte of
// the stream, lets '$' match at the end of every chunk, and stops after
// Options.MaxBytes bytes (DefaultMaxBytes, 12000, l7-filter userspace's
// default; the kernel module's is 2048). The first chunk
// after which some pattern has matched decides, the highest-priority
// pattern among those that matched in it wins, and the verdict is final.
// Counting packets is the engine's job: after DefaultMaxPackets (10)
// packets of the connection, both directions and bare ACKs included, it
// calls Stream.GiveUp and the verdict is unknown.
//
// # Reloading
//
// A Watcher watches the pattern directories (and their subdirectories)
// with fsnotify, waits for a burst of changes to settle, rebuilds the
// whole Set off the hot path and publishes it atomically with a version
// number. A file that is present but unusable (half-written, a regex that
// does not translate or compile, unreadable) is reported with file, line
// and reason, and its previous good pattern stays in the new Set; the rest
// of the new Set applies. A deleted file's pattern is dropped. While a
// rebuild compiles, Current keeps returning the previous Set, and Close
// abandons the rebuild without publishing it.
//
// A Stream keeps the Set it was created from until it decides: its
// matcher state belongs to that Set's automaton. Sets are immutable and
// garbage-collected once no stream uses them, so a reload never disturbs
// a flow in progress; flows that start after the reload use the new Set.
// An engine that wants a reload to apply to flows still classifying may
// start a fresh Stream on the new Set, but the bytes already seen are not
// replayed.
package patterns
