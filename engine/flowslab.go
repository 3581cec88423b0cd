package engine

// flowSlab holds a flow table's flows in fixed-size chunks, so growing
// the table never copies the flows it has (at a million flows a doubling
// slice left a garbage copy of hundreds of megabytes at each step, and a
// quarter of its capacity unused). A slot's number is its place across
// the chunks; it stays valid until the slab is emptied.
type flowSlab struct {
	chunks [][]flow
	n      int32 // slots handed out
}

const (
	slabChunkBits = 10 // 1024 flows a chunk
	slabChunkMask = 1<<slabChunkBits - 1
)

// at returns slot i.
func (s *flowSlab) at(i int32) *flow {
	return &s.chunks[i>>slabChunkBits][i&slabChunkMask]
}

// add hands out a new slot, zero.
func (s *flowSlab) add() int32 {
	if s.n&slabChunkMask == 0 {
		s.chunks = append(s.chunks, make([]flow, 1<<slabChunkBits))
	}
	s.n++
	return s.n - 1
}

// len is how many slots have been handed out.
func (s *flowSlab) len() int { return int(s.n) }
