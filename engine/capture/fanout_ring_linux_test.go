package capture

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
)

// fakeRing lays frames out in one TPACKET_V3 block as the kernel does
// (block header, then each packet's tpacket3_hdr, the frame at tp_mac),
// and returns a socket holding that block, ready to read it. vlan, if
// not zero, is the tag the kernel took off each frame.
func fakeRing(t testing.TB, frames [][]byte, vlan uint16) *packetSocket {
	const first, mac = 64, 80
	g := &fanout{dev: "fake0", snaplen: DefaultSnaplen}
	s := &packetSocket{fd: -1, group: g, blockSize: 1 << 16, blocks: 1, tagged: make([]byte, g.snaplen+4)}
	s.ring = make([]byte, s.blockSize)
	off := first
	for i, f := range frames {
		h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&s.ring[off]))
		next := (mac + len(f) + 15) &^ 15
		if i < len(frames)-1 {
			h.Next_offset = uint32(next)
		}
		h.Sec, h.Nsec, h.Snaplen, h.Len, h.Mac = 1700000000, uint32(i), uint32(len(f)), uint32(len(f)), mac
		if vlan != 0 {
			h.Status |= unix.TP_STATUS_VLAN_VALID
			h.Hv1.Vlan_tci = uint32(vlan)
		}
		copy(s.ring[off+mac:], f)
		off += next
		if off+mac > s.blockSize {
			t.Fatalf("%d frames do not fit the fake block", len(frames))
		}
	}
	s.held, s.left, s.off = true, uint32(len(frames)), first
	return s
}

func TestSocketPutsVLANTagBack(t *testing.T) {
	frame := decodetest.UDPFrame(1234, 53, decodetest.Payload(20))
	wire := append(append(append([]byte(nil), frame[:12]...), 0x81, 0x00, 0x00, 7), frame[12:]...)
	for _, tc := range []struct {
		filter string
		pass   bool
	}{{"", true}, {"vlan 7 and udp", true}, {"vlan 8", false}, {"udp", false}} {
		s := fakeRing(t, [][]byte{frame}, 7)
		if tc.filter != "" {
			b, err := CompileBPF(decode.LinkEthernet, DefaultSnaplen, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			s.group.tagged.Store(b)
		}
		data, ci, ok := s.next()
		if ok != tc.pass {
			t.Errorf("filter %q: tagged frame passed %v, want %v", tc.filter, ok, tc.pass)
		}
		if !ok {
			continue
		}
		if !bytes.Equal(data, wire) || ci.Length != len(wire) || ci.CaptureLength != len(wire) {
			t.Errorf("filter %q: got %x (len %d/%d), want the frame as on the wire %x", tc.filter, data, ci.CaptureLength, ci.Length, wire)
		}
	}
}

func TestSocketReadsBlockInOrder(t *testing.T) {
	var frames [][]byte
	for i := range 20 {
		frames = append(frames, decodetest.TCPFrame(uint16(1000+i), 80, decodetest.Payload(i*7)))
	}
	s := fakeRing(t, frames, 0)
	for i, want := range frames {
		data, ci, ok := s.next()
		if !ok || !bytes.Equal(data, want) || ci.Length != len(want) || ci.Timestamp.Nanosecond() != i {
			t.Fatalf("packet %d: ok %v, %d bytes at %v; want frame %d (%d bytes)", i, ok, len(data), ci.Timestamp, i, len(want))
		}
		if got := binary.BigEndian.Uint16(data[34:]); got != uint16(1000+i) {
			t.Fatalf("packet %d: source port %d", i, got)
		}
	}
	if s.left != 0 {
		t.Errorf("%d packets left after the block's last", s.left)
	}
}

// BenchmarkSocketNext is the fanout reader's per-packet step: one packet
// out of a ring block, plain and with an 802.1Q tag put back and
// filtered in user space.
func BenchmarkSocketNext(b *testing.B) {
	frames := make([][]byte, 32)
	for i := range frames {
		frames[i] = decodetest.EthIPv4TCP(64 + i*40)
	}
	for _, tc := range []struct {
		name string
		vlan uint16
	}{{"plain", 0}, {"vlan", 7}} {
		b.Run(tc.name, func(b *testing.B) {
			s := fakeRing(b, frames, tc.vlan)
			if tc.vlan != 0 {
				f, err := CompileBPF(decode.LinkEthernet, DefaultSnaplen, "vlan 7 and tcp")
				if err != nil {
					b.Fatal(err)
				}
				s.group.tagged.Store(f)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if s.left == 0 {
					s.left, s.off = uint32(len(frames)), 64
				}
				if data, _, ok := s.next(); ok {
					n += len(data)
				}
			}
			if n == 0 {
				b.Fatal("no packet read")
			}
		})
	}
}
