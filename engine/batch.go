package engine

import (
	"sync/atomic"

	"l7sniff/decode"
)

// item is one packet on its way through the pipeline. The capture stage
// fills the first part; the shard that owns the packet's flow fills the
// results; the collector consumes it in capture order.
type item struct {
	seq     uint64
	ts      int64 // capture time, Unix nanoseconds
	link    decode.LinkType
	wireLen int
	off, n  int // packet bytes in the batch's buffer
	// What the shard needs, so it does not decode again.
	hasFlow bool
	// hash is the key's decode.FlowKey.Hash: the capture stage needs it
	// to pick the shard, and the shard's flow index places keys by it.
	hash uint64
	// slot is 1 + the flow table slot the shard's warm pass found the
	// key in, 0 for none (flowTable.warm).
	slot     int32
	key      decode.FlowKey
	fromA    bool
	tcpFlags uint16
	tcpSeq   uint32
	tcpAck   uint32
	isTCP    bool
	vlan     uint16       // outermost VLAN id, 0 when untagged
	pay      decode.Range // relative to the packet's first byte
	segLen   int          // TCP payload length on the wire
	// dnsName is the name the DNS cache gave the packet's server
	// address when the capture stage asked (dnsfeed.go); the shard uses
	// it for a flow's first packet.
	dnsName string

	// What TCP reassembly decided (reassembly.go).
	asm asmRef

	// Results.
	flowID uint64
	cell   *verdictCell
	app    string // the flow's verdict when this packet was processed
	guess  uint16
	ident  *flowIdentity // the flow's identity when this packet was processed
}

// batch carries up to batchItems packets and their bytes to one shard and
// on to the collector; batches are recycled, so the pipeline allocates
// nothing per packet.
type batch struct {
	shard int
	items []item
	buf   []byte
	// asm holds the messages TCP reassembly completed in this batch.
	asm []byte
}

const (
	batchItems = 256
	// batchBytes fits the largest packet (DefaultSnaplen) twice and 256
	// full-size Ethernet frames (388 KB); the pool holds 6 batches per
	// shard, so this is most of the pipeline's fixed memory.
	batchBytes = 512 << 10
)

func newBatch() *batch {
	return &batch{items: make([]item, 0, batchItems), buf: make([]byte, 0, batchBytes)}
}

// fits reports whether a packet of n bytes can still be added.
func (b *batch) fits(n int) bool {
	return len(b.items) < batchItems && len(b.buf)+n <= cap(b.buf)
}

func (b *batch) reset(shard int) {
	b.shard, b.items, b.buf, b.asm = shard, b.items[:0], b.buf[:0], b.asm[:0]
}

// bytes returns an item's packet bytes.
func (b *batch) bytes(it *item) []byte { return b.buf[it.off : it.off+it.n] }

// verdictCell is a flow's current verdict, shared between the shard that
// decides it and the readers (ring rows, UI) that show it. One is
// allocated per flow, never per packet.
// Forty bytes (a 48-byte allocation): the port guess is its number in
// portNames, not a copy of the name.
type verdictCell struct {
	app     atomic.Pointer[string]
	pattern atomic.Pointer[string] // source file:line of the matching pattern
	// ident is the flow's identity for readers (see flowIdentity).
	ident atomic.Pointer[flowIdentity]
	// stream is the flow's tcp.stream or udp.stream number plus one, 0
	// until the collector, the only goroutine that touches it, numbers it.
	stream   int
	mismatch atomic.Bool
	guess    uint16 // the port-based guess, an index into portNames
}

// interned returns the matching pattern's location as the shard stored
// it, or "" when there is none (or no cell).
func (c *verdictCell) interned() string {
	if c == nil {
		return ""
	}
	if p := c.pattern.Load(); p != nil {
		return *p
	}
	return ""
}

// App returns the flow's verdict now.
func (c *verdictCell) App() string {
	if c == nil {
		return ""
	}
	if a := c.app.Load(); a != nil {
		return *a
	}
	return AppClassifying
}
