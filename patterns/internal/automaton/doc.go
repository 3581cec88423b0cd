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
// is built in two bounded layers, and walked as the third part says:
//
//  1. Components (group.go, determinize.go). regexp/syntax compiles each
//     pattern to a Thompson NFA, translated to bytes (prog.go); patterns are
//     packed, loop-free ones first, into at most 16 groups whose DFAs each
//     stay under a state cap (8192, raised if the set needs it), as Yu et
//     al. (ANCS 2006) grouped l7-filter patterns. Anchored patterns (^ on
//     every branch: 85 of the 113) are packed apart from the others, into
//     the first components, the head. Each component is an eager,
//     immutable DFA over byte classes, made unanchored by seeding every
//     position with the starts of its patterns, with states from which
//     nothing can match folded into a dead state. The head and the other
//     components are grouped on two goroutines at once, with a check that
//     the result is the one grouping them in turn would give. The 113
//     protocol patterns give 11 components (6 head), ~48000 states,
//     ~15 MiB, in ~0.45 s of CPU.
//
//  2. Lazy product DFAs (cache.go). A stream's true state is the tuple of
//     its component states, and that tuple is what a State stores, so its
//     meaning never changes: 16 bytes (state.go), each component's state
//     index packed in as many bits as its state count needs (127 bits for
//     the 113 protocols), unpacked and packed once per Feed, and only the
//     tail's part once the head is dead. The 128th bit marks a decided
//     stream, whose tag then takes the tuple's place. The byte count the
//     budget needs is kept by the caller beside the State. A set whose
//     tuples need more bits (the whole l7-protocols collection, 144
//     patterns) keeps the same grouping and spills them into a Spill the
//     caller keeps per stream, so no pattern is dropped for want of bits. The hot loop
//     runs a lazily built DFA over these tuples, shared by all goroutines:
//     a transition load (after a byte class load in the tail) and one
//     comparison per byte. There are two. The head
//     product spans every component, with rows of 256 transitions indexed
//     by the byte. Once the head components are all dead, which on most
//     payloads (random, encrypted, text of another protocol) takes a few
//     bytes, a stream moves for good to the tail product over the other
//     components: its rows are indexed by their byte classes only (89 for
//     the protocols, against ~230 for all), so the states such payloads
//     visit take a quarter of the cache. A missing transition is computed
//     from the components (one table lookup each) under a mutex and
//     published with an atomic store; the hot path takes no lock and
//     allocates nothing. Memory is bounded: when a cache generation is
//     full it is replaced by an empty one (doubling from a small first size
//     up to the cap). Feeds still walking the old generation finish on it;
//     every stream finds its row again from its tuple in the new one.
//     Thrashing therefore costs speed, never correctness: at worst each
//     byte takes the component path.
//
//  3. Racing (exec.go, race). One DFA walk is a chain of dependent loads,
//     bound by their latency. In the tail, a chunk of 64 bytes or more is
//     cut into four parts walked at once, the later three speculatively
//     from the chunk's start state: random data brings the tail back to
//     the state it was in within a few bytes, so the true walk, continued
//     into each later part beside a fresh speculative one, soon meets it
//     and takes its end state. Only ordinary transitions are raced; a
//     match, a miss or a death ends the race and the plain loop goes on
//     from the true position, so the verdicts are the plain loop's. The
//     loops over ordinary transitions (walkParts, walkTail, walkBoth) are
//     functions of their own, holding nothing but the walk, so that the
//     compiler keeps every state in a register: inside the feed functions
//     it kept some on the stack, and each of their steps waited on a store
//     and a load.
//
// Half of Options.MaxMemory goes to the components and the rest to the
// caches, as many rows in each, each of which may briefly hold two
// generations.
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
