package engine

import (
	"slices"
	"testing"
	"time"
	"unsafe"

	"l7sniff/decode"
)

// testKey makes distinct IPv4 flow keys of a protocol, told apart by port.
func testKey(proto uint8, port uint16) decode.FlowKey {
	k := decode.FlowKey{Kind: decode.FlowIPv4, Proto: proto, PortA: 40000, PortB: port}
	copy(k.A[:], []byte{10, 0, 0, 1})
	copy(k.B[:], []byte{10, 0, 0, 2})
	return k
}

type endedFlow struct {
	port    uint16
	evicted bool
}

func newTestTable(capacity int, to Timeouts) (*flowTable, *[]endedFlow) {
	var ended []endedFlow
	t := newFlowTable(capacity, to, func(f *flow, evicted bool) {
		ended = append(ended, endedFlow{f.key.PortB, evicted})
	})
	return t, &ended
}

// livePorts lists the table's flows, most recently used first.
func livePorts(t *flowTable) []uint16 {
	var out []uint16
	t.each(func(f *flow) { out = append(out, f.key.PortB) })
	return out
}

func TestFlowTableLRUEviction(t *testing.T) {
	tab, ended := newTestTable(3, DefaultTimeouts)
	now := time.Unix(1_700_000_000, 0).UnixNano()
	for _, p := range []uint16{1, 2, 3} {
		if _, created := tab.lookup(ptr(testKey(17, p)), now); !created {
			t.Fatalf("flow %d not created", p)
		}
	}
	// Using flow 1 again makes flow 2 the least recently used.
	if f, created := tab.lookup(ptr(testKey(17, 1)), now); created || f.key.PortB != 1 {
		t.Fatalf("lookup of an existing flow created one")
	}
	if got := livePorts(tab); !slices.Equal(got, []uint16{1, 3, 2}) {
		t.Fatalf("LRU order %v, want [1 3 2]", got)
	}
	tab.lookup(ptr(testKey(17, 4)), now)
	if got := livePorts(tab); !slices.Equal(got, []uint16{4, 1, 3}) {
		t.Errorf("after eviction: %v, want [4 1 3]", got)
	}
	if !slices.Equal(*ended, []endedFlow{{2, true}}) {
		t.Errorf("ended %v, want flow 2 evicted", *ended)
	}
	if tab.len() != 3 {
		t.Errorf("len %d, want the cap 3", tab.len())
	}
	// A freed slot is reused and the flow comes back as a new one.
	if _, created := tab.lookup(ptr(testKey(17, 2)), now); !created {
		t.Error("evicted flow 2 came back without being created")
	}
}

func ptr[T any](v T) *T { return &v }

func TestFlowTableIdleTimeouts(t *testing.T) {
	to := Timeouts{TCP: 300 * time.Second, TCPClosed: 10 * time.Second, UDP: 60 * time.Second, Other: 30 * time.Second}
	tab, ended := newTestTable(100, to)
	t0 := time.Unix(1_700_000_000, 0).UnixNano()
	const (
		openTCP, finTCP, rstTCP, udp, icmp = 1, 2, 3, 4, 5
	)
	tab.lookup(ptr(testKey(6, openTCP)), t0)
	f, _ := tab.lookup(ptr(testKey(6, finTCP)), t0)
	f.tcp |= tcpFinA | tcpFinB
	f, _ = tab.lookup(ptr(testKey(6, rstTCP)), t0)
	f.tcp |= tcpRst
	tab.lookup(ptr(testKey(17, udp)), t0)
	tab.lookup(ptr(testKey(1, icmp)), t0)
	// A FIN from one side only is not closed yet.
	half, _ := tab.lookup(ptr(testKey(6, 6)), t0)
	half.tcp |= tcpFinA

	steps := []struct {
		after time.Duration
		gone  []uint16 // ended by this step, in LRU order
	}{
		{9 * time.Second, nil},
		{11 * time.Second, []uint16{finTCP, rstTCP}},
		{29 * time.Second, nil},
		{31 * time.Second, []uint16{icmp}},
		{59 * time.Second, nil},
		{61 * time.Second, []uint16{udp}},
		{299 * time.Second, nil},
		{301 * time.Second, []uint16{openTCP, 6}},
	}
	seen := 0
	for _, s := range steps {
		tab.expire(t0 + int64(s.after))
		var got []uint16
		for _, e := range (*ended)[seen:] {
			if e.evicted {
				t.Errorf("flow %d counted as evicted, want expired", e.port)
			}
			got = append(got, e.port)
		}
		seen = len(*ended)
		if !slices.Equal(got, s.gone) {
			t.Errorf("idle %v: ended %v, want %v", s.after, got, s.gone)
		}
	}
	if tab.len() != 0 {
		t.Errorf("%d flows left", tab.len())
	}
}

// TestEngineEvictionCounted runs the pipeline over more concurrent flows
// than its cap: each flow past the cap evicts one and is counted.
func TestEngineEvictionCounted(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	var frames []testFrame
	const flows, capacity = 10, 3
	for i := range flows {
		frames = append(frames, testFrame{t0.Add(time.Duration(i) * time.Millisecond),
			udpFrame(t, "10.0.0.1", "10.0.0.2", uint16(30000+i), 9999, []byte("x"))})
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, MaxFlows: capacity, MaxEnded: 100})
	if err != nil {
		t.Fatal(err)
	}
	st := e.Stats()
	if st.FlowsEvicted != flows-capacity {
		t.Errorf("evicted %d, want %d", st.FlowsEvicted, flows-capacity)
	}
	if got := len(e.Flows()); got != flows {
		t.Errorf("%d flows reported, want %d", got, flows)
	}
}

// TestEngineIdleExpiry checks the timeouts end to end: a UDP flow idle
// for longer than the UDP timeout comes back as a new flow, a TCP flow
// idle as long does not.
func TestEngineIdleExpiry(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	later := t0.Add(70 * time.Second) // past UDP's 60 s, within TCP's 300 s
	frames := []testFrame{
		{t0, udpFrame(t, "10.0.0.1", "10.0.0.2", 5000, 9999, []byte("a"))},
		{t0, tcpFrame(t, "10.0.0.1", "10.0.0.2", 5001, 9998, "S", nil)},
		// Another flow's packet makes the table sweep before the two
		// flows above send again.
		{later, udpFrame(t, "10.0.0.3", "10.0.0.2", 5002, 9997, []byte("b"))},
		{later.Add(time.Millisecond), udpFrame(t, "10.0.0.1", "10.0.0.2", 5000, 9999, []byte("c"))},
		{later.Add(time.Millisecond), tcpFrame(t, "10.0.0.1", "10.0.0.2", 5001, 9998, "A", nil)},
	}
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range e.Flows() {
		count[f.B()]++
	}
	if count["10.0.0.2:9999"] != 2 {
		t.Errorf("UDP flow idle 70 s: %d flows, want 2 (expired, then new)", count["10.0.0.2:9999"])
	}
	if count["10.0.0.2:9998"] != 1 {
		t.Errorf("TCP flow idle 70 s: %d flows, want 1", count["10.0.0.2:9998"])
	}
}

// TestFlowTableLookupEndsIdleFlow: a flow idle past its timeout that no
// sweep has ended yet is ended by its next packet, which starts a new
// flow; so flow identity does not depend on when sweeps run (and the
// output not on the number of shards).
func TestFlowTableLookupEndsIdleFlow(t *testing.T) {
	tab, ended := newTestTable(100, DefaultTimeouts)
	t0 := time.Unix(1_700_000_000, 0).UnixNano()
	first, _ := tab.lookup(ptr(testKey(17, 53)), t0)
	first.id = 1 // as the shard numbers it: by its first packet
	firstID := first.id
	if f, created := tab.lookup(ptr(testKey(17, 53)), t0+int64(59*time.Second)); created || f.id != firstID {
		t.Fatal("flow within its UDP timeout was replaced")
	}
	f, created := tab.lookup(ptr(testKey(17, 53)), t0+int64(59*time.Second+DefaultTimeouts.UDP))
	if !created || f.id == firstID {
		t.Fatal("flow idle past its UDP timeout was reused")
	}
	if !slices.Equal(*ended, []endedFlow{{53, false}}) || tab.len() != 1 {
		t.Errorf("ended %v, %d live; want the old flow expired and one live", *ended, tab.len())
	}
}

// TestFlowTableLiveExcludesClosed: a TCP flow that closed waits out
// TCPClosed in the table but is no longer counted as live; leaving the
// table does not count it twice.
func TestFlowTableLiveExcludesClosed(t *testing.T) {
	tab, _ := newTestTable(10, DefaultTimeouts)
	s := &shard{table: tab}
	now := time.Unix(1_700_000_000, 0).UnixNano()
	for _, k := range []decode.FlowKey{testKey(6, 1), testKey(6, 2), testKey(6, 3), testKey(17, 4)} {
		tab.lookup(&k, now)
	}
	// Looked up again once the slab has stopped growing.
	fin, _ := tab.lookup(ptr(testKey(6, 1)), now)
	rst, _ := tab.lookup(ptr(testKey(6, 2)), now)
	s.trackTCP(fin, &item{fromA: true, tcpFlags: decode.TCPFin | decode.TCPAck})
	if got := tab.live(); got != 4 {
		t.Errorf("after one FIN: %d live, want 4", got)
	}
	s.trackTCP(fin, &item{fromA: false, tcpFlags: decode.TCPFin | decode.TCPAck})
	s.trackTCP(fin, &item{fromA: true, tcpFlags: decode.TCPAck}) // the last ACK: still one close
	s.trackTCP(rst, &item{fromA: true, tcpFlags: decode.TCPRst})
	s.trackTCP(rst, &item{fromA: false, tcpFlags: decode.TCPRst})
	if got, n := tab.live(), tab.len(); got != 2 || n != 4 {
		t.Errorf("after FIN both ways and RST: %d live of %d in the table, want 2 of 4", got, n)
	}
	tab.flush(tab.len())
	if got, c := tab.live(), tab.closed; got != 0 || c != 0 {
		t.Errorf("after flush: %d live, %d closed, want 0 and 0", got, c)
	}
}

// TestEndedListCapAtEnd checks the end of a capture against the ended
// list's cap: the flows still in the table join the ended flows as if
// appended to the ring, so the oldest ended flows give way first, then
// the least recently used live ones, and each one let go is counted.
func TestEndedListCapAtEnd(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	later := t0.Add(70 * time.Second) // the first three have expired by then
	var frames []testFrame
	for i := range 6 {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		if i >= 3 {
			ts = later.Add(time.Duration(i) * time.Millisecond)
		}
		frames = append(frames, testFrame{ts, udpFrame(t, "10.0.0.1", "10.0.0.2", uint16(40000+i), 9999, []byte("x"))})
	}
	file := writeCapture(t, frames)
	for _, c := range []struct {
		maxEnded int
		want     []uint16 // client ports listed
	}{
		{10, []uint16{40000, 40001, 40002, 40003, 40004, 40005}},
		{4, []uint16{40002, 40003, 40004, 40005}},
		{2, []uint16{40004, 40005}},
	} {
		e, err := runEngine(t, Config{Source: SourceConfig{File: file}, Shards: 1, MaxEnded: c.maxEnded})
		if err != nil {
			t.Fatal(err)
		}
		var got []uint16
		for _, f := range e.Flows() {
			if !f.Ended {
				t.Errorf("MaxEnded %d: flow %s not ended after the capture", c.maxEnded, f.A())
			}
			got = append(got, f.Key.PortA)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("MaxEnded %d: flows from ports %v listed, want %v", c.maxEnded, got, c.want)
		}
		if st := e.Stats(); st.FlowsLost != uint64(6-len(c.want)) || st.FlowsActive != 0 {
			t.Errorf("MaxEnded %d: %d flows counted as not listed, %d active; want %d and 0",
				c.maxEnded, st.FlowsLost, st.FlowsActive, 6-len(c.want))
		}
	}
}

// TestFlowRecordSize holds the flow record to its budget: with its index
// word a flow in the table costs at most 256 bytes (issue 17's goal for a
// million concurrent flows). Whatever a flow needs only for a while or in
// some modes belongs out of line.
func TestFlowRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(flow{}) + unsafe.Sizeof(lruLink{}); n > 224 {
		t.Errorf("flow record and LRU links are %d bytes, budget 224", n)
	}
	if n := unsafe.Sizeof(classifier{}); n > 24 {
		t.Errorf("classifier in the flow record is %d bytes, budget 24", n)
	}
	// The cell is allocated per flow: 48 bytes is its size class.
	if n := unsafe.Sizeof(verdictCell{}); n > 48 {
		t.Errorf("verdict cell is %d bytes, budget 48", n)
	}
}

// TestTouchFlowCoversRecord checks that the fields touchFlow reads (with
// the key, which warm compares) leave no 64-byte cache line of a flow
// record unread, wherever in a line the record starts: a field moved in
// the record would otherwise quietly bring a stall back into process.
func TestTouchFlowCoversRecord(t *testing.T) {
	var f flow
	read := []struct{ off, size uintptr }{
		{unsafe.Offsetof(f.key), unsafe.Sizeof(f.key)},
		{unsafe.Offsetof(f.last), unsafe.Sizeof(f.last)},
		{unsafe.Offsetof(f.bytes) + unsafe.Sizeof(f.bytes[0]), unsafe.Sizeof(f.bytes[1])},
		{unsafe.Offsetof(f.ident), unsafe.Sizeof(f.ident)},
		{unsafe.Offsetof(f.tcp), unsafe.Sizeof(f.tcp)},
	}
	size := unsafe.Sizeof(f)
	for start := uintptr(0); start < 64; start += unsafe.Alignof(f) {
		// The record starts start bytes into a line; line l covers the
		// record's bytes [l*64-start, (l+1)*64-start).
		for lo := -int(start); lo < int(size); lo += 64 {
			hit := false
			for _, r := range read {
				if int(r.off) < lo+64 && int(r.off+r.size) > lo {
					hit = true
				}
			}
			if !hit {
				t.Errorf("record starting %d bytes into a line: the line at record bytes [%d, %d) is not read", start, max(lo, 0), lo+64)
			}
		}
	}
}

// TestFlowTableWarmHints runs a batch through the warm pass of a table
// large enough for it and checks what the hints lead lookupAt to: the
// flow of a key warm found, a flow created earlier in the same batch
// (its hint is none), and not a slot that changed hands after the pass.
func TestFlowTableWarmHints(t *testing.T) {
	tab, _ := newTestTable(1<<20, DefaultTimeouts)
	key := func(n int) decode.FlowKey {
		k := testKey(17, uint16(n))
		k.PortA = uint16(n >> 16)
		return k
	}
	now := int64(1_700_000_000e9)
	for n := range warmFlows + 10 {
		tab.lookup(ptr(key(n)), now)
	}
	slot := func(k decode.FlowKey) int32 { return tab.index.find(&k, k.Hash(), &tab.slab) }
	b := newBatch()
	fresh, gone, taker, freed := key(1<<20), key(9), key(1<<20+1), key(11)
	for _, k := range []decode.FlowKey{key(5), freed, fresh, fresh, gone} {
		b.items = append(b.items, item{hasFlow: true, hash: k.Hash(), key: k})
	}
	tab.warm(b)
	if got, want := b.items[0].slot, slot(key(5))+1; got != want || b.items[2].slot != 0 || b.items[3].slot != 0 {
		t.Fatalf("hints %d, %d, %d, want %d, 0, 0", b.items[0].slot, b.items[2].slot, b.items[3].slot, want)
	}
	// After the pass, flow 11 ends and its slot stays free; flow 9 ends
	// and a new flow takes its slot.
	tab.remove(slot(freed), false)
	was := slot(gone)
	tab.remove(was, false)
	if tab.lookup(&taker, now); slot(taker) != was {
		t.Fatal("the new flow did not take the freed slot; the test needs it to")
	}
	var got []*flow
	for i, want := range []bool{false, true, true, false, true} {
		it := &b.items[i]
		f, created := tab.lookupAt(&it.key, it.hash, now, it.slot)
		if created != want || f.key != it.key {
			t.Errorf("item %d: created %v for key %v, want %v for %v", i, created, f.key, want, it.key)
		}
		got = append(got, f)
	}
	if got[2] != got[3] {
		t.Error("a flow created earlier in the batch was created again")
	}
	if slot(freed) < 0 {
		t.Error("the flow created again in a freed slot is not in the index")
	}
	if f := tab.slab.at(was); f.key != taker {
		t.Errorf("the slot that changed hands holds %v, want the new flow %v", f.key, taker)
	}
}
