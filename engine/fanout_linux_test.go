package engine_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
	"l7sniff/engine"
	"l7sniff/internal/corpustest"
	"l7sniff/patterns"
)

// TestFanoutCapture captures a veth with two sockets in a fanout group
// while a raw socket in the other namespace sends frames of many flows,
// both directions of each, and checks what the capture must keep: every
// frame once, each flow in one piece (one shard holds it) and in the
// order it was sent, Count shared by a group's readers, a capture
// filter swapped on every socket mid-run (also for 802.1Q-tagged frames,
// whose tag the kernel takes off), and kernel drops counted, so that
// captured + dropped is what the kernel saw.
func TestFanoutCapture(t *testing.T) {
	const per = 10 // phase 1's frames per flow and direction
	if os.Geteuid() != 0 {
		corpustest.Unavailable(t, "fanout test cannot run: needs root (network namespaces, capture)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		corpustest.Unavailable(t, "fanout test cannot run: no ip command (iproute2)")
	}
	rx, tx := vethPair(t)
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var stall atomic.Bool
	release := make(chan struct{})
	// Phase 1 numbers each flow's rounds in the IPv4 id: each flow's
	// packets must come out in the order they were sent (the collector
	// calls Packet from one goroutine; the test reads after it is done).
	var orderMu sync.Mutex
	last := map[[2]uint64]uint16{} // flow id, direction → last round seen
	var outOfOrder []string
	var e *engine.Engine
	err := inNetns(t, rx, func() (err error) {
		e, err = engine.New(engine.Config{
			Source:   engine.SourceConfig{Device: "veth0", Fanout: 2, Filter: "ip"},
			Patterns: set, Shards: 2,
			// The drop phase stalls the pipeline here, as a slow sink
			// would, so the rings fill.
			Packet: func(p *decode.Packet, info *engine.PacketInfo) error {
				if stall.Load() {
					<-release
				}
				if id := p.IPv4.ID; id >= 0x100 && id < 0x100+per {
					dir := uint64(0)
					if !p.FromA {
						dir = 1
					}
					orderMu.Lock()
					k := [2]uint64{info.FlowID, dir}
					if prev, ok := last[k]; ok && id != prev+1 {
						outOfOrder = append(outOfOrder, fmt.Sprintf("flow %d: round %d after %d", info.FlowID, id-0x100, prev-0x100))
					}
					last[k] = id
					orderMu.Unlock()
				}
				return nil
			},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.Source().Sockets(); n != 2 {
		t.Fatalf("%d capture sockets, want a fanout group of 2", n)
	}
	ran := make(chan error, 1)
	go func() { ran <- e.Run(context.Background()) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		e.Stop()
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after Stop")
		}
	}
	t.Cleanup(func() {
		if stall.Swap(false) {
			close(release)
		}
		stop()
	})
	snd := newSender(t, tx)
	// A second group on the same device, stopping at -c 50 (Count is
	// shared by its readers).
	var counted *engine.Engine
	err = inNetns(t, rx, func() (err error) {
		counted, err = engine.New(engine.Config{
			Source:   engine.SourceConfig{Device: "veth0", Fanout: 2, Filter: "ip"},
			Patterns: set, Shards: 2, Count: 50,
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	countedRan := make(chan error, 1)
	go func() { countedRan <- counted.Run(context.Background()) }()

	// Phase 1: 300 flows, 10 frames each way, interleaved.
	var sent uint64
	for round := range per {
		for i := range 300 {
			f := flowFrame(i, i%3 == 0, 100)
			binary.BigEndian.PutUint16(f[18:], uint16(0x100+round))
			snd.send(f)
			snd.send(reversed(f))
			sent += 2
		}
	}
	poll(t, "phase 1 frames captured", 20*time.Second, func() string {
		if st := e.Stats(); st.Packets != sent {
			return fmt.Sprintf("%d of %d frames (kernel: %d received, %d dropped)", st.Packets, sent, st.KernelReceived, st.KernelDropped)
		}
		return ""
	})
	select {
	case err := <-countedRan:
		if got := counted.Stats().Packets; err != nil || got != 50 {
			t.Errorf("with Count 50: Run returned %v after %d packets", err, got)
		}
	case <-time.After(10 * time.Second):
		counted.Stop()
		t.Errorf("with Count 50: still running after %d frames", sent)
	}
	seen := map[string]int{}
	for _, f := range e.Flows() {
		key := f.Proto + " " + f.A() + " " + f.B()
		seen[key]++
		if f.Packets != [2]uint64{per, per} {
			t.Errorf("flow %s: %v packets, want %d each way", key, f.Packets, per)
		}
	}
	if len(seen) != 300 {
		t.Errorf("%d flows, want 300", len(seen))
	}
	orderMu.Lock()
	if len(last) != 600 || len(outOfOrder) > 0 {
		t.Errorf("%d flow directions seen in order, want 600; out of order: %v", len(last), outOfOrder)
	}
	orderMu.Unlock()
	for k, n := range seen {
		if n != 1 {
			t.Errorf("flow %s held %d times: split between shards", k, n)
		}
	}

	// Phase 2: only UDP from now on, on both sockets. TCP first, then
	// UDP: each socket keeps its order, so once every UDP frame is in,
	// any TCP frame that got through is in too.
	if err := e.SetCaptureFilter("udp"); err != nil {
		t.Fatal(err)
	}
	if err := e.SetCaptureFilter("udp port"); err == nil {
		t.Error("bad capture filter accepted")
	}
	before := e.Stats().Packets
	for i := 1000; i < 1100; i++ {
		snd.send(flowFrame(i, false, 100))
	}
	for i := 1000; i < 1100; i++ {
		snd.send(tagged(flowFrame(i, true, 100), 7)) // not "udp" on the wire: the tag comes first
	}
	for i := 1100; i < 1200; i++ {
		snd.send(flowFrame(i, true, 100))
	}
	poll(t, "phase 2 UDP frames captured", 20*time.Second, func() string {
		if got := e.Stats().Packets - before; got < 100 {
			return fmt.Sprintf("%d of 100 frames", got)
		}
		return ""
	})
	if got := e.Stats().Packets - before; got != 100 {
		t.Errorf("after the switch to \"udp\": %d frames captured, want the 100 untagged UDP ones", got)
	}
	// Tagged frames pass a filter that asks for the tag.
	if err := e.SetCaptureFilter("vlan 7 and udp"); err != nil {
		t.Fatal(err)
	}
	before = e.Stats().Packets
	for i := 1200; i < 1300; i++ {
		snd.send(flowFrame(i, true, 100)) // untagged: refused
		snd.send(tagged(flowFrame(i, true, 100), 7))
	}
	poll(t, "tagged frames captured", 20*time.Second, func() string {
		if got := e.Stats().Packets - before; got < 100 {
			return fmt.Sprintf("%d of 100 tagged frames", got)
		}
		return ""
	})
	if got := e.Stats().Packets - before; got != 100 {
		t.Errorf("with \"vlan 7 and udp\": %d frames captured, want the 100 tagged ones", got)
	}
	for _, f := range e.Flows() {
		if f.VLAN == 7 && f.Packets[0]+f.Packets[1] != 1 {
			t.Errorf("tagged flow %s → %s: %v packets, want 1", f.A(), f.B(), f.Packets)
		}
	}

	// Phase 3: stall the pipeline and send more than the rings (16 MiB
	// over both) and the engine's batches (8 MiB) hold.
	if err := e.SetCaptureFilter("ip"); err != nil {
		t.Fatal(err)
	}
	base := e.Stats()
	stall.Store(true)
	const burst = 40000
	for i := range burst {
		snd.send(flowFrame(2000+i%500, true, 1400))
	}
	stall.Store(false)
	close(release)
	var got, recv, drop uint64
	poll(t, "the burst read or counted dropped", 20*time.Second, func() string {
		st := e.Stats()
		got, recv, drop = st.Packets-base.Packets, st.KernelReceived-base.KernelReceived, st.KernelDropped-base.KernelDropped
		if recv < burst || got+drop < recv {
			return fmt.Sprintf("kernel saw %d, captured %d, dropped %d", recv, got, drop)
		}
		return ""
	})
	stop()
	t.Logf("burst of %d: %d captured, kernel saw %d, dropped %d", burst, got, recv, drop)
	if drop == 0 {
		t.Errorf("no kernel drops counted for a burst of %d frames into a stalled pipeline", burst)
	}
	if recv != burst || got+drop != recv {
		t.Errorf("burst of %d: kernel saw %d, captured %d + dropped %d: want every frame seen, captured or dropped once", burst, recv, got, drop)
	}
}

// vethPair makes two namespaces joined by a veth pair (veth0 in each),
// deleted when the test ends, and returns their names: the capturing
// one first.
func vethPair(t *testing.T) (rx, tx string) {
	t.Helper()
	p := "l7f" + strconv.Itoa(os.Getpid()%1_000_000)
	rx, tx = p+"r", p+"t"
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
	run("netns", "add", rx)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", rx).Run() })
	run("netns", "add", tx)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", tx).Run() })
	run("link", "add", "veth0", "netns", rx, "type", "veth", "peer", "name", "veth0", "netns", tx)
	run("-n", rx, "link", "set", "veth0", "up")
	run("-n", tx, "link", "set", "veth0", "up")
	return rx, tx
}

// sender writes whole frames to veth0 in a namespace.
type sender struct {
	t  *testing.T
	fd int
}

func newSender(t *testing.T, ns string) *sender {
	s := &sender{t: t, fd: -1}
	err := inNetns(t, ns, func() error {
		ifi, err := net.InterfaceByName("veth0")
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		s.fd = fd
		return unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index})
	})
	if s.fd >= 0 {
		t.Cleanup(func() { unix.Close(s.fd) })
	}
	if err != nil {
		t.Fatalf("sender: %v", err)
	}
	return s
}

func (s *sender) send(frame []byte) {
	s.t.Helper()
	for {
		_, err := unix.Write(s.fd, frame)
		if err == unix.ENOBUFS || err == unix.EAGAIN {
			continue // the device queue is full: send it again
		}
		if err != nil {
			s.t.Fatalf("send: %v", err)
		}
		return
	}
}

// flowFrame returns frame i's flow: 10.0.0.1:(10000+i) → 10.0.0.2:53
// over UDP, or :80 over TCP, with n bytes of payload.
func flowFrame(i int, udp bool, n int) []byte {
	if udp {
		return decodetest.UDPFrame(uint16(10000+i), 53, decodetest.Payload(n))
	}
	return decodetest.TCPFrame(uint16(10000+i), 80, decodetest.Payload(n))
}

// reversed returns the frame of the other direction: MACs, addresses
// and ports swapped.
func reversed(f []byte) []byte {
	r := append([]byte(nil), f...)
	copy(r[0:6], f[6:12])
	copy(r[6:12], f[0:6])
	copy(r[26:30], f[30:34])
	copy(r[30:34], f[26:30])
	copy(r[34:36], f[36:38])
	copy(r[36:38], f[34:36])
	return r
}

// tagged returns the frame with an 802.1Q tag for vlan.
func tagged(f []byte, vlan uint16) []byte {
	r := append([]byte(nil), f[:12]...)
	r = binary.BigEndian.AppendUint16(r, 0x8100)
	r = binary.BigEndian.AppendUint16(r, vlan)
	return append(r, f[12:]...)
}
