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
// Fields a flow needs only for a while, or only in some modes, live out
// of line (the matching state, reassembly holds, the identifier, export
// state, the active-timeout schedule) and the LRU links beside it
// (flowSlab), so a flow in the table costs 216 bytes here, 8 of links
// and its index word.
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
	class classifier
	cell  *verdictCell
	app   *AppStat // the shard's counter for the decided protocol
	svc   *AppStat // the shard's counter for the flow's service, nil when none
	hold  *tcpHold // messages TCP reassembly holds, nil when none (reassembly.go)
	// ident is what the flow is known to be (identify.go), nil until
	// something is; idw the dissector state while it identifies, which
	// ends (identified) after a bounded number of packets.
	ident *flowIdentity
	idw   *identifier
	// exported is what the IPFIX exports carried so far (nil: none yet).
	exported *flowExport
	order    tcpOrder // TCP payload in sequence order for class (tcpseq.go)
	// tcpFlags is the OR of every TCP flag seen in each direction (IPFIX
	// tcpControlBits of each uniflow record).
	tcpFlags [2]uint16
	// vlan is the outermost VLAN id of the flow's first packet (0: none).
	vlan uint16
	tcp  uint8
	// initiatorA is whether endpoint A sent the flow's first packet.
	initiatorA bool
	// appless has bit d set when direction d's first payload went to no
	// dissector and no dissector has the flow's ports: reassembly then
	// leaves the direction alone (reassembly.go).
	appless    uint8
	identified bool
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
	slab       flowSlab
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
	// flushed is set once the capture has ended and flush has ended
	// every flow: the slots left are ended flows, kept for the report.
	flushed bool
	// warmSink keeps the loads of warm's touch from being optimised away.
	warmSink int64
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
	return t.lookupAt(key, key.Hash(), now, 0)
}

// lookupAt is lookup for a key whose hash (decode.FlowKey.Hash) is h,
// with a hint: 1 + the slot warm found the key in (0: none), which saves
// probing the index when the slot still holds it.
func (t *flowTable) lookupAt(key *decode.FlowKey, h uint64, now int64, hint int32) (f *flow, created bool) {
	i := hint - 1
	if i < 0 || t.slab.at(i).key != *key {
		i = t.index.find(key, h, &t.slab)
	}
	if i >= 0 {
		f := t.slab.at(i)
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
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = t.slab.add()
	}
	*t.slab.at(i) = flow{key: *key, first: now, last: now}
	t.ageNew(i)
	t.index.insert(h, i)
	t.pushFront(i)
	return t.slab.at(i), true
}

// warmFlows is the table size from which warm runs: 16Ki flows are 3.5
// MiB of records. Measured: the 2M-packet benchmark (70k flows a shard
// at the end) −4% CPU with the pass, BenchmarkShardProcess (15k flows,
// all in the cache) +10% with it.
const warmFlows = 1 << 14

// warm looks up the flows of a batch's items before the batch is
// processed and leaves each item the slot it found (item.slot, the hint
// for lookupAt). The lookups of different items do not depend on each
// other, so their cache misses (the index word, the flow record)
// overlap, where process, one item after the other, would wait for each
// in turn; process then finds the records in the cache. A table of
// fewer than warmFlows flows is left alone: its records stay in the
// cache anyway, and the pass would cost more than it saves.
func (t *flowTable) warm(b *batch) {
	if t.index.n < warmFlows {
		return
	}
	for i := range b.items {
		if it := &b.items[i]; it.hasFlow {
			it.slot = t.index.find(&it.key, it.hash, &t.slab) + 1
			if it.slot > 0 {
				t.warmSink ^= touchFlow(t.slab.at(it.slot-1)) ^ t.touchLinks(it.slot-1)
			}
		}
	}
}

// touchFlow reads a word from each cache line a 216-byte record can
// span after its key's (a record starts anywhere in a line, so it spans
// four or five), which process reads for every packet: the timeout check
// reads tcp at the record's end, the counters and classifier lie
// between. Go has no prefetch instruction, so warm loads them; done
// there, the misses of a batch's packets overlap instead of each
// stalling process in turn.
func touchFlow(f *flow) int64 {
	t := f.last ^ int64(f.bytes[1]) ^ int64(f.tcp)
	if f.ident != nil {
		t++
	}
	return t
}

// touchLinks reads slot i's LRU links and its neighbours', which moving
// the flow to the front (touch) rewrites: 8 bytes a flow, but at 70k
// flows a shard the neighbours are random words of a 560 KB array.
func (t *flowTable) touchLinks(i int32) int64 {
	l := *t.slab.lru(i)
	var n int32
	if l.prev >= 0 {
		n ^= t.slab.lru(l.prev).next
	}
	if l.next >= 0 {
		n ^= t.slab.lru(l.next).prev
	}
	return int64(n)
}

func (t *flowTable) pushFront(i int32) {
	*t.slab.lru(i) = lruLink{prev: -1, next: t.head}
	if t.head >= 0 {
		t.slab.lru(t.head).prev = i
	}
	t.head = i
	if t.tail < 0 {
		t.tail = i
	}
}

func (t *flowTable) unlink(i int32) {
	l := t.slab.lru(i)
	if l.prev >= 0 {
		t.slab.lru(l.prev).next = l.next
	} else {
		t.head = l.next
	}
	if l.next >= 0 {
		t.slab.lru(l.next).prev = l.prev
	} else {
		t.tail = l.prev
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
	if t.ended != nil {
		t.ended(t.slab.at(i), evicted)
	}
	t.drop(i)
}

// drop unlinks flow i, which has been reported, and frees its slot.
func (t *flowTable) drop(i int32) {
	f := t.slab.at(i)
	if f.closed() {
		t.closed--
	}
	t.unlink(i)
	t.ageUnlink(i)
	t.index.delete(f.key.Hash(), i)
	// A free slot matches no key, so a hint to it (lookupAt) fails.
	f.key = decode.FlowKey{}
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
		f := t.slab.at(i)
		prev := t.slab.lru(i).prev
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
	for i := t.head; i >= 0; i = t.slab.lru(i).next {
		fn(t.slab.at(i))
	}
}

// flush ends every flow at the end of a capture (least recently used
// first) and keeps at most keep of them, the most recent. The kept ones
// stay in their slots and are read in place as ended flows from then on
// (each, len), so the report that follows builds one view per flow: the
// table no longer holds every flow twice, as a slot and as an ended view.
func (t *flowTable) flush(keep int) {
	for i := t.tail; i >= 0; i = t.slab.lru(i).prev {
		if t.ended != nil {
			t.ended(t.slab.at(i), false)
		}
	}
	for t.index.n > keep {
		t.drop(t.tail)
	}
	t.flushed, t.closed = true, 0
	t.free = nil
}

func (t *flowTable) len() int { return t.index.n }

// live is how many of the table's flows have not closed (none once
// flushed: every flow has ended).
func (t *flowTable) live() int {
	if t.flushed {
		return 0
	}
	return t.index.n - t.closed
}
