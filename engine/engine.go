// Package engine captures packets, decodes them, keeps flows, classifies
// them with the pattern set and feeds the UI and the headless outputs.
//
// The pipeline has three stages joined by bounded channels of recycled
// batches:
//
//	capture ──► shard 0..n-1 ──► collector
//	(read, decode,  (flow table,     (capture order: counters, ring,
//	 hash, copy)     classification)  -w file, line/field output)
//
// The capture stage decodes each packet once, picks the shard by the
// symmetric flow hash and copies the packet into that shard's batch. Each
// shard owns its flows outright, so no lock guards the flow table. The
// collector merges the shards' output back into capture order (the capture
// stage logs which shard got each packet), so the line and field outputs
// are deterministic and report each packet with its flow's verdict at that
// moment. A fanout group (SourceConfig.Fanout) runs one capture stage per
// socket, each with its own batches and log; they hand them on one flush
// at a time, so the collector sees each socket's packets in the order it
// captured them, the sockets' flushes one after the other (at most
// orderLogLen packets or a few milliseconds each). The kernel sends all
// of a flow's packets to one socket, so each flow stays in capture order. A slow stage slows the ones before it (back-pressure) down to
// libpcap, whose kernel buffer then counts drops; the UI never takes part:
// it reads the counters the shards publish as atomics after each batch
// (Stats, Apps), and asks for the flows it shows a page at a time
// (FlowPage), which each shard answers between two batches.
//
// Around the pipeline, each in a package of its own: engine/capture reads
// the packets (devices, files, pipes; the only cgo) and writes -w files;
// engine/ipfix exports the flow records the engine makes of its flows
// (flowexport.go); engine/output prints packets and reports and holds the
// terminal escaper, building on the engine's PacketInfo, FlowView and
// Stats. The engine imports capture and ipfix; output imports the engine.
// The engine also owns control: it follows the pattern and service rule
// watchers itself (PatternWatch, WatchServices), for the TUI and the
// headless modes alike.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"l7sniff/decode"
	"l7sniff/engine/capture"
	"l7sniff/engine/identity"
	"l7sniff/engine/ipfix"
	"l7sniff/patterns"
)

// SourceConfig says what an engine captures: a device, a file or a pipe
// (capture.SourceConfig). It is named here too, as os.FileMode names
// fs.FileMode, so that configuring an engine needs this package alone.
type SourceConfig = capture.SourceConfig

// Config configures an Engine. Zero values mean the defaults.
type Config struct {
	// Source is what to capture; its Fanout 0 means one socket per
	// shard (at most capture.DefaultFanout) on a multi-core machine.
	Source SourceConfig
	// Shards is the number of flow-table shards, at most MaxShards
	// (0: GOMAXPROCS, capped at MaxShards).
	Shards int
	// MaxFlows caps the live flows across shards (0: 1<<20); the least
	// recently used flow is evicted to make room.
	MaxFlows int
	// MaxEnded caps the ended flows kept for the report and the flows
	// view (0: MaxFlows); older ones are dropped and counted.
	MaxEnded int
	Timeouts Timeouts
	// MaxPackets is the l7-filter packet limit per flow (0: 10).
	MaxPackets int
	// RingPackets and RingBytes size the packet history kept for the UI;
	// 0 packets means no history (headless modes).
	RingPackets int
	RingBytes   int
	// Replay paces a file by its timestamps at this speed (1 = real
	// time); 0 reads as fast as possible.
	Replay float64
	// Loop reads a file again from its start each time it ends, until
	// the engine is stopped, each pass later in time than the one before.
	Loop bool
	// Count stops the capture after this many packets (0: no limit).
	Count int
	// Patterns is the set flows start on; SetPatterns replaces it.
	Patterns *patterns.Set
	// Packet, if set, is called for every packet in capture order with
	// its decode and its flow's verdict at that moment (the line and
	// field outputs). The packet is only valid during the call.
	Packet func(p *decode.Packet, info *PacketInfo) error
	// Omit is the work on delivered packets that Packet does not need
	// (FieldFormat.Omit says which for -T fields).
	Omit Omit
	// Write, if set, receives every packet (the -w file); see SetWriter.
	Write *capture.PcapWriter
	// Export, if set, receives flow records (see ipfix.Exporter); Run
	// closes it. ActiveTimeout is how often, in capture time, flows that
	// are still live are exported too (0: only when they end).
	Export        *ipfix.Exporter
	ActiveTimeout time.Duration
	// Services names flows by host (nil: identity.DefaultServices());
	// SetServices replaces it.
	Services *identity.Services
	// DNSCacheEntries bounds the DNS answer cache that names flows
	// without a name of their own (0: identity.DefaultDNSCacheEntries;
	// its name bytes are bounded at DNSCacheBytesPerEntry per entry).
	DNSCacheEntries int
}

// Omit names per-packet work of the collector that a Packet sink may not
// need; the zero value does it all.
type Omit uint8

const (
	// OmitApp decodes packets without their application layer, and the
	// shards do no TCP reassembly for the sink.
	OmitApp Omit = 1 << iota
	// OmitStreams leaves PacketInfo's TCPStream and UDPStream at -1:
	// numbering conversations reads each packet's flow cell, on a busy
	// capture a cache miss per packet.
	OmitStreams
)

// Engine runs the pipeline over one source.
type Engine struct {
	// frames and streams give delivered packets tshark's relative times
	// and conversation numbers; only the collector uses them.
	frames   frameClock
	streams  streamNumbers
	info     PacketInfo // the delivered packet's; collector only
	cfg      Config
	src      *capture.Source
	nshards  int
	shards   []*shard
	patterns atomic.Pointer[patterns.Set]
	services atomic.Pointer[identity.Services]
	// svcStatus is the last service rule reload (WatchServices).
	svcStatus atomic.Pointer[identity.ServiceReload]
	// patWatch is the pattern subscription the engine is attached to
	// (PatternWatch.Attach), for PatternStatus.
	patWatch atomic.Pointer[PatternWatch]
	// dns feeds DNS answers to the cache and names new flows from it, in
	// the capture stage (dnsfeed.go).
	dns      *dnsFeed
	ring     *Ring
	stats    *statsKeeper
	clock    clock // what replay pacing sleeps by
	free     chan *batch
	order    chan []uint8
	freeLogs chan []uint8
	filters  chan filterRequest
	finished chan struct{} // closed when Run has read the final state
	stop     atomic.Bool
	// flushMu makes each capture stage's flush (its batches to the
	// shards, then their order log to the collector) one step, so the
	// shards and the collector see the flushes in the same order.
	flushMu sync.Mutex
	// taken counts packets against Config.Count, over every capture stage.
	taken atomic.Uint64
	// delivered numbers packets in the order the collector delivers them.
	delivered uint64
	err       error
	done      atomic.Bool
	// usb carries USB interface classes from frame to frame for the
	// field output (tshark's view of setup packets); collector only.
	usb decode.USBState
	// apps is the TLS and QUIC dissectors' per-flow state; collector only.
	apps appConns
}

type filterRequest struct {
	expr  string
	reply chan error
}

// New opens the source and prepares the pipeline.
func New(cfg Config) (*Engine, error) {
	if cfg.Shards > MaxShards {
		return nil, fmt.Errorf("engine: %d shards: at most %d", cfg.Shards, MaxShards)
	}
	if cfg.Shards <= 0 {
		cfg.Shards = min(runtime.GOMAXPROCS(0), MaxShards)
	}
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = 1 << 20
	}
	if cfg.MaxEnded <= 0 {
		cfg.MaxEnded = cfg.MaxFlows
	}
	if cfg.Timeouts == (Timeouts{}) {
		cfg.Timeouts = DefaultTimeouts
	}
	if cfg.MaxPackets <= 0 {
		cfg.MaxPackets = patterns.DefaultMaxPackets
	}
	if cfg.Patterns == nil {
		return nil, errors.New("engine: no pattern set")
	}
	if cfg.Source.Fanout == 0 && runtime.NumCPU() > 1 {
		// One socket per shard: the kernel's hash spreads the capture
		// over the cores as the engine's spreads the flows.
		cfg.Source.Fanout = min(cfg.Shards, capture.DefaultFanout)
	}
	src, err := capture.Open(cfg.Source)
	if err != nil {
		return nil, err
	}
	if cfg.Export != nil {
		// Before any shard runs, so before any record is encoded.
		cfg.Export.NameInterface(src.Name())
	}
	e := &Engine{
		cfg: cfg, src: src, nshards: cfg.Shards, clock: wallClock{},
		stats:    newStatsKeeper(),
		filters:  make(chan filterRequest),
		finished: make(chan struct{}),
		order:    make(chan []uint8, 64),
		freeLogs: make(chan []uint8, 64+capture.MaxFanout),
	}
	e.patterns.Store(cfg.Patterns)
	if cfg.Services == nil {
		cfg.Services = identity.DefaultServices()
	}
	e.services.Store(cfg.Services)
	e.dns = newDNSFeed(cfg.DNSCacheEntries)
	if cfg.RingPackets > 0 {
		e.ring = newRing(cfg.RingPackets, cfg.RingBytes)
	}
	// Each capture stage holds a batch per shard while the collector
	// holds up to one per shard; the rest keeps the shards busy.
	readers := len(src.Readers())
	nb := cfg.Shards*(5+readers) + 2
	e.free = make(chan *batch, nb)
	for range nb {
		e.free <- newBatch()
	}
	for range 63 + readers {
		e.freeLogs <- make([]uint8, 0, orderLogLen)
	}
	for i := range cfg.Shards {
		e.shards = append(e.shards, newShard(e, i))
	}
	return e, nil
}

// orderLogLen is how many packets one order log names.
const orderLogLen = 4096

// MaxShards bounds Config.Shards: the order log names a packet's shard in
// one byte, and a capture goroutine feeds every shard, so more shards
// than that would only cost memory (each holds six batches).
const MaxShards = math.MaxUint8 + 1

// SetWriter makes the engine write every packet to w (the -w file). Call
// it before Run; the writer is created after New because it needs the
// source's link type.
func (e *Engine) SetWriter(w *capture.PcapWriter) { e.cfg.Write = w }

// Source returns the engine's packet source.
func (e *Engine) Source() *capture.Source { return e.src }

// Ring returns the packet history, or nil when the engine keeps none.
func (e *Engine) Ring() *Ring { return e.ring }

// SetPatterns makes set the one new flows start on. Flows that have not
// sent payload yet move to it; flows in the middle of classification
// finish on the set they started with, whose automaton their state
// belongs to; decided flows keep their verdict.
func (e *Engine) SetPatterns(set *patterns.Set) { e.patterns.Store(set) }

// SetServices makes rules the service rules flows are named by from now
// on; flows already named keep their service.
func (e *Engine) SetServices(rules *identity.Services) { e.services.Store(rules) }

// WatchServices makes the engine follow w: each reload's rules replace
// the ones in force, and ServiceStatus reports it; notify, when not nil,
// is called with each reload after the first (for a log). It returns at
// once; the following ends when w is closed.
func (e *Engine) WatchServices(w *identity.ServiceWatcher, notify func(identity.ServiceReload)) {
	first := w.Status()
	e.svcStatus.Store(&first)
	e.SetServices(first.Services)
	go func() {
		for r := range w.Updates() {
			e.svcStatus.Store(&r)
			e.SetServices(r.Services)
			if notify != nil && r.Version > 1 {
				notify(r)
			}
		}
	}()
}

// ServiceStatus returns the last service rule reload, for the UI header
// (version, problems with file:line, whether the earlier rules were
// kept); ok is false when the rules are not watched (built-in or loaded
// once).
func (e *Engine) ServiceStatus() (r identity.ServiceReload, ok bool) {
	if p := e.svcStatus.Load(); p != nil {
		return *p, true
	}
	return identity.ServiceReload{}, false
}

// Services returns the service rules in force.
func (e *Engine) Services() *identity.Services { return e.services.Load() }

// DNSCache returns the cache of DNS answers the engine names flows by.
func (e *Engine) DNSCache() *identity.DNSCache { return e.dns.cache }

// Patterns returns the set new flows start on.
func (e *Engine) Patterns() *patterns.Set { return e.patterns.Load() }

// SetCaptureFilter replaces the capture filter while the capture runs; on
// a device it goes into the kernel on the open handle. A bad expression
// returns libpcap's error and the previous filter stays.
func (e *Engine) SetCaptureFilter(expr string) error {
	if e.done.Load() {
		return e.src.SetFilter(expr)
	}
	r := filterRequest{expr, make(chan error, 1)}
	select {
	case e.filters <- r:
		return <-r.reply
	case <-e.finished:
		return e.src.SetFilter(expr)
	}
}

// ValidateCaptureFilter checks a capture filter expression for packets
// of link type link, as SetCaptureFilter would, without installing it: a
// bad one returns libpcap's error.
func ValidateCaptureFilter(expr string, link decode.LinkType, snaplen int) error {
	_, err := capture.CompileBPF(link, snaplen, expr)
	return err
}

// Stop ends the capture; Run returns once everything read so far has gone
// through the pipeline.
func (e *Engine) Stop() { e.stop.Store(true) }

// Run captures until the source ends, Count is reached, Stop is called or
// ctx is done. Everything captured is processed before it returns. A read
// error (a truncated file, a device that went away) is returned after the
// packets before it were processed.
func (e *Engine) Run(ctx context.Context) error {
	defer e.src.Close()
	stopCtx := context.AfterFunc(ctx, e.Stop)
	defer stopCtx()
	var wg sync.WaitGroup
	for _, s := range e.shards {
		wg.Add(1)
		go func() { defer wg.Done(); s.run() }()
	}
	collected := make(chan error, 1)
	go func() { collected <- e.collect() }()
	e.capture()
	sinkErr := <-collected
	// Let the shards go. Each shard has emptied its table into its ended
	// list and closed its output, which the collector drained before it
	// returned: the shards change nothing any more, so from now on their
	// flows are read in place (onShards) instead of copied in a final
	// state (at the end of a large capture that copy was the peak of the
	// process's memory).
	e.done.Store(true)
	close(e.finished)
	wg.Wait()
	// Every stage has stopped: the batches (megabytes) can go before
	// the caller builds its report. So can what the shards released as
	// their flows ended (matching, reassembly and identification state):
	// one collection now lets the report's views reuse that memory,
	// where the heap would otherwise grow to twice what the capture left
	// live before the collector ran again (55 MiB of peak RSS at
	// the end of the 2M-packet benchmark, for one collection's CPU).
	e.free = nil
	runtime.GC()
	if e.cfg.Export != nil {
		// Every flow has been exported by now: the shards emptied their
		// tables before they stopped.
		e.cfg.Export.Close()
	}
	if e.cfg.Write != nil {
		if err := e.cfg.Write.Flush(); err != nil && sinkErr == nil {
			sinkErr = err
		}
	}
	return errors.Join(e.err, sinkErr)
}

// capture is the first stage: one capture stage per reader of the
// source (one per socket of a fanout group). It owns the source.
func (e *Engine) capture() {
	readers := e.src.Readers()
	errs := make([]error, len(readers))
	var wg sync.WaitGroup
	for i := 1; i < len(readers); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = e.captureFrom(i, len(readers), readers[i]) }()
	}
	errs[0] = e.captureFrom(0, len(readers), readers[0])
	wg.Wait()
	// The closing counters: what the kernel did since the last sample.
	e.sampleKernel()
	for _, s := range e.shards {
		close(s.in)
	}
	close(e.order)
	// The sockets of a group fail together (the device went down): say
	// it once.
	var said []error
	for _, err := range errs {
		if err != nil && !slices.ContainsFunc(said, func(s error) bool { return s.Error() == err.Error() }) {
			said = append(said, err)
		}
	}
	e.err = errors.Join(said...)
}

// countReached reports whether Config.Count packets have been taken.
func (e *Engine) countReached() bool {
	return e.cfg.Count > 0 && e.taken.Load() >= uint64(e.cfg.Count)
}

// captureFrom reads packets from r, the id-th of n readers, decodes them
// and batches them for the shards until the source ends or the engine
// stops. Reader 0 also serves capture filter changes and samples the
// kernel's counters. Packet numbers interleave over the readers, so each
// is unique (a flow's id is its first packet's).
func (e *Engine) captureFrom(id, n int, r capture.Reader) error {
	cur := make([]*batch, e.nshards)
	for i := range cur {
		cur[i] = <-e.free
		cur[i].reset(i)
	}
	log := <-e.freeLogs
	flush := func() {
		e.flushMu.Lock()
		defer e.flushMu.Unlock()
		for i, b := range cur {
			if len(b.items) > 0 {
				e.shards[i].in <- b
				cur[i] = <-e.free
				cur[i].reset(i)
			}
		}
		if len(log) > 0 {
			e.order <- log
			log = <-e.freeLogs
		}
	}
	defer func() {
		flush()
		for _, b := range cur {
			e.free <- b
		}
		e.freeLogs <- log
	}()
	if id == 0 {
		// A quiet pipe hands on what it holds, as a device does on its
		// read timeout, and notices Stop.
		e.src.WhileWaiting(func() bool {
			e.serveFilter()
			flush()
			return !e.stop.Load()
		})
	}
	var p decode.Packet
	dns := e.dns.reader()
	var frags fragTable
	seq := uint64(id + 1)
	pace := newPacer(e.cfg.Replay, e.clock)
	loop := looper{on: e.cfg.Loop}
	lastFlush := time.Now()
	for !e.stop.Load() && !e.countReached() {
		if id == 0 {
			e.serveFilter()
		}
		data, ci, link, err := r.Read()
		if errors.Is(err, io.EOF) {
			again, err := loop.restart(e.src)
			if again {
				continue
			}
			return err
		}
		if err != nil {
			// One socket of a group failing (the device went away) ends
			// the others too.
			e.Stop()
			return err
		}
		if data == nil { // live read timeout: nothing is waiting
			if id == 0 {
				e.sampleKernel()
			}
			flush()
			lastFlush = time.Now()
			continue
		}
		if e.cfg.Count > 0 && e.taken.Add(1) > uint64(e.cfg.Count) {
			break
		}
		loop.stamp(&ci)
		if pace.wait(ci.Timestamp, &e.stop) {
			flush()
		}
		decode.DecodeHeaders(link, data, ci.Length, &p)
		frags.packet(ci.Timestamp.UnixNano(), &p)
		sh, hash := 0, uint64(0)
		if p.Flow.Valid() {
			hash = p.Flow.Hash()
			sh = int(hash % uint64(e.nshards))
		}
		// The collector can only take a packet whose batch has been sent,
		// so batches and the order log that names their packets always
		// leave together.
		if !cur[sh].fits(len(data)) || len(log) == cap(log) {
			flush()
		}
		ts := ci.Timestamp.UnixNano()
		cur[sh].add(seq, ts, link, data, ci.Length, &p, hash)
		dns.packet(ts, link, data, ci.Length, &p, hash, &cur[sh].items[len(cur[sh].items)-1])
		seq += uint64(n)
		log = append(log, uint8(sh))
		// On a live source or a pipe, do not hold packets back for long
		// waiting for a batch to fill: at a trickle a batch would take
		// minutes.
		if e.src.Streaming() {
			if now := time.Now(); now.Sub(lastFlush) > 5*time.Millisecond {
				if id == 0 {
					e.sampleKernel()
				}
				flush()
				lastFlush = now
			}
		}
	}
	return nil
}

// serveFilter installs a capture filter SetCaptureFilter asked for, if
// any (from the capture goroutine, which owns the source).
func (e *Engine) serveFilter() {
	select {
	case r := <-e.filters:
		r.reply <- e.src.SetFilter(r.expr)
	default:
	}
}

// add appends a decoded packet to the batch; hash is its flow key's hash.
func (b *batch) add(seq uint64, ts int64, link decode.LinkType, data []byte, wireLen int, p *decode.Packet, hash uint64) {
	off := len(b.buf)
	b.buf = append(b.buf, data...)
	it := item{seq: seq, ts: ts, link: link, wireLen: wireLen, off: off, n: len(data)}
	if p.NumVLAN > 0 {
		it.vlan = p.VLAN[0].ID
	}
	if p.Flow.Valid() {
		it.hasFlow, it.hash, it.key, it.fromA, it.pay = true, hash, p.Flow, p.FromA, p.Payload
		if p.Has(decode.LayerTCP) && !p.Quoted {
			it.isTCP, it.tcpFlags, it.tcpSeq, it.tcpAck = true, p.TCP.Flags, p.TCP.Seq, p.TCP.Ack
			it.segLen = p.TCP.SegLen
		}
	}
	b.items = append(b.items, it)
}

// sampleKernel records libpcap's counters (from the capture goroutine,
// which owns the handle).
func (e *Engine) sampleKernel() {
	if recv, drop, ok := e.src.KernelStats(); ok {
		e.stats.kernel(recv, drop)
	}
}

// collect is the last stage: it takes packets back in capture order.
func (e *Engine) collect() error {
	cur := make([]*batch, e.nshards)
	pos := make([]int, e.nshards)
	var p decode.Packet
	var sinkErr error
	for log := range e.order {
		for _, sh := range log {
			b := cur[sh]
			if b == nil || pos[sh] == len(b.items) {
				if b != nil {
					e.free <- b
				}
				b = <-e.shards[sh].out
				cur[sh], pos[sh] = b, 0
			}
			it := &b.items[pos[sh]]
			pos[sh]++
			if err := e.deliver(b, it, &p); err != nil && sinkErr == nil {
				sinkErr = err
				e.Stop()
			}
		}
		e.freeLogs <- log[:0]
	}
	for i, b := range cur {
		if b != nil {
			e.free <- b
		}
		// Drain batches the shard finished after the last log entry.
		for b := range e.shards[i].out {
			e.free <- b
		}
	}
	e.stats.finish()
	return sinkErr
}

// deliver hands one packet to the counters, the ring and the sinks.
func (e *Engine) deliver(b *batch, it *item, p *decode.Packet) error {
	data := b.bytes(it)
	e.stats.packet(it.ts, it.wireLen)
	if e.ring != nil {
		e.ring.add(it, data, b.asm)
	}
	if w := e.cfg.Write; w != nil {
		if err := w.WriteFrame(it.ts, it.link, data, it.wireLen); err != nil {
			return err
		}
	}
	if e.cfg.Packet == nil {
		return nil
	}
	if e.cfg.Omit&OmitApp != 0 {
		decode.DecodeHeaders(it.link, data, it.wireLen, p)
	} else {
		st := it.asm.stream(b.asm)
		st.Conn = e.apps.conn(it)
		decode.DecodeStream(it.link, data, it.wireLen, p, &st)
		e.apps.keep(it, st.Conn)
	}
	e.usb.Track(p)
	e.delivered++
	p.Number, p.Time = int(e.delivered), time.Unix(0, it.ts)
	// The sink may keep the pointer only during the call, so one
	// PacketInfo serves every packet instead of one on the heap each.
	info := &e.info
	*info = PacketInfo{FlowID: it.flowID, App: it.app, PortGuess: portNames[it.guess], TCPStream: -1, UDPStream: -1}
	if id := it.ident; id != nil {
		info.Host, info.HostSource, info.Service, info.ALPN = id.host, id.source, id.service, id.alpn
		if info.ALPN == "" {
			info.ALPN = id.alpnOffered
		}
	}
	e.frames.packet(it.ts, info)
	if c := it.cell; c != nil && !p.Quoted && e.cfg.Omit&OmitStreams == 0 {
		switch {
		case p.Has(decode.LayerTCP):
			info.TCPStream = e.streams.number(c, 0)
		case p.Has(decode.LayerUDP):
			info.UDPStream = e.streams.number(c, 1)
		}
	}
	return e.cfg.Packet(p, info)
}

// onShards runs fn for every shard on the shard's goroutine, between two
// batches, all shards at once, and waits for them. Once the shards have
// stopped changing their flows (Run has seen every shard flush its table)
// it runs fn here instead.
func (e *Engine) onShards(fn func(i int, s *shard)) {
	done := make(chan struct{}, len(e.shards))
	asked := 0
	for i, s := range e.shards {
		if e.done.Load() {
			fn(i, s)
			continue
		}
		select {
		case s.req <- func() { fn(i, s); done <- struct{}{} }:
			asked++
		case <-e.finished:
			fn(i, s)
		}
	}
	for range asked {
		<-done
	}
}

// Flows returns every flow: live ones and those that ended (up to a cap).
// It copies every flow; the flows view asks for a page (FlowPage).
func (e *Engine) Flows() []FlowView {
	// The shards write their views into one slice, each into its own
	// part, rather than into slices of their own to be concatenated: at
	// the end of a large capture the views are the memory peak, and the
	// concatenation held every one of them twice.
	ends := make([]int, len(e.shards)+1)
	e.onShards(func(i int, s *shard) { ends[i+1] = s.count(nil) })
	for i := range e.shards {
		ends[i+1] += ends[i]
	}
	all := make([]FlowView, ends[len(e.shards)])
	parts := make([][]FlowView, len(e.shards))
	e.onShards(func(i int, s *shard) { parts[i] = s.appendFlows(all[ends[i]:ends[i]:ends[i+1]]) })
	for i, p := range parts {
		if len(p) != ends[i+1]-ends[i] || len(p) > 0 && &p[0] != &all[ends[i]] {
			// A live shard's flows changed between the two questions.
			return slices.Concat(parts...)
		}
	}
	return all
}
