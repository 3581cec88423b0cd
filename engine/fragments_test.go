package engine

import (
	"encoding/binary"
	"slices"
	"strconv"
	"testing"
	"time"
)

// fragmentIPv4 cuts an Ethernet/IPv4 frame's datagram into fragments at
// the given payload offsets (multiples of 8), all with identification id.
func fragmentIPv4(t *testing.T, frame []byte, id uint16, cuts ...int) [][]byte {
	t.Helper()
	const eth, ihl = 14, 20
	hdr, pay := frame[:eth+ihl], frame[eth+ihl:]
	bounds := append(append([]int{0}, cuts...), len(pay))
	var out [][]byte
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		if lo%8 != 0 {
			t.Fatalf("cut %d is not a multiple of 8", lo)
		}
		f := append(append([]byte(nil), hdr...), pay[lo:hi]...)
		ip := f[eth:]
		binary.BigEndian.PutUint16(ip[2:], uint16(ihl+hi-lo))
		binary.BigEndian.PutUint16(ip[4:], id)
		off := uint16(lo / 8)
		if hi < len(pay) {
			off |= 0x2000 // more fragments
		}
		binary.BigEndian.PutUint16(ip[6:], off)
		ip[10], ip[11] = 0, 0
		var sum uint32
		for j := 0; j < ihl; j += 2 {
			sum += uint32(binary.BigEndian.Uint16(ip[j:]))
		}
		for sum > 0xffff {
			sum = sum>>16 + sum&0xffff
		}
		binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
		out = append(out, f)
	}
	return out
}

// TestLaterFragmentsJoinTheirFlow: the later fragments of a datagram are
// counted in the flow of its first fragment (the one with the ports),
// both directions and any shard count; a later fragment seen before its
// first, or of a datagram whose first fragment was never seen, keeps a
// flow of its own without ports.
func TestLaterFragmentsJoinTheirFlow(t *testing.T) {
	big := make([]byte, 3000)
	for i := range big {
		big[i] = byte(i)
	}
	query := udpFrame(t, "10.0.0.1", "10.0.0.2", 40000, 53, big[:100])
	answer := fragmentIPv4(t, udpFrame(t, "10.0.0.2", "10.0.0.1", 53, 40000, big), 7, 1480, 2960)
	orphan := fragmentIPv4(t, udpFrame(t, "10.0.0.2", "10.0.0.1", 53, 40000, big), 8, 1480)
	late := fragmentIPv4(t, udpFrame(t, "10.0.0.1", "10.0.0.3", 40001, 53, big), 9, 1480)
	frames := [][]byte{query, answer[0], answer[1], answer[2], orphan[1], late[1], late[0]}
	var capture []testFrame
	for i, f := range frames {
		capture = append(capture, testFrame{time.Unix(int64(1+i), 0), f})
	}
	file := writeCapture(t, capture)
	for _, shards := range []int{1, 4} {
		e, err := runEngine(t, Config{Source: SourceConfig{File: file}, Shards: shards, RingPackets: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range e.Flows() {
			got = append(got, f.A()+" "+f.B()+" "+strconv.FormatUint(f.Packets[0], 10)+"+"+strconv.FormatUint(f.Packets[1], 10))
		}
		slices.Sort(got)
		want := []string{
			"10.0.0.2:0 10.0.0.1:0 1+0",      // the orphan's later fragment (A sent first)
			"10.0.0.1:0 10.0.0.3:0 1+0",      // late's later fragment, before its first
			"10.0.0.1:40000 10.0.0.2:53 1+3", // the query and the whole answer
			"10.0.0.1:40001 10.0.0.3:53 1+0", // late's first fragment
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%d shards: flows\n%q\nwant\n%q", shards, got, want)
		}
	}
}
