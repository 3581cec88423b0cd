package automaton

// rowTable holds the transition rows of the states a construction has
// found, in fixed blocks: a growing single slice would be copied over and
// over (append grows large slices by a quarter), which cost a sixth of the
// compile time of the l7 protocols, most of it in builds that fail at the
// state cap.
type rowTable struct {
	n      int        // transitions per row
	blocks [][]uint32 // rowsPerBlock rows each
	len    int        // rows in use
}

// rowsPerBlock is how many rows a block of a rowTable holds.
const rowsPerBlock = 256

// add appends a zero row.
func (t *rowTable) add() {
	if t.len%rowsPerBlock == 0 {
		t.blocks = append(t.blocks, make([]uint32, rowsPerBlock*t.n))
	}
	t.len++
}

// row returns the transitions of state i.
func (t *rowTable) row(i int) []uint32 {
	return t.blocks[i/rowsPerBlock][i%rowsPerBlock*t.n:][:t.n]
}
