package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
)

var (
	le = binary.LittleEndian
	be = binary.BigEndian
)

// readAll reads every packet of a capture file image, as Read hands them
// on, and the error that ended it (nil at the end of the file).
type readPacket struct {
	caplen, wirelen int
	link            decode.LinkType
	ts              time.Time
}

func readAll(t *testing.T, file []byte, filter string) ([]readPacket, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.cap")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(SourceConfig{File: path, Filter: filter})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var got []readPacket
	for {
		data, ci, link, err := s.Read()
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		if data == nil {
			t.Fatal("a file gave nil data, which the engine takes for a live read timeout")
		}
		got = append(got, readPacket{len(data), ci.Length, link, ci.Timestamp})
	}
}

// tcpdumpCount is how many packets tcpdump reads from file: the
// independent truth for what a capture file holds. It skips when tcpdump
// is absent (fails under CI).
func tcpdumpCount(t *testing.T, file []byte) int {
	t.Helper()
	if _, err := exec.LookPath("tcpdump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump is needed to compare packet counts")
		}
		t.Skip("tcpdump not installed: cannot compare packet counts")
	}
	path := filepath.Join(t.TempDir(), "truth.cap")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	// tcpdump exits 1 on a damaged file after counting what it read.
	out, _ := exec.Command("tcpdump", "--count", "-r", path).Output()
	f := strings.Fields(string(out))
	if len(f) < 2 || f[1] != "packets" && f[1] != "packet" {
		t.Fatalf("tcpdump --count said %q", out)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pcapFile builds a pcap file with the given header fields; each record
// is its data and the two lengths its header holds, in the file's order.
type pcapRec struct {
	data          []byte
	first, second uint32
}

func pcapWith(order binary.ByteOrder, magic uint32, major, minor uint16, link uint32, recs ...pcapRec) []byte {
	b := decodetest.PcapHeader(order, magic, major, minor, link)
	for i, r := range recs {
		b = append(b, decodetest.PcapRecord(order, uint32(1700000000+i), 500, r.first, r.second, r.data)...)
	}
	return b
}

func whole(f []byte) pcapRec { return pcapRec{f, uint32(len(f)), uint32(len(f))} }

// TestPcapVariants reads every pcap variant libpcap reads and checks each
// record's lengths, link type and time, and that as many packets are read
// as tcpdump reads.
func TestPcapVariants(t *testing.T) {
	f60, f100 := decodetest.EthIPv4TCP(60), decodetest.EthIPv4TCP(100)
	type want struct {
		caplen, wirelen int
	}
	cases := []struct {
		name string
		file []byte
		link decode.LinkType
		nsec int // of the first packet
		want []want
	}{
		{"version 2.4", pcapWith(le, pcapMagicMicro, 2, 4, 1, whole(f60), whole(f100)), 1, 500e3,
			[]want{{60, 60}, {100, 100}}},
		// Before 2.3 the original length came first.
		{"version 2.0", pcapWith(le, pcapMagicMicro, 2, 0, 1, pcapRec{f60, 100, 60}, whole(f100)), 1, 500e3,
			[]want{{60, 100}, {100, 100}}},
		{"version 2.1", pcapWith(le, pcapMagicMicro, 2, 1, 1, pcapRec{f60, 100, 60}, whole(f100)), 1, 500e3,
			[]want{{60, 100}, {100, 100}}},
		{"version 543.0 (DG/UX)", pcapWith(le, pcapMagicMicro, 543, 0, 1, pcapRec{f60, 100, 60}), 1, 500e3, []want{{60, 100}}},
		// 2.3 files were written both ways: the larger is the original.
		{"version 2.3", pcapWith(le, pcapMagicMicro, 2, 3, 1, pcapRec{f60, 60, 100}, pcapRec{f60, 100, 60}), 1, 500e3,
			[]want{{60, 100}, {60, 100}}},
		{"big-endian", pcapWith(be, pcapMagicMicro, 2, 4, 1, pcapRec{f60, 60, 1500}), 1, 500e3, []want{{60, 1500}}},
		{"nanoseconds", pcapWith(le, pcapMagicNano, 2, 4, 1, whole(f60)), 1, 500, []want{{60, 60}}},
		{"nanoseconds, big-endian", pcapWith(be, pcapMagicNano, 2, 4, 1, whole(f60)), 1, 500, []want{{60, 60}}},
		{"captured length beyond the original", pcapWith(le, pcapMagicMicro, 2, 4, 1, pcapRec{f100, 100, 60}, whole(f60)), 1, 500e3,
			[]want{{100, 60}, {60, 60}}},
		{"zero-length records", pcapWith(le, pcapMagicMicro, 2, 4, 1, whole(f60), whole(nil), pcapRec{nil, 0, 60}, whole(f60)), 1, 500e3,
			[]want{{60, 60}, {0, 0}, {0, 60}, {60, 60}}},
		{"link type 257 is not Ethernet", pcapWith(le, pcapMagicMicro, 2, 4, 257, whole(f60)), 257, 500e3, []want{{60, 60}}},
		{"link type 276 (SLL2)", pcapWith(le, pcapMagicMicro, 2, 4, 276, whole(f60)), decode.LinkLinuxSLL2, 500e3, []want{{60, 60}}},
		// The high bits say frames carry an FCS; the link type is the rest.
		{"FCS bits in the link type", pcapWith(le, pcapMagicMicro, 2, 4, 0x14000001, whole(f60)), 1, 500e3, []want{{60, 60}}},
	}
	// Alexey Kuznetsov's format: 8 more bytes in each record header.
	mod := decodetest.PcapHeader(le, pcapMagicModified, 2, 4, 1)
	mod = append(mod, decodetest.PcapRecord(le, 1700000000, 500, 60, 60, append(make([]byte, 8), f60...))...)
	cases = append(cases, struct {
		name string
		file []byte
		link decode.LinkType
		nsec int
		want []want
	}{"modified pcap", mod, 1, 500e3, []want{{60, 60}}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readAll(t, c.file, "")
			if err != nil {
				t.Fatalf("after %d packets: %v", len(got), err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("read %d packets, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.caplen != w.caplen || g.wirelen != w.wirelen || g.link != c.link {
					t.Errorf("packet %d: %d captured of %d, link %d; want %d of %d, link %d",
						i+1, g.caplen, g.wirelen, g.link, w.caplen, w.wirelen, c.link)
				}
			}
			if ts := time.Unix(1700000000, int64(c.nsec)); !got[0].ts.Equal(ts) {
				t.Errorf("packet 1 at %v, want %v", got[0].ts, ts)
			}
			if n := tcpdumpCount(t, c.file); n != len(got) {
				t.Errorf("tcpdump reads %d packets, l7sniff %d", n, len(got))
			}
		})
	}
}

// ngPackets builds the blocks of one section: an interface per link, then
// a packet per frame on interface 0.
func ngSection(order binary.ByteOrder, links []uint16, ts uint64, frames ...[]byte) []byte {
	b := decodetest.PcapngSection(order)
	for _, l := range links {
		b = append(b, decodetest.PcapngInterface(order, l, 262144)...)
	}
	for _, f := range frames {
		b = append(b, decodetest.PcapngPacket(order, 0, ts, f)...)
	}
	return b
}

// TestPcapngVariants reads sections of both byte orders, the three packet
// blocks, timestamp resolutions and offsets, and blocks it skips.
func TestPcapngVariants(t *testing.T) {
	f60 := decodetest.EthIPv4TCP(60)
	spb := func(order binary.ByteOrder, wire uint32, data []byte) []byte {
		h := make([]byte, 4)
		order.PutUint32(h, wire)
		return decodetest.PcapngBlock(order, ngSimplePacket, h, data)
	}
	opb := func(order binary.ByteOrder, ts uint64, data []byte) []byte {
		h := make([]byte, 20)
		order.PutUint32(h[4:], uint32(ts>>32))
		order.PutUint32(h[8:], uint32(ts))
		order.PutUint32(h[12:], uint32(len(data)))
		order.PutUint32(h[16:], uint32(len(data)+40))
		return decodetest.PcapngBlock(order, ngObsoletePacket, h, data)
	}
	opt := decodetest.PcapngOption
	tsoff := make([]byte, 8)
	le.PutUint64(tsoff, 100)
	sec := uint64(1700000000)
	// libpcap reads a later section's length in the first section's byte
	// order and keeps one link type per file: where a case needs more,
	// tcpdump is no truth, and beyond says why.
	const libpcapLimit = "libpcap keeps the first section's byte order and link type"
	cases := []struct {
		name   string
		file   []byte
		want   []readPacket
		beyond string
	}{
		{"two sections",
			append(ngSection(le, []uint16{1}, sec*1e6, f60), ngSection(le, []uint16{1}, sec*1e6+1, f60)...),
			[]readPacket{{60, 60, 1, time.Unix(1700000000, 0)}, {60, 60, 1, time.Unix(1700000000, 1000)}}, ""},
		{"two sections, both byte orders, a link type each",
			append(ngSection(le, []uint16{1}, sec*1e6, f60), ngSection(be, []uint16{276}, sec*1e6, f60, f60)...),
			[]readPacket{{60, 60, 1, time.Unix(1700000000, 0)}, {60, 60, 276, time.Unix(1700000000, 0)}, {60, 60, 276, time.Unix(1700000000, 0)}},
			libpcapLimit},
		{"simple packet block, cut by the snap length",
			append(append(decodetest.PcapngSection(le), decodetest.PcapngInterface(le, 1, 40)...), spb(le, 60, f60)...),
			[]readPacket{{40, 60, 1, time.Unix(0, 0)}}, ""},
		{"obsolete packet block",
			append(ngSection(be, []uint16{1}, 0), opb(be, sec*1e6+7, f60)...),
			[]readPacket{{60, 100, 1, time.Unix(1700000000, 7000)}}, ""},
		{"nanosecond and binary resolutions, offset",
			append(append(append(decodetest.PcapngSection(le),
				decodetest.PcapngInterface(le, 1, 0, opt(le, ngOptIfTsresol, []byte{9}))...),
				decodetest.PcapngInterface(le, 1, 0, opt(le, ngOptIfTsresol, []byte{0x80 | 10}), opt(le, ngOptIfTsoffset, tsoff))...),
				append(decodetest.PcapngPacket(le, 0, sec*1e9+5, f60), decodetest.PcapngPacket(le, 1, sec<<10|512, f60)...)...),
			[]readPacket{{60, 60, 1, time.Unix(1700000000, 5)}, {60, 60, 1, time.Unix(1700000100, 5e8)}}, ""},
		{"interfaces of two link types",
			append(append(decodetest.PcapngSection(le), decodetest.PcapngInterface(le, 1, 0)...),
				append(decodetest.PcapngInterface(le, 101, 0), decodetest.PcapngPacket(le, 1, sec*1e6, f60[14:])...)...),
			[]readPacket{{46, 46, 101, time.Unix(1700000000, 0)}}, libpcapLimit},
		{"statistics and custom blocks skipped",
			append(append(ngSection(le, []uint16{1}, sec*1e6, f60), decodetest.PcapngBlock(le, 5, make([]byte, 20))...),
				append(decodetest.PcapngBlock(le, 0xbad, make([]byte, 1000)), decodetest.PcapngPacket(le, 0, sec*1e6, f60)...)...),
			[]readPacket{{60, 60, 1, time.Unix(1700000000, 0)}, {60, 60, 1, time.Unix(1700000000, 0)}}, ""},
		{"zero-length packet", ngSection(le, []uint16{1}, sec*1e6, nil, f60),
			[]readPacket{{0, 0, 1, time.Unix(1700000000, 0)}, {60, 60, 1, time.Unix(1700000000, 0)}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readAll(t, c.file, "")
			if err != nil {
				t.Fatalf("after %d packets: %v", len(got), err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("read %d packets, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				if g := got[i]; g.caplen != w.caplen || g.wirelen != w.wirelen || g.link != w.link || !g.ts.Equal(w.ts) {
					t.Errorf("packet %d: %+v, want %+v", i+1, g, w)
				}
			}
			if c.beyond != "" {
				t.Logf("not compared with tcpdump: %s", c.beyond)
				return
			}
			if n := tcpdumpCount(t, c.file); n != len(got) {
				t.Errorf("tcpdump reads %d packets, l7sniff %d", n, len(got))
			}
		})
	}
}

// TestPcapngSnaplenDoesNotSizeMemory reads a small file whose interface
// claims a 4 GiB snap length: the reader must not allocate by the claim.
func TestPcapngSnaplenDoesNotSizeMemory(t *testing.T) {
	file := append(decodetest.PcapngSection(le), decodetest.PcapngInterface(le, 1, 0xffffffff)...)
	file = append(file, decodetest.PcapngPacket(le, 0, 0, decodetest.EthIPv4TCP(60))...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := readAll(t, file, "")
	runtime.ReadMemStats(&after)
	if err != nil || len(got) != 1 {
		t.Fatalf("%d packets, %v; want 1", len(got), err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading a %d-byte file allocated %d bytes", len(file), grew)
	}
}

// TestPcapngLimits: what a file could grow without bound, and what
// l7sniff cannot count, is refused with the block that asked for it.
func TestPcapngLimits(t *testing.T) {
	f60 := decodetest.EthIPv4TCP(60)
	many := decodetest.PcapngSection(le)
	for range ngMaxInterfaces + 1 {
		many = append(many, decodetest.PcapngInterface(le, 1, 0)...)
	}
	fine := append(decodetest.PcapngSection(le),
		decodetest.PcapngInterface(le, 1, 0, decodetest.PcapngOption(le, ngOptIfTsresol, []byte{20}))...)
	spb := append(decodetest.PcapngSection(le), decodetest.PcapngBlock(le, ngSimplePacket, []byte{60, 0, 0, 0}, f60)...)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"too many interfaces", many, "pcapng block 65538 (interface description) at byte 1310748: more than 65536 interfaces"},
		{"timestamps finer than 10^-19 s", fine, "pcapng block 2 (interface description) at byte 28: timestamp resolution 0x14"},
		{"simple packet before any interface", spb, "pcapng block 2 (simple packet) at byte 28: interface 0 was not described"},
	} {
		got, err := readAll(t, c.file, "")
		if err == nil || !strings.Contains(err.Error(), c.want) || len(got) != 0 {
			t.Errorf("%s: %d packets, error %v; want %q", c.name, len(got), err, c.want)
		}
	}
}

// TestLinkFilterOnPcapng applies link-layer filters to pcapng input: they
// need the interface's link type, not 0.
func TestLinkFilterOnPcapng(t *testing.T) {
	plain := decodetest.EthIPv4TCP(60)
	tagged := append(append(decodetest.Ethernet(0x8100)[:12:12], 0x81, 0x00, 0x00, 0x05, 0x08, 0x00), plain[14:]...)
	file := decodetest.PcapngFile(1, plain, tagged, plain)
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"ether host 02:00:00:00:00:0a", 3},
		{"ether host 02:00:00:00:00:0c", 0},
		{"vlan 5", 1},
		{"not vlan", 2},
	} {
		got, err := readAll(t, file, c.filter)
		if err != nil {
			t.Fatalf("%s: %v", c.filter, err)
		}
		if len(got) != c.want {
			t.Errorf("%q passed %d of 3 packets, want %d", c.filter, len(got), c.want)
		}
	}
}

// repeatReader yields head once, then body forever: an endless capture
// for benchmarks.
type repeatReader struct {
	head, body []byte
	off        int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.head) > 0 {
			c := copy(p[n:], r.head)
			r.head, n = r.head[c:], n+c
			continue
		}
		c := copy(p[n:], r.body[r.off:])
		n += c
		r.off = (r.off + c) % len(r.body)
	}
	return n, nil
}

// BenchmarkFileSource reads records of pcap and pcapng files: one op is
// one record; it must not allocate.
func BenchmarkFileSource(b *testing.B) {
	frame := decodetest.EthIPv4TCP(600)
	pcap := decodetest.PcapFile(1, frame)
	ng := decodetest.PcapngFile(1, frame)
	ngHead := len(ng) - len(decodetest.PcapngPacket(le, 0, 0, frame))
	for _, c := range []struct {
		name       string
		head, body []byte
	}{
		{"pcap", pcap[:24], pcap[24:]},
		{"pcapng", ng[:ngHead], ng[ngHead:]},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := newFileSource("bench", &repeatReader{head: c.head, body: c.body}, false)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if data, _, _, err := s.Read(); err != nil || len(data) != len(frame) {
					b.Fatalf("%d bytes, %v", len(data), err)
				}
			}
		})
	}
}

// FuzzFileSource reads arbitrary bytes as a capture file: no panic, no
// endless loop, no packet larger than a record may hold, and memory
// bounded by the reader's buffer whatever the file claims.
func FuzzFileSource(f *testing.F) {
	frame := decodetest.EthIPv4TCP(60)
	f.Add(decodetest.PcapFile(1, frame, frame))
	f.Add(pcapWith(be, pcapMagicNano, 2, 1, 276, pcapRec{frame, 100, 60}))
	f.Add(decodetest.PcapngFile(1, frame, nil))
	f.Add(append(ngSection(be, []uint16{1, 113}, 1, frame), decodetest.PcapngBlock(be, 3, make([]byte, 4), frame)...))
	f.Fuzz(func(t *testing.T, file []byte) {
		s, err := newFileSource("fuzz", bytes.NewReader(file), false)
		if err != nil {
			return
		}
		// Every packet takes at least 12 bytes of the file.
		for n := 0; ; n++ {
			if n > len(file)/12+1 {
				t.Fatalf("%d packets from %d bytes", n, len(file))
			}
			data, _, _, err := s.Read()
			if err != nil {
				return
			}
			if data == nil || len(data) > DefaultSnaplen {
				t.Fatalf("packet %d: %d bytes (nil %v)", n+1, len(data), data == nil)
			}
		}
	})
}
