package engine

import (
	"time"

	"l7sniff/decode"
)

// TCP state bits a flow remembers.
const (
	tcpSynSeen uint8 = 1 << iota
	tcpSynAckSeen
	tcpFinA
	tcpFinB
	tcpRst
)

// flow is one bidirectional conversation, owned by exactly one shard.
type flow struct {
	key decode.FlowKey
	// id is the capture's number for the flow's first packet: unique,
	// the same whatever the number of shards, and shown alike by the
	// TUI, --flows and the l7sniff.flow field.
	id    uint64
	first int64 // capture time, Unix nanoseconds
	last  int64
	pkts  [2]uint64 // [0] from A, [1] from B
	bytes [2]uint64
	tcp   uint8
	// initiatorA is whether endpoint A sent the flow's first packet.
	initiatorA bool
	// tcpFlags is the OR of every TCP flag seen in each direction (IPFIX
	// tcpControlBits of each uniflow record).
	tcpFlags [2]uint16
	// vlan is the outermost VLAN id of the flow's first packet (0: none).
	vlan  uint16
	class classifier
	order tcpOrder // TCP payload in sequence order for class (tcpseq.go)
	cell  *verdictCell
	app   *AppStat // the shard's counter for the decided protocol
	svc   *AppStat // the shard's counter for the flow's service, nil when none
	hold  *tcpHold // messages TCP reassembly holds, nil when none (reassembly.go)
	// appless has bit d set when direction d's first payload went to no
	// dissector and no dissector has the flow's ports: reassembly then
	// leaves the direction alone (reassembly.go).
	appless uint8
	// ident is what the flow is known to be (identify.go), nil until
	// something is; idw the dissector state while it identifies, which
	// ends (identified) after a bounded number of packets.
	ident      *flowIdentity
	idw        *identifier
	identified bool
	// LRU links (indexes into the table's slab; -1 ends the list).
	prev, next int32
	// Active-timeout export: the age list's links, when the flow was last
	// reported (capture time; 0: never), and what the exports carried.
	aprev, anext int32
	reportedAt   int64
	exported     *flowExport
}

// dir returns 0 for a packet from endpoint A, 1 from B.
func dir(fromA bool) int {
	if fromA {
		return 0
	}
	return 1
}

// closed reports whether the TCP conversation has ended (RST, or FIN from
// both sides), so a short timeout applies.
func (f *flow) closed() bool {
	return f.tcp&tcpRst != 0 || f.tcp&(tcpFinA|tcpFinB) == tcpFinA|tcpFinB
}

// Timeouts is how long a flow may stay idle before it ends.
type Timeouts struct {
	TCP, TCPClosed, UDP, Other time.Duration
}

// DefaultTimeouts are close to what flow probes (nProbe, pmacct) use.
var DefaultTimeouts = Timeouts{TCP: 300 * time.Second, TCPClosed: 10 * time.Second, UDP: 60 * time.Second, Other: 30 * time.Second}

func (t Timeouts) of(f *flow) int64 {
	switch {
	case f.key.IsIP(decode.IPProtoTCP) && f.closed():
		return int64(t.TCPClosed)
	case f.key.IsIP(decode.IPProtoTCP):
		return int64(t.TCP)
	case f.key.IsIP(decode.IPProtoUDP):
		return int64(t.UDP)
	}
	return int64(t.Other)
}

func (t Timeouts) min() int64 {
	return int64(min(t.TCP, t.TCPClosed, t.UDP, t.Other))
}

// flowTable is a shard's flows: an index from key to a slot in a slab
// that grows up to a cap, with the slots on an LRU list (most recent at head)
// so the oldest flow is found in O(1) for eviction and idle expiry.
type flowTable struct {
	index      flowIndex
	slab       []flow
	free       []int32
	head, tail int32
	cap        int
	timeouts   Timeouts
	lastSweep  int64
	// closed counts the flows in the table that have closed (FIN both
	// ways or RST) and only wait out TCPClosed: not live any more.
	closed int
	// ended receives each flow as it leaves the table.
	ended func(f *flow, evicted bool)
	// ages is the active-timeout schedule (see age.go).
	ages ageList
}

func newFlowTable(capacity int, t Timeouts, ended func(*flow, bool)) *flowTable {
	return &flowTable{
		index: newFlowIndex(),
		head:  -1, tail: -1,
		cap: capacity, timeouts: t, ended: ended,
		ages: ageList{head: -1, tail: -1},
	}
}

// lookup returns the flow for key, creating it (and evicting the least
// recently used flow when the table is full) if needed; created reports a
// new flow. now is the packet's capture time.
func (t *flowTable) lookup(key *decode.FlowKey, now int64) (f *flow, created bool) {
	h := keyHash(key)
	if i := t.index.find(key, h, t.slab); i >= 0 {
		f := &t.slab[i]
		if now-f.last < t.timeouts.of(f) {
			t.touch(i)
			return f, false
		}
		// Idle past its timeout but not swept yet: whether a sweep got
		// to it depends on the other flows of the shard, so end it here.
		// A flow's identity then depends on its own packets only, and
		// the output is the same whatever the number of shards.
		t.remove(i, false)
	}
	if t.index.n >= t.cap {
		t.remove(t.tail, true)
	}
	var i int32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		t.slab = append(t.slab, flow{})
		i = int32(len(t.slab) - 1)
	}
	t.slab[i] = flow{key: *key, first: now, last: now, prev: -1, next: -1, aprev: -1, anext: -1}
	t.index.insert(h, i)
	t.pushFront(i)
	t.agePush(i)
	return &t.slab[i], true
}

func (t *flowTable) pushFront(i int32) {
	f := &t.slab[i]
	f.prev, f.next = -1, t.head
	if t.head >= 0 {
		t.slab[t.head].prev = i
	}
	t.head = i
	if t.tail < 0 {
		t.tail = i
	}
}

func (t *flowTable) unlink(i int32) {
	f := &t.slab[i]
	if f.prev >= 0 {
		t.slab[f.prev].next = f.next
	} else {
		t.head = f.next
	}
	if f.next >= 0 {
		t.slab[f.next].prev = f.prev
	} else {
		t.tail = f.prev
	}
}

func (t *flowTable) touch(i int32) {
	if t.head != i {
		t.unlink(i)
		t.pushFront(i)
	}
}

// remove ends flow i: it is reported, unlinked and its slot reused.
func (t *flowTable) remove(i int32, evicted bool) {
	f := &t.slab[i]
	if t.ended != nil {
		t.ended(f, evicted)
	}
	if f.closed() {
		t.closed--
	}
	t.unlink(i)
	t.ageUnlink(i)
	t.index.delete(keyHash(&f.key), i)
	t.free = append(t.free, i)
}

// maxSweep bounds the work one expiry pass does, so a table full of
// long-lived flows costs a packet little.
const maxSweep = 4096

// expire ends idle flows and reports the flows whose active timeout is
// due. It runs at most once per second of capture time.
func (t *flowTable) expire(now int64) {
	if now-t.lastSweep < int64(time.Second) {
		return
	}
	t.lastSweep = now
	t.expireIdle(now)
	t.reportActive(now)
}

// expireIdle ends idle flows, walking from the least recently used end.
func (t *flowTable) expireIdle(now int64) {
	minIdle := t.timeouts.min()
	for i, n := t.tail, 0; i >= 0 && n < maxSweep; n++ {
		f := &t.slab[i]
		prev := f.prev
		idle := now - f.last
		if idle < minIdle {
			return
		}
		if idle >= t.timeouts.of(f) {
			t.remove(i, false)
		}
		i = prev
	}
}

// each calls fn for every live flow.
func (t *flowTable) each(fn func(*flow)) {
	for i := t.head; i >= 0; i = t.slab[i].next {
		fn(&t.slab[i])
	}
}

// flush ends every flow (at the end of a capture) and lets go of the
// slab and the index, so the flow report that follows does not hold
// every flow twice (as a slot and as an ended view).
func (t *flowTable) flush() {
	for t.tail >= 0 {
		t.remove(t.tail, false)
	}
	t.slab, t.free = nil, nil
	t.index.reset()
}

func (t *flowTable) len() int { return t.index.n }

// live is how many of the table's flows have not closed.
func (t *flowTable) live() int { return t.index.n - t.closed }
