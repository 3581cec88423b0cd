package engine

// flowSlab holds a flow table's flows in fixed-size chunks, so growing
// the table never copies the flows it has (at a million flows a doubling
// slice left a garbage copy of hundreds of megabytes at each step, and a
// quarter of its capacity unused). A slot's number is its place across
// the chunks; it stays valid until the slab is emptied.
//
// The slots' LRU links sit in chunks of their own beside the flows:
// moving a flow to the front rewrites its two neighbours' links, and
// eight bytes of links per flow stay in the CPU cache where the
// neighbours' flow records (random ones, megabytes apart) would be a
// cache miss each, on every packet.
type flowSlab struct {
	chunks [][]flow
	links  [][]lruLink
	n      int32 // slots handed out
}

// lruLink is a slot's place in the table's LRU list (slot numbers; -1
// ends the list).
type lruLink struct{ prev, next int32 }

const (
	slabChunkBits = 10 // 1024 flows a chunk
	slabChunkMask = 1<<slabChunkBits - 1
)

// at returns slot i.
func (s *flowSlab) at(i int32) *flow {
	return &s.chunks[i>>slabChunkBits][i&slabChunkMask]
}

// lru returns slot i's LRU links.
func (s *flowSlab) lru(i int32) *lruLink {
	return &s.links[i>>slabChunkBits][i&slabChunkMask]
}

// add hands out a new slot, zero.
func (s *flowSlab) add() int32 {
	if s.n&slabChunkMask == 0 {
		s.chunks = append(s.chunks, make([]flow, 1<<slabChunkBits))
		s.links = append(s.links, make([]lruLink, 1<<slabChunkBits))
	}
	s.n++
	return s.n - 1
}

// len is how many slots have been handed out.
func (s *flowSlab) len() int { return int(s.n) }
