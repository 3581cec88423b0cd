package automaton

// byteClasses partitions the 256 byte values into classes that no byte set of
// a group tells apart, so a DFA row needs one entry per class instead of 256.
// Equivalent bytes need not be adjacent: case-folded letters, for example,
// share a class with their other case.
type byteClasses struct {
	of   [256]uint8 // class of each byte
	n    int        // number of classes
	reps []byte     // one byte of each class
}

// nulClass is the class of byte 0. NUL is stripped from the input before
// matching, so the DFA gives this class a self-loop on every state and the
// hot loop needs no test for NUL.
const nulClass = 0

// newByteClasses refines {NUL} {1..255} by every set in sets.
func newByteClasses(sets []byteSet) *byteClasses {
	c := &byteClasses{}
	for b := 1; b < 256; b++ {
		c.of[b] = 1
	}
	c.n = 2
	type split struct {
		class uint8
		in    bool
	}
	for _, s := range sets {
		next := make(map[split]uint8, c.n)
		var of [256]uint8
		for b := 0; b < 256; b++ {
			k := split{c.of[b], b != 0 && s.has(byte(b))}
			id, ok := next[k]
			if !ok {
				id = uint8(len(next)) // at most 256 keys: one per byte
				next[k] = id
			}
			of[b] = id
		}
		c.of, c.n = of, len(next)
	}
	c.reps = make([]byte, c.n)
	for b := 255; b >= 0; b-- {
		c.reps[c.of[b]] = byte(b)
	}
	return c
}
