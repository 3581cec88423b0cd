// Package automaton matches many l7-filter patterns at once over streams,
// keeping a small fixed State per stream instead of its payload.
//
// # Semantics (l7-filter userspace)
//
// l7-filter appends each packet's payload, NUL bytes removed, to a
// per-connection buffer capped at 12000 bytes and re-runs regexec on the
// whole buffer after every packet. A Machine gives the same verdicts without
// keeping the buffer:
//
//   - NUL bytes are skipped; they neither advance patterns nor count.
//   - The caller feeds one stream per connection: both directions' chunks
//     in arrival order.
//   - ^ holds only before the stream's first non-NUL byte. $ holds at the
//     end of every chunk (the end of the buffer at that regexec), and
//     nowhere else.
//   - Only the first MaxBytes non-NUL bytes are examined; the chunk that
//     crosses the budget is cut there (and $ holds at the cut).
//   - After each chunk that adds bytes, if any pattern matches the data so
//     far the stream is decided: among the patterns matching within that
//     chunk (or at its end, for $) the lowest tag wins. The verdict is
//     final. A chunk of NULs only is a no-op.
//   - GaveUp comes when the budget is spent, or as soon as no pattern can
//     match any continuation (all threads dead), so the caller can stop.
//
// # Design
//
// The union of the ~115 l7 patterns has millions of DFA states (measured:
// more than two million for the 85 anchored patterns alone, and as many for
// the 28 unanchored ones: loops such as .* and [\x09-\x0d -~]* in several
// patterns multiply), so it cannot be built eagerly under a memory cap. It
// is built in two layers, each bounded:
//
//  1. Components (group.go, determinize.go). regexp/syntax compiles each
//     pattern to a Thompson NFA, translated to bytes (prog.go); patterns are
//     packed, loop-free ones first, into at most 16 groups whose DFAs each
//     stay under a state cap (8192, raised if the set needs it), as Yu et
//     al. (ANCS 2006) grouped l7-filter patterns. Each component is an
//     eager, immutable DFA over byte classes, made unanchored by seeding
//     every position with the starts of its patterns, with states from
//     which nothing can match folded into a dead state. The 113 protocol
//     patterns give 14 components, ~53000 states, ~16 MiB, in ~1.5 s.
//
//  2. A lazy product DFA (cache.go). A stream's true state is the tuple of
//     its component states, and that tuple is what a State stores (one
//     uint16 per component), so its meaning never changes. The hot loop
//     runs a lazily built DFA over these tuples: rows of 256 transitions,
//     one load and one comparison per byte, shared by all goroutines.
//     A missing transition is computed from the components (one table
//     lookup each) under a mutex and published with an atomic store; the
//     hot path takes no lock and allocates nothing. Memory is bounded: when
//     a cache generation is full it is replaced by an empty one (doubling
//     from a small first size up to the cap). Feeds still walking the old
//     generation finish on it; every stream finds its row again from its
//     tuple in the new one. Thrashing therefore costs speed, never
//     correctness: at worst each byte takes the component path.
//
// Half of Options.MaxMemory goes to the components and the rest to the
// cache, which may briefly hold two generations.
//
// Compiling is bounded by counters (budget.go), so that a hostile pattern
// costs the same bounded time and memory on every machine: each pattern's
// NFA is capped, and each DFA construction is metered in steps (closure
// visits, leaves merged, sorted) against Options.MaxWork and in bytes of
// NFA state sets against half of Options.MaxMemory, and looks at its
// context every 16,384 steps. A pattern that breaks a budget alone is a
// PatternError; a larger group that breaks one is split, as for the state
// cap.
//
// # Concurrency
//
// A Machine is safe for concurrent use by any number of goroutines, each
// feeding its own States; a State must not be fed by two goroutines at
// once. A State belongs to the Machine that made it: after a reload, a
// stream keeps feeding its old Machine until it decides, or starts over on
// the new one.
package automaton
