package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"l7sniff/decode/decodetest"
)

// floodCapture streams a pcap of n SYNs with random 5-tuples, with a
// short real HTTP conversation after every 50,000 of them.
func floodCapture(n int) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.Write(pcapFile()) // header only
	rec := make([]byte, 16)
	le := binary.LittleEndian
	write := func(i int, f []byte) {
		le.PutUint32(rec[0:], uint32(1700000000+i/100000))
		le.PutUint32(rec[4:], uint32(i%100000*10))
		le.PutUint32(rec[8:], uint32(len(f)))
		le.PutUint32(rec[12:], uint32(len(f)))
		b.Write(rec)
		b.Write(f)
	}
	syn := decodetest.EthIPv4TCP(54)
	syn[47] = 0x02 // SYN only
	req := []byte("GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint32(syn[26:], r.Uint32()) // source address
		binary.BigEndian.PutUint16(syn[34:], uint16(r.Uint32()))
		write(i, syn)
		if i%50000 == 49999 {
			// A real conversation on a fixed 5-tuple that varies by round.
			c := decodetest.WithPayload(decodetest.EthIPv4TCP(54), req)
			binary.BigEndian.PutUint16(c[34:], uint16(i/50000+1000))
			s := decodetest.WithPayload(decodetest.EthIPv4TCP(54), resp)
			copy(s[26:30], c[30:34]) // swap addresses and ports
			copy(s[30:34], c[26:30])
			copy(s[34:36], c[36:38])
			copy(s[36:38], c[34:36])
			write(i, c)
			write(i, s)
		}
	}
	return b.Bytes()
}

// runFlood pipes a flood of n flows through l7sniff and returns the flow
// report and the peak RSS in KiB.
func runFlood(t *testing.T, n, maxFlows int) (report struct {
	Flows []struct{ App string }
	Stats struct{ FlowsEvicted, Packets uint64 }
}, rssKiB int64) {
	cmd := exec.Command(l7sniffBinary(t), "--no-drop", "-r", "-", "--flows", "--json",
		"--max-flows", strconv.Itoa(maxFlows), "--shards", "2")
	cmd.Stdin = bytes.NewReader(floodCapture(n))
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The kernel's rusage of a child started from this (big) test process
	// includes the test's own peak, so watch the child's VmHWM instead.
	peak := make(chan int64)
	go func() {
		var hwm int64
		for {
			if v, ok := vmHWM(cmd.Process.Pid); ok {
				hwm = v
			} else {
				peak <- hwm
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	err := cmd.Wait()
	rssKiB = <-peak
	if err != nil {
		t.Fatalf("l7sniff: %v", err)
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("report: %v", err)
	}
	return report, rssKiB
}

// vmHWM reads a live process's peak resident set size in KiB.
func vmHWM(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false // a zombie has no memory left to report
}

// TestFlowTableFlood checks that a flood of distinct flows is absorbed by
// eviction: memory does not grow with the flood, the counters say what
// happened, and real conversations are still classified.
func TestFlowTableFlood(t *testing.T) {
	const maxFlows = 20000
	_, rssSmall := runFlood(t, 100_000, maxFlows)
	big, rssBig := runFlood(t, 1_000_000, maxFlows)
	t.Logf("peak RSS: %d MiB for 100k flows, %d MiB for 1M flows", rssSmall>>10, rssBig>>10)
	if rssBig > 256<<10 {
		t.Errorf("peak RSS %d MiB for a 1M-flow flood, want < 256 MiB", rssBig>>10)
	}
	if float64(rssBig) > 1.5*float64(rssSmall) {
		t.Errorf("memory grows with the flood: %d MiB for 1M flows vs %d MiB for 100k", rssBig>>10, rssSmall>>10)
	}
	if ev := big.Stats.FlowsEvicted; ev < 1_000_000-2*maxFlows {
		t.Errorf("evicted %d flows of a 1M flood with a %d-flow cap", ev, maxFlows)
	}
	if len(big.Flows) > 2*maxFlows+10 {
		t.Errorf("report lists %d flows, more than the table and ended-flow caps allow", len(big.Flows))
	}
	http := 0
	for _, f := range big.Flows {
		if f.App == "http" {
			http++
		}
	}
	if http == 0 {
		t.Errorf("no real HTTP conversation classified during the flood (evicted=%d)", big.Stats.FlowsEvicted)
	}
}
