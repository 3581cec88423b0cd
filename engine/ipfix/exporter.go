package ipfix

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultActiveTimeout is how often flows still live are exported, as in
// most flow probes (nProbe, softflowd, pmacct's nfprobe).
const DefaultActiveTimeout = 60 * time.Second

// Config configures an Exporter. Zero values mean the defaults.
type Config struct {
	// Collectors are "HOST:PORT" or "udp://HOST:PORT" for UDP and
	// "tcp://HOST:PORT" for TCP.
	Collectors []string
	// DomainID is the observation domain id in every message header.
	DomainID uint32
	// Interval is how long a record may wait in a partly filled message
	// (0: 1 s).
	Interval time.Duration
	// TemplateRefresh is how often templates are sent again over UDP,
	// where a collector that restarted has no other way to learn them
	// (RFC 7011 §8.4; 0: 60 s, shorter than RFC 6728's 600 s so a
	// restarted collector decodes again within a minute).
	TemplateRefresh time.Duration
	// Interface is exported as interfaceName (IE 82); "" lets the engine
	// fill in its source's name (the device, or the file name).
	Interface string
	// Queue is how many records may wait for the exporter before new ones
	// are dropped (0: 32768).
	Queue int
	// Report, if set, is told (from the exporter's goroutine) when a
	// collector stops answering and when it answers again; once each per
	// outage.
	Report func(msg string)
}

// Exporter sends flow records to IPFIX collectors (RFC 7011): nfdump's
// nfcapd, pmacct's nfacctd, GoFlow2, ntopng and the like. Give it to the
// engine in engine.Config.Export; the engine exports each flow when it ends
// (TCP close or reset, idle timeout, eviction), every engine.Config.ActiveTimeout
// for flows still live, and every flow left at the end of the capture,
// then closes the exporter when Run returns.
//
// Each flow becomes two uniflow records, one per direction that sent
// packets, rather than one RFC 5103 biflow record. Every collector in the
// field decodes uniflow records and adds their counters up correctly,
// while reverse elements (PEN 29305) are ignored or half-decoded by common
// ones; nothing is lost, since both records carry the l7sniff flow id
// (flowId, IE 148) and biflowDirection (IE 239: 1 for the initiator's
// direction, 2 for the responder's), so a collector that cares can pair
// them again. Both records carry the conversation's first and last packet
// times, as the engine keeps times per flow, not per direction.
//
// Records carry the 5-tuple, octetDeltaCount and packetDeltaCount,
// flowStart/EndMilliseconds, tcpControlBits, vlanId (the outermost tag of
// the flow's first packet), interfaceName, and the verdict as
// applicationName (IE 96) and applicationId (IE 95). An applicationId is
// RFC 6759 classification engine 6 (USER-Defined) and the 32-bit FNV-1a
// hash of the name; an options template record (scope applicationId) maps
// each id to its name before the first record that uses it, as nfacctd
// requires. The port-guess mismatch flag is enterprise element 1 of PEN
// 32473 (see PEN), a boolean. The flow's identity follows, strings empty
// when unknown: its host in httpRequestHost (IE 460) when an HTTP Host
// header named it, else under the same PEN in element 2 (never both: at
// the longest names both would not fit one UDP message with the
// templates), its service (3) and its ALPN, the chosen protocol or else
// the client's offer (4).
//
// Counts after an active-timeout export are deltas: the records of a flow
// add up to its totals.
//
// Exporting never blocks a live capture: records wait in a bounded queue
// and are dropped, and counted, when it is full. Reading a file, where
// waiting loses nothing, and at the end of a capture, the engine waits for
// room instead. A collector that is down (ICMP port unreachable, TCP
// refused) is reported once through Report and retried with backoff, its
// records counted as dropped meanwhile.
type Exporter struct {
	cfg        Config
	iface      string
	queue      chan Record
	collectors []*collector
	sent       atomic.Uint64
	dropped    atomic.Uint64
	closeOnce  sync.Once
	done       chan struct{}
}

// New checks and resolves the collectors and starts the
// exporter's goroutine; nothing is sent before the first record.
func New(cfg Config) (*Exporter, error) {
	if len(cfg.Collectors) == 0 {
		return nil, errors.New("ipfix: no collector")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.TemplateRefresh <= 0 {
		cfg.TemplateRefresh = 60 * time.Second
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 1 << 15
	}
	x := &Exporter{
		cfg: cfg, iface: cfg.Interface,
		queue: make(chan Record, cfg.Queue),
		done:  make(chan struct{}),
	}
	for _, spec := range cfg.Collectors {
		c, err := newCollector(x, spec)
		if err != nil {
			for _, c := range x.collectors {
				c.close()
			}
			return nil, err
		}
		x.collectors = append(x.collectors, c)
	}
	go x.run()
	return x, nil
}

// Counts returns the flow records sent and dropped so far, per collector:
// a record sent to two collectors counts twice.
func (x *Exporter) Counts() (sent, dropped uint64) {
	return x.sent.Load(), x.dropped.Load()
}

// NameInterface sets the interfaceName (IE 82) exported when
// Config.Interface is empty. The engine calls it with its source's name
// (the device, or the file name) before it exports a record: the records
// that follow through the queue see it.
func (x *Exporter) NameInterface(name string) {
	if x.cfg.Interface == "" {
		x.iface = name
	}
}

// Close sends what is queued, closes the connections and waits for the
// exporter's goroutine. The engine calls it at the end of Run, after the
// last flow was exported; calling it again does nothing.
func (x *Exporter) Close() {
	x.closeOnce.Do(func() { close(x.queue) })
	<-x.done
}

// run encodes records into each collector's message and sends a message
// when it is full or has waited an Interval.
func (x *Exporter) run() {
	defer close(x.done)
	tick := time.NewTicker(x.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case r, ok := <-x.queue:
			if !ok {
				for _, c := range x.collectors {
					c.send()
					c.close()
				}
				return
			}
			for _, c := range x.collectors {
				c.add(&r)
			}
		case <-tick.C:
			for _, c := range x.collectors {
				c.send()
			}
		}
	}
}

// Export hands a record to the exporter's goroutine. With wait it blocks
// for room in the queue; without, it drops the record, and counts it,
// when the queue is full. It reports whether the record was queued.
func (x *Exporter) Export(r Record, wait bool) bool {
	if wait {
		x.queue <- r
		return true
	}
	select {
	case x.queue <- r:
		return true
	default:
		x.dropped.Add(uint64(len(x.collectors)))
		return false
	}
}

// Message sizes: one UDP datagram stays under a 1500-byte path MTU with
// IPv6 headers (RFC 7011 §10.3.3 forbids relying on fragmentation); TCP
// takes bigger messages.
const (
	udpMessage = 1400
	tcpMessage = 8192
	// A TCP collector that takes longer than this for one message is
	// treated as down rather than left to stall the exporter.
	tcpWriteTimeout = 2 * time.Second
	tcpDialTimeout  = 2 * time.Second
	retryFirst      = time.Second
	retryMax        = 30 * time.Second
)

// collector is one transport session to one collector, owned by the
// exporter's goroutine.
type collector struct {
	x             *Exporter
	name          string
	tcp           bool
	addr          string
	conn          net.Conn
	w             *msgWriter
	seq           uint32          // data records sent in this session
	announced     map[string]bool // application names sent in this session
	needTemplates bool
	templatesAt   time.Time
	down          bool
	retryAt       time.Time
	backoff       time.Duration
	// suspect is set when a UDP write succeeded during an outage: only the
	// next one, with no ICMP error in between, shows the collector is back.
	suspect bool
}

func newCollector(x *Exporter, spec string) (*collector, error) {
	c := &collector{x: x, name: spec, announced: map[string]bool{}, needTemplates: true, backoff: retryFirst}
	hostport := spec
	switch {
	case strings.HasPrefix(spec, "tcp://"):
		c.tcp, hostport = true, strings.TrimPrefix(spec, "tcp://")
	case strings.HasPrefix(spec, "udp://"):
		hostport = strings.TrimPrefix(spec, "udp://")
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("ipfix collector %s: want HOST:PORT, udp://HOST:PORT or tcp://HOST:PORT", spec)
	}
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		return nil, fmt.Errorf("ipfix collector %s: %w", spec, err)
	}
	c.addr = hostport
	if c.tcp {
		c.w = newMsgWriter(tcpMessage)
		return c, nil
	}
	// A connected UDP socket is what turns the collector's ICMP port
	// unreachable into an error on a later write.
	conn, err := net.Dial("udp", hostport)
	if err != nil {
		return nil, fmt.Errorf("ipfix collector %s: %w", spec, err)
	}
	c.conn, c.w = conn, newMsgWriter(udpMessage)
	return c, nil
}

// add puts a flow record into the current message, sending the message
// first when the record does not fit.
func (c *collector) add(r *Record) {
	if !c.ready() {
		c.x.dropped.Add(1)
		return
	}
	for {
		if c.w.empty() {
			c.start()
		}
		if c.announced[r.App] || c.w.appName(r.App) {
			c.announced[r.App] = true
			if c.w.flow(r, c.x.iface) {
				return
			}
		}
		// Full: send it and start again; a message that starts empty
		// always has room (see maxVarString).
		c.send()
		if c.down {
			c.x.dropped.Add(1)
			return
		}
	}
}

// ready reports whether records can go to the collector now, connecting a
// TCP session when it has none and a retry is due.
func (c *collector) ready() bool {
	if c.down && time.Now().Before(c.retryAt) {
		return false
	}
	if c.conn != nil {
		return true
	}
	conn, err := net.DialTimeout("tcp", c.addr, tcpDialTimeout)
	if err != nil {
		c.fail(err)
		return false
	}
	// A new session: sequence numbers restart, templates and names
	// are sent again.
	c.conn, c.seq, c.needTemplates = conn, 0, true
	clear(c.announced)
	c.up()
	return true
}

// start begins a message, with the templates when the session needs them
// or, over UDP, when the refresh is due.
func (c *collector) start() {
	now := time.Now()
	c.w.begin(uint32(now.Unix()), c.seq, c.x.cfg.DomainID)
	if c.needTemplates || (!c.tcp && now.Sub(c.templatesAt) >= c.x.cfg.TemplateRefresh) {
		c.w.templates()
		c.needTemplates, c.templatesAt = false, now
		// Names follow the templates again, each before its first use.
		clear(c.announced)
	}
}

// send writes the current message, if it holds records.
func (c *collector) send() {
	if c.w.empty() {
		c.w.reset()
		return
	}
	msg := c.w.finish()
	records, flows := c.w.records, c.w.flows
	c.w.reset()
	if c.tcp {
		c.conn.SetWriteDeadline(time.Now().Add(tcpWriteTimeout))
	}
	if _, err := c.conn.Write(msg); err != nil {
		c.x.dropped.Add(uint64(flows))
		c.fail(err)
		return
	}
	c.seq += uint32(records)
	c.x.sent.Add(uint64(flows))
	if c.down {
		c.up()
	}
}

// fail starts or continues an outage: reported once, retried with
// backoff, and the session's state is forgotten so that the collector
// gets templates and names again when it answers.
func (c *collector) fail(err error) {
	if !c.down && c.x.cfg.Report != nil {
		c.x.cfg.Report(fmt.Sprintf("ipfix collector %s: %v; retrying, its records are dropped meanwhile", c.name, err))
	}
	if c.down {
		c.backoff = min(2*c.backoff, retryMax)
	}
	c.down, c.suspect, c.needTemplates = true, false, true
	c.retryAt = time.Now().Add(c.backoff)
	clear(c.announced)
	if c.tcp && c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// up notes a successful connection or write during an outage.
func (c *collector) up() {
	if !c.down {
		return
	}
	if !c.tcp && !c.suspect {
		c.suspect = true
		return
	}
	c.down, c.suspect, c.backoff = false, false, retryFirst
	if c.x.cfg.Report != nil {
		c.x.cfg.Report(fmt.Sprintf("ipfix collector %s: answering again", c.name))
	}
}

func (c *collector) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
