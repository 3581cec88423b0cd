package ipfix

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Element keys as the RFC and IANA registry number them.
var (
	kSrc4, kDst4     = ieKey{0, 8}, ieKey{0, 12}
	kSrc6, kDst6     = ieKey{0, 27}, ieKey{0, 28}
	kSport, kDport   = ieKey{0, 7}, ieKey{0, 11}
	kProto, kFlags   = ieKey{0, 4}, ieKey{0, 6}
	kOctets, kPkts   = ieKey{0, 1}, ieKey{0, 2}
	kStart, kEnd     = ieKey{0, 152}, ieKey{0, 153}
	kVLAN, kIface    = ieKey{0, 58}, ieKey{0, 82}
	kAppID, kAppName = ieKey{0, 95}, ieKey{0, 96}
	kFlowID, kBiDir  = ieKey{0, 148}, ieKey{0, 239}
	kMismatch        = ieKey{32473, 1}
	kHTTPHost, kHost = ieKey{0, 460}, ieKey{32473, 2}
	kService, kALPN  = ieKey{32473, 3}, ieKey{32473, 4}
)

func u(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

func sampleRecords() []Record {
	v4 := Record{Proto: 6, SrcPort: 51000, DstPort: 443, TCPFlags: 0x1b, Octets: 1500, Packets: 7,
		Start: 1700000000123, End: 1700000004567, VLAN: 42, FlowID: 0x1234, App: "ssh", Mismatch: true,
		HTTPHost: "www.example.com", Service: "example", ALPN: "h2"}
	copy(v4.Src[:], []byte{10, 0, 0, 1})
	copy(v4.Dst[:], []byte{192, 0, 2, 7})
	v6 := Record{V6: true, Proto: 17, SrcPort: 53, DstPort: 40000, Octets: 90, Packets: 1,
		Start: 1700000000000, End: 1700000000000, FlowID: 0x99, Reverse: true, App: strings.Repeat("x", 300)}
	v6.Src = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	v6.Dst = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 2}
	return []Record{v4, v6}
}

func TestIPFIXMessageRoundTrip(t *testing.T) {
	w := newMsgWriter(udpMessage)
	w.begin(1700000010, 77, 5)
	w.templates()
	recs := sampleRecords()
	for i := range recs {
		if !w.appName(recs[i].App) || !w.flow(&recs[i], "eth0") {
			t.Fatalf("record %d does not fit", i)
		}
	}
	msg := append([]byte(nil), w.finish()...)
	m, err := newCollectorState().decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if m.exportTime != 1700000010 || m.seq != 77 || m.domain != 5 {
		t.Errorf("header: time %d seq %d domain %d", m.exportTime, m.seq, m.domain)
	}
	if want := []uint16{256, 257, 258}; !slicesEqual(m.templates, want) {
		t.Errorf("templates %v, want %v", m.templates, want)
	}
	for _, s := range m.sets {
		if s.length%4 != 0 || len(s.padding) > 3 || !bytes.Equal(s.padding, make([]byte, len(s.padding))) {
			t.Errorf("set %d: length %d, padding %x: want 4-byte aligned sets padded with zeros", s.id, s.length, s.padding)
		}
	}
	// Options record, flow, options record, flow.
	if len(m.records) != 4 || w.records != 4 || w.flows != 2 {
		t.Fatalf("%d records decoded, writer counted %d (%d flows); want 4 (2)", len(m.records), w.records, w.flows)
	}
	name := m.records[0]
	if name.template != 258 || string(bytes.TrimRight(name.values[kAppName], "\x00")) != "ssh" ||
		!bytes.Equal(name.values[kAppID], m.records[1].values[kAppID]) {
		t.Errorf("application name record %+v does not name the flow's id", name)
	}
	r := m.records[1].values
	checks := []struct {
		key  ieKey
		want uint64
	}{
		{kSport, 51000}, {kDport, 443}, {kProto, 6}, {kFlags, 0x1b}, {kOctets, 1500}, {kPkts, 7},
		{kStart, 1700000000123}, {kEnd, 1700000004567}, {kVLAN, 42}, {kFlowID, 0x1234}, {kBiDir, 1}, {kMismatch, 1},
	}
	for _, c := range checks {
		if got := u(r[c.key]); got != c.want {
			t.Errorf("IPv4 record element %v = %d, want %d", c.key, got, c.want)
		}
	}
	if !bytes.Equal(r[kSrc4], []byte{10, 0, 0, 1}) || !bytes.Equal(r[kDst4], []byte{192, 0, 2, 7}) {
		t.Errorf("IPv4 addresses %x %x", r[kSrc4], r[kDst4])
	}
	if string(r[kIface]) != "eth0" || string(r[kAppName]) != "ssh" || r[kAppID][0] != 6 || len(r[kAppID]) != 5 {
		t.Errorf("interface %q, app %q id %x", r[kIface], r[kAppName], r[kAppID])
	}
	if string(r[kHTTPHost]) != "www.example.com" || string(r[kHost]) != "" || string(r[kService]) != "example" || string(r[kALPN]) != "h2" {
		t.Errorf("identity: http host %q, host %q, service %q, alpn %q", r[kHTTPHost], r[kHost], r[kService], r[kALPN])
	}
	r6 := m.records[3].values
	if !bytes.Equal(r6[kSrc6], recs[1].Src[:]) || !bytes.Equal(r6[kDst6], recs[1].Dst[:]) || u(r6[kBiDir]) != 2 || u(r6[kMismatch]) != 2 {
		t.Errorf("IPv6 record: %x → %x, direction %d, mismatch %d", r6[kSrc6], r6[kDst6], u(r6[kBiDir]), u(r6[kMismatch]))
	}
	// A long name takes the three-byte length form and is cut.
	if got := string(r6[kAppName]); got != strings.Repeat("x", maxVarString) {
		t.Errorf("long application name came back as %d bytes", len(got))
	}
}

func TestApplicationIDIsFNV1a(t *testing.T) {
	h := fnv.New32a()
	h.Write([]byte("bittorrent"))
	want := [5]byte{6}
	binary.BigEndian.PutUint32(want[1:], h.Sum32())
	if got := appID("bittorrent"); got != want {
		t.Errorf("appID = %x, want %x (engine 6, FNV-1a 32)", got, want)
	}
}

func TestIPFIXLargestRecordFitsAnEmptyMessage(t *testing.T) {
	r := sampleRecords()[1]
	r.App = strings.Repeat("y", 4000)
	r.Host = strings.Repeat("h", 253) // the other host element is then empty
	r.Service, r.ALPN = strings.Repeat("s", 64), strings.Repeat("a", 4000)
	w := newMsgWriter(udpMessage)
	w.begin(0, 0, 0)
	w.templates()
	if !w.appName(r.App) || !w.flow(&r, strings.Repeat("i", 4000)) {
		t.Fatal("templates, a name and the largest record do not fit in one UDP message")
	}
	if n := len(w.finish()); n > udpMessage {
		t.Fatalf("message of %d bytes", n)
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// udpCollector receives messages on a loopback port.
type udpCollector struct {
	conn *net.UDPConn
	msgs chan []byte
}

func listenUDP(t *testing.T, addr string) *udpCollector {
	t.Helper()
	a, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenUDP("udp", a)
	if err != nil {
		t.Fatal(err)
	}
	c := &udpCollector{conn: conn, msgs: make(chan []byte, 1024)}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(c.msgs)
				return
			}
			c.msgs <- append([]byte(nil), buf[:n]...)
		}
	}()
	return c
}

func (c *udpCollector) next(t *testing.T) []byte {
	t.Helper()
	select {
	case m := <-c.msgs:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
	}
	return nil
}

// reports collects an exporter's Report messages.
type reports struct {
	mu   sync.Mutex
	msgs []string
}

func (r *reports) add(m string) { r.mu.Lock(); r.msgs = append(r.msgs, m); r.mu.Unlock() }
func (r *reports) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func TestExporterSequenceAndTemplateRefresh(t *testing.T) {
	col := listenUDP(t, "127.0.0.1:0")
	x, err := New(Config{
		Collectors: []string{col.conn.LocalAddr().String()}, DomainID: 9, Interface: "lo",
		Interval: 20 * time.Millisecond, TemplateRefresh: 150 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	st := newCollectorState()
	var seq uint32
	names := map[string]string{} // applicationId → name, as options records taught them
	templatesSeen, flows := 0, 0
	recs := sampleRecords()
	// 40 records in a burst fill several messages; the ones after the
	// pause come after a template refresh.
	for round := range 2 {
		for i := range 20 {
			r := recs[i%2]
			r.FlowID = uint64(round*100 + i)
			x.Export(r, true)
		}
		deadline := time.Now().Add(5 * time.Second)
		for flows < 40*(round+1)/2 && time.Now().Before(deadline) {
			msg := col.next(t)
			if len(msg) > udpMessage {
				t.Errorf("datagram of %d bytes", len(msg))
			}
			m, err := st.decode(msg)
			if err != nil {
				t.Fatal(err)
			}
			if m.seq != seq || m.domain != 9 {
				t.Fatalf("message seq %d domain %d, want seq %d (data records before it) domain 9", m.seq, m.domain, seq)
			}
			seq += uint32(len(m.records))
			if len(m.templates) > 0 {
				templatesSeen++
			}
			for _, r := range m.records {
				id := string(r.values[kAppID])
				if r.template == 258 {
					names[id] = string(bytes.TrimRight(r.values[kAppName], "\x00"))
					continue
				}
				flows++
				if n, ok := names[id]; !ok || !strings.HasPrefix(string(r.values[kAppName]), n) {
					t.Errorf("flow %d: application id %x used before an options record named it (%q)", u(r.values[kFlowID]), id, n)
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
		// After the refresh period the collector must be taught the
		// names again, as if it had restarted.
		clear(names)
	}
	if flows != 40 || templatesSeen != 2 {
		t.Errorf("%d flow records, templates in %d messages; want 40 and 2 (first message, one refresh)", flows, templatesSeen)
	}
	x.Close()
	if sent, dropped := x.Counts(); sent != 40 || dropped != 0 {
		t.Errorf("counts: %d sent, %d dropped; want 40, 0", sent, dropped)
	}
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T, network string) string {
	t.Helper()
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().String()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestIPFIXCollectorDownIsReportedOnceAndRetried(t *testing.T) {
	addr := freePort(t, "udp")
	var rep reports
	x, err := New(Config{Collectors: []string{addr}, Interval: 10 * time.Millisecond, Report: rep.add})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := sampleRecords()[0]
	// Each message draws an ICMP port unreachable, which the next write
	// returns as "connection refused". 1.5 s spans the first retry.
	for range 100 {
		x.Export(r, true)
		time.Sleep(15 * time.Millisecond)
	}
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "refused") {
		t.Fatalf("reports %q, want one about the refused collector", got)
	}
	if _, dropped := x.Counts(); dropped == 0 {
		t.Error("records for a down collector were not counted as dropped")
	}
	col := listenUDP(t, addr)
	deadline := time.Now().Add(6 * time.Second)
	got := false
	for !got && time.Now().Before(deadline) {
		x.Export(r, true)
		select {
		case <-col.msgs:
			got = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !got {
		t.Fatal("no message after the collector came back")
	}
	for range 3 {
		x.Export(r, true)
		time.Sleep(30 * time.Millisecond)
	}
	if all := rep.all(); len(all) != 2 || !strings.Contains(all[1], "answering again") {
		t.Errorf("reports %q, want the outage and the recovery", all)
	}
}

func TestIPFIXOverTCPReconnects(t *testing.T) {
	addr := freePort(t, "tcp")
	var rep reports
	x, err := New(Config{Collectors: []string{"tcp://" + addr}, Interval: 10 * time.Millisecond, Report: rep.add})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := sampleRecords()[1]
	x.Export(r, true)
	time.Sleep(50 * time.Millisecond)
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "refused") {
		t.Fatalf("reports %q, want one about the refused connection", got)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	var conn net.Conn
	for deadline := time.Now().Add(5 * time.Second); conn == nil && time.Now().Before(deadline); {
		x.Export(r, true)
		select {
		case conn = <-accepted:
		case <-time.After(100 * time.Millisecond):
		}
	}
	if conn == nil {
		t.Fatal("the exporter did not reconnect")
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	// A stream carries messages back to back; each header says how long
	// it is.
	hdr := make([]byte, 16)
	if _, err := readFull(conn, hdr); err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[2:]))
	copy(msg, hdr)
	if _, err := readFull(conn, msg[16:]); err != nil {
		t.Fatal(err)
	}
	m, err := newCollectorState().decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if m.seq != 0 || len(m.templates) == 0 || len(m.records) == 0 {
		t.Errorf("first message of the new session: seq %d, %d templates, %d records; want 0, templates, records", m.seq, len(m.templates), len(m.records))
	}
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := c.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// testExporter has a queue but no goroutine, so a test can look at what
// the engine side queued.
func testExporter(queue int) *Exporter {
	return &Exporter{queue: make(chan Record, queue), collectors: []*collector{{}}}
}

func drain(x *Exporter) []Record {
	var out []Record
	for {
		select {
		case r := <-x.queue:
			out = append(out, r)
		default:
			return out
		}
	}
}

// TestExportDropsWhenFull: without wait, a record that finds the queue
// full is refused and counted as dropped once per collector; with room
// it is queued whole.
func TestExportDropsWhenFull(t *testing.T) {
	x := testExporter(1)
	x.collectors = append(x.collectors, &collector{})
	recs := sampleRecords()
	if !x.Export(recs[0], false) {
		t.Fatal("a record was refused by an empty queue")
	}
	if x.Export(recs[1], false) {
		t.Fatal("a record was queued past the queue's length")
	}
	if _, dropped := x.Counts(); dropped != 2 {
		t.Errorf("dropped %d, want 2 (one record, two collectors)", dropped)
	}
	if got := drain(x); len(got) != 1 || got[0].FlowID != recs[0].FlowID || got[0].App != recs[0].App {
		t.Errorf("queued %+v, want the first record", got)
	}
}
