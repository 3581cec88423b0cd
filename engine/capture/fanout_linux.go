package capture

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/google/gopacket"
	"golang.org/x/sys/unix"

	"l7sniff/decode"
)

// fanout is a group of AF_PACKET sockets on one interface joined in a
// PACKET_FANOUT_HASH group: the kernel hashes each frame's flow
// symmetrically, so both directions of a flow land on the same socket,
// and every frame goes to exactly one socket. Each socket has its own
// TPACKET_V3 ring and is read by its own goroutine (see Engine.capture).
type fanout struct {
	dev     string
	snaplen int
	socks   []*packetSocket
	// mu serialises filter swaps and counter reads, which touch every
	// socket.
	mu sync.Mutex
	// tagged is the filter user space runs on frames that carried an
	// 802.1Q tag (see program); nil when there is no filter.
	tagged atomic.Pointer[BPF]
	// prog is the program every socket runs, put back on each socket if
	// a swap fails half way.
	prog []bpfInsn
}

// packetSocket is one AF_PACKET socket with a TPACKET_V3 receive ring:
// blocks of packets the kernel hands over whole, and that the reader
// hands back once it has read every packet in them.
type packetSocket struct {
	fd        int
	ring      []byte
	blockSize int
	blocks    int
	group     *fanout
	// The reader's place: the block it holds (if held), the offset of the
	// next packet in it and how many are left.
	block int
	held  bool
	off   int
	left  uint32
	// tagged holds a frame whose 802.1Q tag the kernel moved into the
	// packet header, with the tag put back where it was on the wire.
	tagged []byte
	hdr    matchHeader
	pfd    [1]unix.PollFd
	// recv and drop add up the kernel's counters, which reset on each
	// read (guarded by group.mu).
	recv, drop uint64
}

// fanoutCapable reports whether dev can be captured by a fanout group:
// an Ethernet interface (not "any", whose frames need libpcap's cooked
// headers, nor usbmon, loopback or tunnels, whose link types libpcap
// maps on its own). It asks the kernel rather than /sys, which shows the
// network namespace it was mounted in, not necessarily the caller's.
func fanoutCapable(dev string) bool {
	if dev == "" || dev == "any" {
		return false
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(dev)
	if err != nil || unix.IoctlIfreq(fd, unix.SIOCGIFHWADDR, ifr) != nil {
		return false
	}
	return ifr.Uint16() == unix.ARPHRD_ETHER // the hardware address's sa_family
}

// openFanout opens n sockets on dev in one fanout group, with expr as
// their capture filter.
func openFanout(cfg SourceConfig, dev string, n int) (*Source, error) {
	ifi, err := net.InterfaceByName(dev)
	if err != nil {
		return nil, fmt.Errorf("capture on %s: %w (l7sniff -D lists the devices)", dev, err)
	}
	f := &fanout{dev: dev, snaplen: cmp.Or(cfg.Snaplen, DefaultSnaplen)}
	if f.snaplen <= 0 || f.snaplen > DefaultSnaplen {
		f.snaplen = DefaultSnaplen
	}
	// The program that passes nothing, until every socket has joined
	// the group: a socket bound but not yet a member gets every frame,
	// which would be captured twice.
	none, err := CompileBPF(decode.LinkEthernet, f.snaplen, "less 0")
	if err != nil {
		return nil, err
	}
	prog, tagged, err := f.program(cfg.Filter)
	if err != nil {
		return nil, fmt.Errorf("capture %w", err)
	}
	// bench-live at 400k pps: a 16 MiB buffer split in two dropped 0.4–1.3%
	// where 16 MiB per socket dropped nothing.
	perSocket := DefaultBufferSize
	if cfg.BufferSize > 0 {
		perSocket = cfg.BufferSize / n
	}
	group := 0
	for i := range n {
		s, err := f.openSocket(ifi.Index, perSocket, none.instructions())
		if err != nil {
			f.close()
			return nil, explainOpenError(dev, err)
		}
		f.socks = append(f.socks, s)
		if err := s.setup(ifi.Index, !cfg.NoPromisc); err != nil {
			f.close()
			return nil, explainOpenError(dev, err)
		}
		if group, err = s.join(i == 0, group); err != nil {
			f.close()
			return nil, fmt.Errorf("capture on %s: join fanout group: %w", dev, err)
		}
	}
	if err := f.attach(prog); err != nil {
		f.close()
		return nil, fmt.Errorf("capture on %s: %w", dev, err)
	}
	f.prog = prog
	f.tagged.Store(tagged)
	src := &Source{name: dev, fan: f, link: decode.LinkEthernet}
	src.filter.Store(&cfg.Filter)
	return src, nil
}

// openSocket creates one socket with its ring and the filter prog. It
// asks for no protocol, so nothing arrives before bind.
func (f *fanout) openSocket(ifindex, bufSize int, prog []bpfInsn) (*packetSocket, error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	s := &packetSocket{fd: fd, group: f, tagged: make([]byte, f.snaplen+4)}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		s.close()
		return nil, fmt.Errorf("TPACKET_V3: %w", err)
	}
	// A block holds at least one whole packet of the snap length, and
	// many small ones.
	s.blockSize = os.Getpagesize()
	for s.blockSize < max(f.snaplen+256, 128<<10) {
		s.blockSize <<= 1
	}
	s.blocks = max(2, bufSize/s.blockSize)
	const frame = 2048 // only sets frame_nr's arithmetic: V3 packs packets by their size
	req := unix.TpacketReq3{
		Block_size:     uint32(s.blockSize),
		Block_nr:       uint32(s.blocks),
		Frame_size:     frame,
		Frame_nr:       uint32(s.blocks * (s.blockSize / frame)),
		Retire_blk_tov: uint32(LiveDelay / time.Millisecond),
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		s.close()
		return nil, fmt.Errorf("PACKET_RX_RING (%d blocks of %d bytes): %w", s.blocks, s.blockSize, err)
	}
	if s.ring, err = unix.Mmap(fd, 0, s.blocks*s.blockSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED); err != nil {
		s.close()
		return nil, fmt.Errorf("mmap ring: %w", err)
	}
	if err := s.attach(prog); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// setup binds the socket to the interface for every protocol and makes
// the interface promiscuous while the socket is open.
func (s *packetSocket) setup(ifindex int, promisc bool) error {
	const ethPAll = unix.ETH_P_ALL<<8&0xff00 | unix.ETH_P_ALL>>8 // network byte order
	if err := unix.Bind(s.fd, &unix.SockaddrLinklayer{Protocol: ethPAll, Ifindex: ifindex}); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	if promisc {
		mr := unix.PacketMreq{Ifindex: int32(ifindex), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(s.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mr); err != nil {
			return fmt.Errorf("promiscuous mode: %w", err)
		}
	}
	return nil
}

// join makes the socket a member of the fanout group: the first creates
// a group with an id the kernel picks, unique on the machine, and the
// others join that id. It returns the group's id.
func (s *packetSocket) join(first bool, id int) (int, error) {
	arg := unix.PACKET_FANOUT_HASH<<16 | id
	if first {
		arg = (unix.PACKET_FANOUT_HASH|unix.PACKET_FANOUT_FLAG_UNIQUEID)<<16 | 0
	}
	if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_FANOUT, arg); err != nil {
		return 0, err
	}
	if !first {
		return id, nil
	}
	got, err := unix.GetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_FANOUT)
	if err != nil {
		return 0, err
	}
	return got & 0xffff, nil
}

// program compiles expr for the kernel. The kernel takes 802.1Q tags
// out of a frame before any capture socket sees it, so a filter written
// for the frame on the wire ("vlan 10", "tcp port 80" that must not
// match tagged frames) would judge the wrong bytes there: the program
// passes tagged frames first thing, and user space judges them with the
// tag back in place (tagged, nil for no filter). Every other frame is
// judged in the kernel alone. The program's return value is the snap
// length.
func (f *fanout) program(expr string) (prog []bpfInsn, tagged *BPF, err error) {
	b, err := CompileBPF(decode.LinkEthernet, f.snaplen, expr)
	if err != nil {
		return nil, nil, err
	}
	// SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT (linux/filter.h).
	const vlanPresent = 0xfffff000 + 48
	prog = []bpfInsn{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: vlanPresent},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 1, K: 0},
		{Code: unix.BPF_RET | unix.BPF_K, K: uint32(f.snaplen)},
	}
	prog = append(prog, b.instructions()...)
	if len(prog) > unix.BPF_MAXINSNS {
		return nil, nil, fmt.Errorf("filter %q: %d instructions, the kernel takes at most %d", expr, len(prog), unix.BPF_MAXINSNS)
	}
	if expr == "" {
		b = nil
	}
	return prog, b, nil
}

// setFilter swaps the capture filter on every socket. The kernel swaps a
// socket's program atomically, so no frame goes unjudged; frames already
// in a ring were judged by the filter in force when they arrived.
func (f *fanout) setFilter(expr string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	prog, tagged, err := f.program(expr)
	if err != nil {
		return fmt.Errorf("capture %w", err)
	}
	if err := f.attach(prog); err != nil {
		// Every socket back on the filter in force.
		return errors.Join(fmt.Errorf("capture filter %q on %s: %w", expr, f.dev, err), f.attach(f.prog))
	}
	f.prog = prog
	f.tagged.Store(tagged)
	return nil
}

func (f *fanout) attach(prog []bpfInsn) error {
	for _, s := range f.socks {
		if err := s.attach(prog); err != nil {
			return err
		}
	}
	return nil
}

func (s *packetSocket) attach(prog []bpfInsn) error {
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if err := unix.SetsockoptSockFprog(s.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp); err != nil {
		return fmt.Errorf("SO_ATTACH_FILTER: %w", err)
	}
	return nil
}

// stats adds up the kernel's counters over every socket: what passed the
// filter (drops included, as libpcap's ps_recv) and what found the ring
// full.
func (f *fanout) stats() (recv, drop uint64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.socks {
		st, err := unix.GetsockoptTpacketStatsV3(s.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
		if err != nil {
			return 0, 0, false
		}
		s.recv += uint64(st.Packets)
		s.drop += uint64(st.Drops)
		recv, drop = recv+s.recv, drop+s.drop
	}
	return recv, drop, true
}

func (f *fanout) close() {
	for _, s := range f.socks {
		s.close()
	}
}

func (s *packetSocket) close() {
	if s.ring != nil {
		unix.Munmap(s.ring)
		s.ring = nil
	}
	if s.fd >= 0 {
		unix.Close(s.fd)
		s.fd = -1
	}
}

// blockHeader is the header of ring block i.
func (s *packetSocket) blockHeader(i int) *unix.TpacketHdrV1 {
	desc := (*unix.TpacketBlockDesc)(unsafe.Pointer(&s.ring[i*s.blockSize]))
	return (*unix.TpacketHdrV1)(unsafe.Pointer(&desc.Hdr[0]))
}

// Read returns the socket's next frame. The data is valid until the next
// Read. When nothing arrives within LiveDelay it returns no data and no
// error, as a libpcap read timeout does.
func (s *packetSocket) Read() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	link := decode.LinkEthernet
	for {
		if s.left > 0 {
			data, ci, ok := s.next()
			if ok {
				return data, ci, link, nil
			}
			continue
		}
		if s.held {
			// Hand the block back to the kernel.
			atomic.StoreUint32(&s.blockHeader(s.block).Block_status, unix.TP_STATUS_KERNEL)
			s.held = false
			s.block = (s.block + 1) % s.blocks
		}
		h := s.blockHeader(s.block)
		if atomic.LoadUint32(&h.Block_status)&unix.TP_STATUS_USER == 0 {
			if err := s.wait(); err != nil {
				return nil, gopacket.CaptureInfo{}, link, err
			}
			if atomic.LoadUint32(&h.Block_status)&unix.TP_STATUS_USER == 0 {
				return nil, gopacket.CaptureInfo{}, link, nil
			}
		}
		s.held, s.left, s.off = true, h.Num_pkts, int(h.Offset_to_first_pkt)
	}
}

// wait polls the socket for a block for at most LiveDelay.
func (s *packetSocket) wait() error {
	s.pfd[0] = unix.PollFd{Fd: int32(s.fd), Events: unix.POLLIN}
	fds := s.pfd[:]
	n, err := unix.Poll(fds, int(LiveDelay/time.Millisecond))
	switch {
	case errors.Is(err, unix.EINTR) || n == 0:
		return nil
	case err != nil:
		return fmt.Errorf("read %s: poll: %w", s.group.dev, err)
	case fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0:
		// The interface went down or away: the socket says why.
		if serr, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && serr != 0 {
			return fmt.Errorf("read %s: %w", s.group.dev, unix.Errno(serr))
		}
		return fmt.Errorf("read %s: socket error (poll events %#x)", s.group.dev, fds[0].Revents)
	}
	return nil
}

// next takes the next packet of the held block; ok is false when user
// space's filter for tagged frames refused it.
func (s *packetSocket) next() (data []byte, ci gopacket.CaptureInfo, ok bool) {
	base := s.block*s.blockSize + s.off
	h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&s.ring[base]))
	s.left--
	s.off += int(h.Next_offset)
	start := base + int(h.Mac)
	data = s.ring[start : start+int(h.Snaplen) : start+int(h.Snaplen)]
	ci = gopacket.CaptureInfo{Timestamp: time.Unix(int64(h.Sec), int64(h.Nsec)), CaptureLength: len(data), Length: int(h.Len)}
	if h.Status&unix.TP_STATUS_VLAN_VALID == 0 || len(data) < 12 {
		return data, ci, true
	}
	// Put the tag back between the MAC addresses and the EtherType, as
	// it was on the wire (and as libpcap does).
	tpid := uint16(0x8100)
	if h.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
		tpid = h.Hv1.Vlan_tpid
	}
	tci := uint16(h.Hv1.Vlan_tci)
	t := s.tagged[:0]
	t = append(t, data[:12]...)
	t = append(t, byte(tpid>>8), byte(tpid), byte(tci>>8), byte(tci))
	t = append(t, data[12:min(len(data), s.group.snaplen-4)]...)
	ci.CaptureLength, ci.Length = len(t), ci.Length+4
	if b := s.group.tagged.Load(); b != nil && !b.match(&s.hdr, t, ci.Length) {
		return nil, ci, false
	}
	return t, ci, true
}
