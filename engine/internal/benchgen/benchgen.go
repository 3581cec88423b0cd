// Package benchgen generates the throughput benchmark's capture: millions
// of Ethernet frames from tens of thousands of concurrent TCP and UDP
// flows (IPv4 and some IPv6), each opening with a real application
// exchange (HTTP, TLS, SSH, DNS, SMTP, POP3, IMAP, FTP, BitTorrent,
// MySQL, Redis, SIP, NTP, WireGuard, opaque bytes), with TCP handshakes
// and closes, followed by bulk packets that bring the whole capture to
// the real-traffic size mix: 50% of IP packets of 40–135 bytes, 35% of
// 1419–1500 bytes and 15% in between.
//
// The output depends only on the Config, so two runs (and two machines)
// benchmark the same bytes.
package benchgen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Config sizes the capture. Zero values mean the defaults.
type Config struct {
	// Packets is how many frames to write (default 2,000,000).
	Packets int
	// Flows is how many flows are open at any time (default 50,000).
	Flows int
	// Seed selects the pseudo-random sequence (default 1).
	Seed uint64
	// SYNs makes every frame the SYN of a new TCP flow, and nothing
	// else: a capture that fills the flow table, for measuring what a
	// flow costs in memory (Flows is then unused).
	SYNs bool
}

// Stats describes what was generated.
type Stats struct {
	Packets, Bytes int // frames and their bytes (wire length)
	FlowsStarted   int
	ByProto        map[string]int // flows started per protocol
	// Sizes counts IP packets in the three size classes: 40–135,
	// 136–1418 and 1419–1500 bytes.
	Sizes    [3]int
	Duration time.Duration // capture time from first to last frame
}

// Start is the first frame's timestamp.
var Start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// Generator produces the frames one at a time.
type Generator struct {
	cfg     Config
	r       *rand.Rand
	slots   []flow
	ts      int64
	noise   []byte
	buf     []byte
	prefix  [16]byte // a bulk packet's protocol header
	servers [][4]byte
	stats   Stats
}

// New returns a generator for cfg.
func New(cfg Config) *Generator {
	if cfg.Packets <= 0 {
		cfg.Packets = 2_000_000
	}
	if cfg.Flows <= 0 {
		cfg.Flows = 50_000
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	g := &Generator{
		cfg:   cfg,
		r:     rand.New(rand.NewPCG(cfg.Seed, 0x6c37736e696666)),
		slots: make([]flow, cfg.Flows),
		ts:    Start.UnixNano(),
		buf:   make([]byte, 0, 1600),
		stats: Stats{ByProto: map[string]int{}},
	}
	// Bulk payload (compressed bodies, ciphertext) is random; slices of
	// one buffer cost nothing per packet.
	g.noise = randBytes(g.r, 1<<20)
	g.servers = serverAddrs(g.r, 4000)
	return g
}

// Stats returns what has been generated so far.
func (g *Generator) Stats() Stats {
	s := g.stats
	s.Duration = time.Duration(g.ts - Start.UnixNano())
	return s
}

// Next returns the next frame and its capture time in Unix nanoseconds.
// The frame is only valid until the next call.
func (g *Generator) Next() (frame []byte, ts int64) {
	var f *flow
	var st step
	if g.cfg.SYNs {
		f, st = g.synFlow(), step{kind: stepSYN}
	} else {
		// Flows take turns at random, so their packets interleave as on
		// a busy link and about cfg.Flows are open at once.
		f = &g.slots[g.r.IntN(len(g.slots))]
		if f.pos >= len(f.steps) {
			g.newFlow(f)
		}
		st = f.steps[f.pos]
		f.pos++
	}
	frame = g.emit(f, st)
	g.ts += 2000 + int64(g.r.IntN(6000)) // 5 µs apart on average: 200k pps
	g.stats.Packets++
	g.stats.Bytes += len(frame)
	return frame, g.ts
}

// synFlow starts the next TCP flow of a SYNs capture in the first slot.
func (g *Generator) synFlow() *flow {
	f := &g.slots[0]
	for g.newFlow(f); f.proto.udp; g.newFlow(f) {
		// Not a TCP flow: not one of the capture's.
		g.stats.FlowsStarted--
		if g.stats.ByProto[f.proto.name]--; g.stats.ByProto[f.proto.name] == 0 {
			delete(g.stats.ByProto, f.proto.name)
		}
	}
	return f
}

// Write writes a whole capture to w as a pcap file (Ethernet,
// microsecond timestamps).
func Write(w io.Writer, cfg Config) (Stats, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return Stats{}, err
	}
	g := New(cfg)
	for range g.cfg.Packets {
		frame, ts := g.Next()
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, ts), CaptureLength: len(frame), Length: len(frame)}
		if err := pw.WritePacket(ci, frame); err != nil {
			return g.Stats(), err
		}
	}
	return g.Stats(), bw.Flush()
}

// size classes of IP packet lengths, and the share of packets each should
// have.
var (
	classLo    = [3]int{40, 136, 1419}
	classHi    = [3]int{135, 1418, 1500}
	classShare = [3]float64{0.50, 0.15, 0.35}
)

func classOf(ipLen int) int {
	switch {
	case ipLen <= classHi[0]:
		return 0
	case ipLen <= classHi[1]:
		return 1
	}
	return 2
}

// bulkClass picks the size class furthest behind its share, so the
// capture as a whole has the target mix whatever the handshakes and
// application messages contributed.
func (g *Generator) bulkClass() int {
	best, bestDef := 0, -1e18
	n := float64(g.stats.Packets + 1)
	for c := range classShare {
		if d := classShare[c]*n - float64(g.stats.Sizes[c]); d > bestDef {
			best, bestDef = c, d
		}
	}
	return best
}
