package engine

import "l7sniff/decode"

// flowIndex finds a flow table's slot for a key: open addressing with
// linear probing over a power-of-two array of words, each holding the
// top 32 bits of the key's hash and the slab slot + 1 (0: empty), kept at
// most half full. Against a Go map keyed by FlowKey it stores 8 bytes per
// flow instead of a second copy of the 40-byte key (the map was a fifth
// of the heap at the end of a 141k-flow capture), and a lookup reads one
// word and then the flow it was after anyway, where the map's probe cost
// a cache miss of its own.
type flowIndex struct {
	words []uint64
	bits  uint // len(words) == 1<<bits
	n     int
}

const minIndexBits = 10

func newFlowIndex() flowIndex {
	return flowIndex{words: make([]uint64, 1<<minIndexBits), bits: minIndexBits}
}

// home is where a word with hash tag tag starts probing.
func (x *flowIndex) home(tag uint32) uint64 { return uint64(tag) >> (32 - x.bits) }

// find returns the slot of key, whose hash is h, or -1.
func (x *flowIndex) find(key *decode.FlowKey, h uint64, slab *flowSlab) int32 {
	tag := uint32(h >> 32)
	mask := uint64(len(x.words) - 1)
	for p := x.home(tag); ; p = (p + 1) & mask {
		w := x.words[p]
		if w == 0 {
			return -1
		}
		if uint32(w>>32) == tag {
			if i := int32(uint32(w)) - 1; slab.at(i).key == *key {
				return i
			}
		}
	}
}

// insert adds slot i for a key with hash h that is not in the index.
func (x *flowIndex) insert(h uint64, i int32) {
	if 2*(x.n+1) > len(x.words) {
		x.grow()
	}
	x.put(uint64(uint32(h>>32))<<32 | uint64(uint32(i+1)))
	x.n++
}

func (x *flowIndex) put(w uint64) {
	mask := uint64(len(x.words) - 1)
	p := x.home(uint32(w >> 32))
	for x.words[p] != 0 {
		p = (p + 1) & mask
	}
	x.words[p] = w
}

func (x *flowIndex) grow() {
	old := x.words
	x.bits++
	x.words = make([]uint64, 1<<x.bits)
	for _, w := range old {
		if w != 0 {
			x.put(w)
		}
	}
}

// delete removes slot i, whose key has hash h, shifting back the words
// after it that would otherwise be cut off from their home.
func (x *flowIndex) delete(h uint64, i int32) {
	mask := uint64(len(x.words) - 1)
	want := uint64(uint32(h>>32))<<32 | uint64(uint32(i+1))
	p := x.home(uint32(h >> 32))
	for x.words[p] != want {
		if x.words[p] == 0 {
			return // not present
		}
		p = (p + 1) & mask
	}
	x.n--
	for {
		x.words[p] = 0
		q := p
		for {
			q = (q + 1) & mask
			w := x.words[q]
			if w == 0 {
				return
			}
			// w may move into the hole at p unless its home lies
			// cyclically in (p, q].
			if h := x.home(uint32(w >> 32)); (q-h)&mask >= (q-p)&mask {
				x.words[p] = w
				p = q
				break
			}
		}
	}
}

// reset empties the index and lets its memory go.
func (x *flowIndex) reset() { *x = newFlowIndex() }
