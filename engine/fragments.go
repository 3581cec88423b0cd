package engine

import "l7sniff/decode"

// IP fragments and flows. Only a datagram's first fragment carries the
// transport header, so decode gives a later fragment a flow key without
// ports: on its own it would open a flow of its own between the two
// addresses with ports 0, and the datagram's bytes would be split
// between two flows (and two shards). The capture stage, which sees each
// socket's packets in order, remembers the key of each first fragment by
// its datagram (addresses, protocol, IP identification) and gives the
// later fragments of that datagram the same key and direction, as
// reassembly would. A later fragment that arrives before the first, or
// after its slot was taken by another datagram, keeps its ports-0 key.
// The table is direct-mapped and fixed in size (fragSlots entries), so a
// flood of fragments costs no memory, only forgotten datagrams.

const (
	fragSlots = 1 << 10
	// fragLife is how long a first fragment's key is remembered, in
	// nanoseconds of capture time: Linux gives up reassembly after 30 s.
	fragLife = int64(30e9)
)

// fragTable is one capture reader's memory of first fragments.
type fragTable struct {
	slots []fragSlot // allocated at the first fragment
}

type fragSlot struct {
	at    int64
	id    uint32
	used  bool
	fromA bool
	key   decode.FlowKey // the first fragment's, ports included
}

// packet gives a later fragment the flow of its datagram's first
// fragment, when the table remembers it.
func (t *fragTable) packet(ts int64, p *decode.Packet) {
	id, first, later := p.Fragment()
	if !first && !later {
		return
	}
	if t.slots == nil {
		t.slots = make([]fragSlot, fragSlots)
	}
	k := p.Flow
	k.PortA, k.PortB = 0, 0
	s := &t.slots[fragHash(&k, id, p.FromA)%fragSlots]
	if first {
		*s = fragSlot{at: ts, id: id, used: true, fromA: p.FromA, key: p.Flow}
		return
	}
	if !s.used || s.id != id || ts-s.at > fragLife || ts < s.at {
		return
	}
	sk := s.key
	sk.PortA, sk.PortB = 0, 0
	// Equal addresses order the key by ports, which a later fragment
	// lacks: its direction cannot be told, so it stays as it is.
	if sk != k || k.A == k.B {
		return
	}
	p.Flow, p.FromA = s.key, s.fromA
}

// fragHash places a datagram (its key without ports, identification and
// direction) in the table.
func fragHash(k *decode.FlowKey, id uint32, fromA bool) uint64 {
	h := k.Hash() ^ uint64(id)*0x9e3779b97f4a7c15
	if fromA {
		h ^= 0xff51afd7ed558ccd
	}
	return h ^ h>>29
}
