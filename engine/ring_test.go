package engine

import (
	"bytes"
	"slices"
	"testing"

	"l7sniff/decode"
)

// addRaw appends data to the ring as the collector would.
func addRaw(r *Ring, data []byte) {
	r.add(&item{ts: 1, link: decode.LinkEthernet, wireLen: len(data)}, data, nil)
}

func filled(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

func TestRingEvictsByCount(t *testing.T) {
	r := newRing(4, 0)
	for i := 1; i <= 6; i++ {
		addRaw(r, filled(60, byte(i)))
	}
	n, first, last := r.Len()
	if n != 4 || first != 3 || last != 6 || r.Evicted() != 2 {
		t.Fatalf("Len %d [%d, %d], evicted %d; want 4 [3, 6], 2", n, first, last, r.Evicted())
	}
	if _, ok := r.Get(2); ok {
		t.Error("packet 2 still readable after eviction")
	}
	for seq := uint64(3); seq <= 6; seq++ {
		v, ok := r.Get(seq)
		if !ok || !bytes.Equal(v.Data, filled(60, byte(seq))) {
			t.Errorf("packet %d: present %v, bytes %x…", seq, ok, v.Data[:min(4, len(v.Data))])
		}
	}
}

func TestRingEvictsByBytes(t *testing.T) {
	// The arena is never smaller than one full-size packet
	// (DefaultSnaplen, 256 KiB): two 100 kB packets fit, a third wraps
	// and overwrites the oldest.
	r := newRing(100, 1)
	const size = 100_000
	for i := 1; i <= 3; i++ {
		addRaw(r, filled(size, byte(i)))
	}
	n, first, _ := r.Len()
	if n != 2 || first != 2 || r.Evicted() != 1 {
		t.Fatalf("after 3 × 100 kB: %d kept from %d, %d evicted; want 2 from 2, 1", n, first, r.Evicted())
	}
	addRaw(r, filled(size, 4)) // lands where packet 2 was
	n, first, _ = r.Len()
	if n != 2 || first != 3 {
		t.Fatalf("after 4 × 100 kB: %d kept from %d; want 2 from 3", n, first)
	}
	for seq := uint64(3); seq <= 4; seq++ {
		if v, ok := r.Get(seq); !ok || !bytes.Equal(v.Data, filled(size, byte(seq))) {
			t.Errorf("packet %d damaged or missing", seq)
		}
	}
	// Small packets fit in the free end of the arena: nothing goes.
	for i := 5; i <= 9; i++ {
		addRaw(r, filled(1000, byte(i)))
	}
	if n, first, _ := r.Len(); n != 7 || first != 3 {
		t.Errorf("after 5 small packets: %d kept from %d, want 7 from 3", n, first)
	}
	// The next big one wraps and takes packet 3's place only.
	addRaw(r, filled(size, 10))
	if n, first, _ := r.Len(); n != 7 || first != 4 {
		t.Errorf("after another 100 kB: %d kept from %d, want 7 from 4", n, first)
	}
	for seq := uint64(4); seq <= 10; seq++ {
		v, ok := r.Get(seq)
		if !ok || v.Data[0] != byte(seq) || v.Data[len(v.Data)-1] != byte(seq) {
			t.Errorf("packet %d damaged or missing", seq)
		}
	}
}

// viewSeqs is the sequence numbers View returns.
func viewSeqs(r *Ring) []uint64 {
	var out []uint64
	for _, v := range r.View(0, 1<<20) {
		out = append(out, v.Seq)
	}
	return out
}

func TestRingViewFilter(t *testing.T) {
	r := newRing(8, 0)
	udp := udpFrame(t, "10.0.0.1", "10.0.0.2", 5353, 53, []byte("q"))
	tcp := tcpFrame(t, "10.0.0.1", "10.0.0.2", 40000, 80, "S", nil)
	isUDP := map[uint64]bool{}
	add := func(seq uint64) {
		if seq%3 == 0 {
			addRaw(r, udp)
			isUDP[seq] = true
		} else {
			addRaw(r, tcp)
		}
	}
	for seq := uint64(1); seq <= 10; seq++ { // 2 evicted: 3..10 kept
		add(seq)
	}
	if err := r.SetViewFilter("udp port 53", decode.LinkEthernet); err != nil {
		t.Fatal(err)
	}
	want := func(from, to uint64) []uint64 {
		var out []uint64
		for s := from; s <= to; s++ {
			if isUDP[s] {
				out = append(out, s)
			}
		}
		return out
	}
	if got := viewSeqs(r); !slices.Equal(got, want(3, 10)) || r.ViewLen() != len(got) {
		t.Errorf("re-filtered history %v (len %d), want %v", got, r.ViewLen(), want(3, 10))
	}
	// New packets follow the filter; evicted ones leave the view.
	for seq := uint64(11); seq <= 16; seq++ {
		add(seq)
	}
	if got := viewSeqs(r); !slices.Equal(got, want(9, 16)) {
		t.Errorf("after new packets: %v, want %v", got, want(9, 16))
	}
	// A bad expression is refused with libpcap's message; the previous
	// filter stays.
	if err := r.SetViewFilter("udp port", decode.LinkEthernet); err == nil {
		t.Error("bad expression accepted")
	}
	if r.ViewFilter() != "udp port 53" || !slices.Equal(viewSeqs(r), want(9, 16)) {
		t.Errorf("bad expression changed the view: %q %v", r.ViewFilter(), viewSeqs(r))
	}
	if err := r.SetViewFilter("", decode.LinkEthernet); err != nil || r.ViewLen() != 8 {
		t.Errorf("clearing the filter: err %v, %d in view, want all 8", err, r.ViewLen())
	}
}

// A message TCP reassembly completed is kept with its packet, and the
// view hands it to decode as the packet's stream.
func TestRingKeepsReassembledMessage(t *testing.T) {
	r := newRing(4, 0)
	asm := []byte("xxGET / HTTP/1.1\r\n\r\n")
	it := &item{ts: 1, link: decode.LinkEthernet, wireLen: 60, asm: asmRef{has: true, off: 2, n: len(asm) - 2, here: 5}}
	r.add(it, filled(60, 1), asm)
	addRaw(r, filled(60, 2))
	v, ok := r.Get(1)
	if !ok || string(v.Stream.Data) != "GET / HTTP/1.1\r\n\r\n" || v.Stream.Here != 5 || len(v.Data) != 60 {
		t.Fatalf("view %+v", v.Stream)
	}
	if v, _ := r.Get(2); v.Stream.Data != nil || v.Data[0] != 2 {
		t.Errorf("the next packet's view %+v", v.Stream)
	}
}

// FlowPackets reads one flow's kept packets in order, a bounded number of
// slots per call, skipping evicted ones and those not captured yet.
func TestRingFlowPackets(t *testing.T) {
	const n = 3*ringScan + 10
	r := newRing(n-5, 0) // the first 5 are evicted
	for i := 1; i <= n; i++ {
		flow := uint64(1 + i%3)
		r.add(&item{ts: int64(i), link: decode.LinkEthernet, wireLen: 1, flowID: flow}, []byte{byte(i)}, nil)
	}
	var got []uint64
	var buf []PacketView
	calls := 0
	for from := uint64(0); from < n+100; calls++ {
		buf, from = r.FlowPackets(2, from, n+100, buf[:0])
		for _, v := range buf {
			got = append(got, v.Seq)
		}
	}
	var want []uint64
	for seq := uint64(6); seq <= n; seq++ {
		if 1+seq%3 == 2 {
			want = append(want, seq)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("flow 2: %d packets %v…, want %d from %v…", len(got), got[:min(3, len(got))], len(want), want[:3])
	}
	if calls != 4 {
		t.Errorf("%d calls for %d slots, want 4 of at most %d", calls, n-5, ringScan)
	}
}
