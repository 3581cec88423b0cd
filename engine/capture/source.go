package capture

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcap"

	"l7sniff/decode"
)

// SourceConfig says where packets come from and how to capture them.
type SourceConfig struct {
	// Device is the interface to capture on ("any" for all); File a
	// capture file to read, "-" for standard input. At most one is set;
	// neither means the default device.
	Device string
	File   string
	// Snaplen is the number of bytes kept per packet (0 means 262144).
	Snaplen int
	// NoPromisc leaves the interface out of promiscuous mode (-p).
	NoPromisc bool
	// BufferSize is the kernel buffer size in bytes (0: DefaultBufferSize).
	BufferSize int
	// Filter is the capture filter, a BPF expression ("" for none).
	Filter string
	// Fanout is how many capture sockets share a live device's traffic
	// (0 or 1: one libpcap handle; New picks a default for 0). Two or more open that many AF_PACKET
	// sockets in a PACKET_FANOUT_HASH group, each read by its own
	// goroutine, where the device allows it (Linux, an Ethernet
	// interface); elsewhere one libpcap handle captures. A BufferSize
	// given is shared out between the sockets; without one each socket
	// gets DefaultBufferSize, since each rides out its reader's stalls
	// on its own.
	Fanout int
}

// LiveDelay bounds how long a live packet may wait in the kernel's
// buffer before it reaches the engine: short enough to look immediate on
// screen. It is also how often the reader wakes when nothing arrives, to
// notice Close and sample libpcap's counters.
const LiveDelay = 10 * time.Millisecond

// DefaultBufferSize is the kernel capture buffer when -B is not given:
// l7sniff does more per packet than tcpdump (flows, classification), so it
// keeps a deeper buffer than libpcap's 2 MiB to ride out short stalls.
const DefaultBufferSize = 16 << 20

// MaxFanout bounds SourceConfig.Fanout: each socket holds a ring and a
// reader goroutine, and the engine keeps a batch (512 KiB) per shard for
// each reader, so sockets × shards batches.
const MaxFanout = 16

// DefaultFanout caps the fanout group the engine opens when none is
// asked for (one socket per shard, at most this many): past a few
// readers the kernel's side of capture is no longer what limits it,
// while their batches still cost memory.
const DefaultFanout = 8

// DefaultSnaplen is tcpdump's default: whole packets. It is also the
// largest record a file may hold.
const DefaultSnaplen = 262144

// Source is where packets come from: a live libpcap handle, or a pcap or
// pcapng file read by l7sniff's own readers (pcapread.go, pcapngread.go).
// Files are not read through libpcap because libpcap rejects pcapng files
// whose interfaces differ in link type or snap length (mergecap writes
// such files), nor through gopacket's pcapgo, whose 8-bit link types,
// snap-length-sized buffers and silent ends on damaged pcapng lose packets
// or memory that tcpdump does not.
type Source struct {
	name    string
	live    *pcap.Handle
	fan     *fanout
	file    RecordReader
	closer  io.Closer
	link    decode.LinkType
	snaplen int
	// filter is written by the capture goroutine and read by Stats from
	// others.
	filter atomic.Pointer[string]
	// files apply the capture filter in user space, compiled per link
	// type since a pcapng file can mix them.
	bpf map[decode.LinkType]*BPF
	hdr matchHeader // what the file filter hands libpcap, kept so filtering allocates nothing
	// links are the distinct link types a pcapng file declares before
	// its first packet.
	links []decode.LinkType
	// stream is set when the file is a pipe, FIFO or socket.
	stream *streamReader
}

// Open opens the device or file cfg names and applies its capture filter.
func Open(cfg SourceConfig) (*Source, error) {
	var s *Source
	var err error
	if cfg.File != "" {
		s, err = openFile(cfg.File)
	} else {
		s, err = openDevice(cfg)
	}
	if err != nil {
		return nil, err
	}
	s.snaplen = cfg.Snaplen
	if cfg.Filter != "" && s.fan == nil {
		if err := s.SetFilter(cfg.Filter); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// NewSource is a file-like Source named name whose packets of link type
// link come from r: for feeding the engine from memory (its benchmarks)
// or from a format Open does not read. A nil r makes a Source that is
// never read.
func NewSource(name string, link decode.LinkType, r RecordReader) *Source {
	return &Source{name: name, file: r, link: link}
}

func openFile(path string) (*Source, error) {
	name, f := path, os.Stdin
	var err error
	if path == "-" {
		name = "stdin"
		if f, err = pollableStdin(); err != nil {
			return nil, err
		}
	} else if f, err = os.Open(path); err != nil {
		return nil, err
	}
	var r io.Reader = f
	var stream *streamReader
	// A pipe, FIFO or socket (not a terminal: its reads cannot time out).
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() && f.SetReadDeadline(time.Time{}) == nil {
		stream = &streamReader{f: f}
		r = stream
	}
	s, err := newFileSource(name, r, stream != nil)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer, s.stream = f, stream
	return s, nil
}

// pollableStdin returns standard input as a file whose reads can time
// out when it is a pipe or a socket: a stream that goes quiet must not
// hold back the packets already read, nor keep l7sniff from stopping.
// Anything else is returned as it is.
func pollableStdin() (*os.File, error) {
	fi, err := os.Stdin.Stat()
	if err != nil || fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) == 0 {
		return os.Stdin, nil
	}
	fd, err := syscall.Dup(int(os.Stdin.Fd()))
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	// The flag belongs to the pipe's reading end, which is l7sniff's
	// alone; os.NewFile registers a non-blocking descriptor with the
	// runtime's poller, which makes read deadlines work.
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	return os.NewFile(uintptr(fd), "stdin"), nil
}

// errStopped ends a read from a stream because the engine is stopping.
var errStopped = errors.New("stopped")

// streamReader reads a pipe, FIFO or socket: packets arrive as they
// happen, as on a device, but a read blocks until the writer writes.
// While nothing arrives it calls idle every LiveDelay (the engine hands
// on the packets it holds), and it ends the read when idle returns false.
type streamReader struct {
	f    *os.File
	idle func() bool
}

func (r *streamReader) Read(p []byte) (int, error) {
	if r.idle == nil {
		return r.f.Read(p)
	}
	for {
		if err := r.f.SetReadDeadline(time.Now().Add(LiveDelay)); err != nil {
			return 0, err
		}
		n, err := r.f.Read(p)
		switch {
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return n, err
		case n > 0:
			return n, nil
		case !r.idle():
			return 0, errStopped
		}
	}
}

// newFileSource reads a pcap or pcapng stream, telling them apart by the
// magic number. stream says r is a pipe or socket, whose reads may block.
func newFileSource(name string, r io.Reader, stream bool) (*Source, error) {
	in := newFileInput(r)
	magic, err := in.peek(4)
	if errors.Is(err, io.EOF) || errors.Is(err, errTruncated) {
		return nil, fmt.Errorf("read %s: not a capture file (%d bytes)", name, in.held())
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	s := &Source{name: name}
	if binary.LittleEndian.Uint32(magic) == ngSectionHeader {
		ng, err := newPcapngReader(in, stream)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		s.file, s.links = ng, ng.links
		if len(ng.links) > 0 {
			s.link = ng.links[0]
		}
		return s, nil
	}
	pr, err := newPcapReader(in)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	s.file, s.link = pr, pr.link
	return s, nil
}

// openDevice opens a fanout group where cfg asks for one and the device
// allows it, else one libpcap handle. A fanout group applies the capture
// filter itself, before the first packet arrives.
func openDevice(cfg SourceConfig) (*Source, error) {
	dev := cfg.Device
	if dev == "" {
		d, err := DefaultDevice()
		if err != nil {
			return nil, err
		}
		dev = d
	}
	if cfg.Fanout > 1 && fanoutCapable(dev) {
		return openFanout(cfg, dev, min(cfg.Fanout, MaxFanout))
	}
	return openLive(cfg, dev)
}

func openLive(cfg SourceConfig, dev string) (*Source, error) {
	in, err := pcap.NewInactiveHandle(dev)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dev, err)
	}
	defer in.CleanUp()
	snap := cfg.Snaplen
	if snap <= 0 {
		snap = DefaultSnaplen
	}
	steps := []error{
		in.SetSnapLen(snap),
		in.SetPromisc(!cfg.NoPromisc),
		// Not libpcap's immediate mode: on Linux it switches to a
		// TPACKET_V2 ring with one snaplen-sized slot per packet, and
		// with the default snap length on an interface with receive
		// offloads (most NICs, veth) the default 2 MiB buffer then holds
		// about eight packets, so every burst is dropped (measured on a
		// veth: 37% lost at 260k pps where tcpdump lost none). Without
		// it, TPACKET_V3 packs packets into blocks as tcpdump does, and
		// the timeout bounds how long a packet waits in a partly filled
		// block.
		in.SetImmediateMode(false),
		in.SetTimeout(LiveDelay),
	}
	steps = append(steps, in.SetBufferSize(cmp.Or(cfg.BufferSize, DefaultBufferSize)))
	if err := errors.Join(steps...); err != nil {
		return nil, fmt.Errorf("set up %s: %w", dev, err)
	}
	h, err := in.Activate()
	if err != nil {
		return nil, explainOpenError(dev, err)
	}
	return &Source{name: dev, live: h, link: decode.FromGopacket(h.LinkType())}, nil
}

// explainOpenError turns libpcap's terse refusals into what to do next.
func explainOpenError(dev string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "ermission") || strings.Contains(msg, "not permitted"):
		return fmt.Errorf("capture on %s: %w\n"+
			"  l7sniff needs the right to capture: run it as root, or give the binary the capabilities once with\n"+
			"    sudo setcap cap_net_raw,cap_net_admin=eip $(command -v l7sniff)\n"+
			"  or read a saved capture with -r FILE", dev, err)
	case strings.Contains(msg, "No such device") || strings.Contains(msg, "doesn't exist"):
		return fmt.Errorf("capture on %s: %w (l7sniff -D lists the devices)", dev, err)
	}
	return fmt.Errorf("capture on %s: %w", dev, err)
}

// DefaultDevice picks the device tcpdump would: the first one that is up,
// running and not a loopback.
func DefaultDevice() (string, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return "", fmt.Errorf("list devices: %w", err)
	}
	for _, d := range devs {
		if d.Flags&pcapIfUp != 0 && d.Flags&pcapIfRunning != 0 && d.Flags&pcapIfLoopback == 0 {
			return d.Name, nil
		}
	}
	if len(devs) > 0 {
		return devs[0].Name, nil
	}
	return "", errors.New("no capture device found (run as root, or use -r FILE)")
}

// Flags libpcap sets on pcap_if_t (pcap/pcap.h).
const (
	pcapIfLoopback = 0x1
	pcapIfUp       = 0x2
	pcapIfRunning  = 0x4
)

// Devices lists the capture devices as tcpdump -D does: name, description
// and state, usbmonN buses included when the usbmon module is loaded.
func Devices() ([]string, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	out := make([]string, len(devs))
	for i, d := range devs {
		var st []string
		for _, f := range []struct {
			bit  uint32
			name string
		}{{pcapIfUp, "Up"}, {pcapIfRunning, "Running"}, {pcapIfLoopback, "Loopback"}} {
			if d.Flags&f.bit != 0 {
				st = append(st, f.name)
			}
		}
		line := fmt.Sprintf("%d.%s", i+1, d.Name)
		if d.Description != "" {
			line += " (" + d.Description + ")"
		}
		if len(st) > 0 {
			line += " [" + strings.Join(st, ", ") + "]"
		}
		out[i] = line
	}
	return out, nil
}

// Name is the device name, the file name, or "stdin".
func (s *Source) Name() string { return s.name }

// Live reports whether the source is a device rather than a file.
func (s *Source) Live() bool { return s.live != nil || s.fan != nil }

// Sockets is how many capture sockets share the device's traffic: more
// than one for a fanout group, else 1 (0 for a file).
func (s *Source) Sockets() int {
	switch {
	case s.fan != nil:
		return len(s.fan.socks)
	case s.live != nil:
		return 1
	}
	return 0
}

// Reader is one stream of packets of a source, read by one goroutine;
// see Source.Read for what a read returns.
type Reader interface {
	Read() ([]byte, gopacket.CaptureInfo, decode.LinkType, error)
}

// Readers returns the source's streams of packets: one per socket of a
// fanout group, else the source itself.
func (s *Source) Readers() []Reader {
	if s.fan == nil {
		return []Reader{s}
	}
	out := make([]Reader, len(s.fan.socks))
	for i, sock := range s.fan.socks {
		out[i] = sock
	}
	return out
}

// Streaming reports whether packets arrive as they happen (a device, a
// pipe, a FIFO or a socket), so they are delivered without waiting for a
// batch to fill.
func (s *Source) Streaming() bool { return s.Live() || s.stream != nil }

// WhileWaiting makes fn run every LiveDelay while a stream source waits
// for its writer; a false return ends the wait as the end of the input.
func (s *Source) WhileWaiting(fn func() bool) {
	if s.stream != nil {
		s.stream.idle = fn
	}
}

// LinkTypes lists the distinct link types a pcapng file declares before
// its first packet: more than one means its packets mix link types.
func (s *Source) LinkTypes() []decode.LinkType { return s.links }

// LinkType is the link-layer type of the packets (of the first interface,
// for a pcapng file; Read reports each packet's own).
func (s *Source) LinkType() decode.LinkType { return s.link }

// Filter is the capture filter in force.
func (s *Source) Filter() string {
	if f := s.filter.Load(); f != nil {
		return *f
	}
	return ""
}

// SetFilter replaces the capture filter. On a device it is installed in
// the kernel on the open handle: no reopen, no gap in the counters. A bad
// expression returns libpcap's error text and leaves the previous filter
// in place.
func (s *Source) SetFilter(expr string) error {
	if s.fan != nil {
		if err := s.fan.setFilter(expr); err != nil {
			return err
		}
		s.filter.Store(&expr)
		return nil
	}
	if s.live != nil {
		if err := s.live.SetBPFFilter(expr); err != nil {
			return fmt.Errorf("capture filter %q: %w", expr, err)
		}
		s.filter.Store(&expr)
		return nil
	}
	b, err := CompileBPF(s.link, s.snaplen, expr)
	if err != nil {
		return fmt.Errorf("capture %w", err)
	}
	s.bpf = map[decode.LinkType]*BPF{s.link: b}
	s.filter.Store(&expr)
	return nil
}

// Read returns the next packet that passes the capture filter and its
// link type. The data is only valid until the next Read. At the end of a
// file it returns io.EOF, as it does when a stream's wait is ended (see
// WhileWaiting); on a live device a read timeout returns no data and no
// error, so callers can check for shutdown.
func (s *Source) Read() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	if s.fan != nil {
		return nil, gopacket.CaptureInfo{}, s.link, fmt.Errorf("read %s: a fanout group is read socket by socket", s.name)
	}
	if s.live != nil {
		data, ci, err := s.live.ZeroCopyReadPacketData()
		switch {
		case err == nil:
			return data, ci, s.link, nil
		case errors.Is(err, pcap.NextErrorTimeoutExpired):
			return nil, ci, s.link, nil
		case errors.Is(err, io.EOF):
			return nil, ci, s.link, io.EOF
		}
		return nil, ci, s.link, fmt.Errorf("read %s: %w", s.name, err)
	}
	for {
		// A zero-length record gives empty data, not nil: nil means a live
		// read timed out.
		data, ci, link, err := s.file.Next()
		if errors.Is(err, io.EOF) || errors.Is(err, errStopped) {
			return nil, ci, s.link, io.EOF
		}
		if err != nil {
			return nil, ci, s.link, fmt.Errorf("read %s: %w", s.name, err)
		}
		if s.bpf != nil && !s.filterFor(link).match(&s.hdr, data, ci.Length) {
			continue
		}
		return data, ci, link, nil
	}
}

// filterFor returns the capture filter compiled for a link type, compiling
// it the first time that type appears. An expression that cannot apply to
// the link type (e.g. "tcp" on USB) matches nothing, as in tcpdump.
func (s *Source) filterFor(link decode.LinkType) *BPF {
	if b, ok := s.bpf[link]; ok {
		return b
	}
	b, err := CompileBPF(link, s.snaplen, s.Filter())
	if err != nil {
		b, _ = CompileBPF(link, s.snaplen, "less 0")
	}
	s.bpf[link] = b
	return b
}

// KernelStats returns what the kernel received and dropped (live only),
// summed over the sockets of a fanout group.
func (s *Source) KernelStats() (received, dropped uint64, ok bool) {
	if s.fan != nil {
		return s.fan.stats()
	}
	if s.live == nil {
		return 0, 0, false
	}
	st, err := s.live.Stats()
	if err != nil {
		return 0, 0, false
	}
	return uint64(st.PacketsReceived), uint64(st.PacketsDropped + st.PacketsIfDropped), true
}

// Close releases the handle or file.
func (s *Source) Close() {
	if s.live != nil {
		s.live.Close()
	}
	if s.fan != nil {
		s.fan.close()
	}
	if s.closer != nil {
		s.closer.Close()
	}
}

// Rewind reads a capture file again from its first record (--loop).
func (s *Source) Rewind() error {
	f, ok := s.closer.(*os.File)
	if !ok || f == os.Stdin {
		return errors.New("--loop needs a file: standard input cannot be read again")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("loop %s: %w", s.name, err)
	}
	again, err := newFileSource(s.name, f, false)
	if err != nil {
		return fmt.Errorf("loop %s: %w", s.name, err)
	}
	s.file = again.file
	return nil
}
