package engine

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
)

// TestFIFOStreams feeds the engine a pcap or pcapng through a FIFO one
// packet at a time, the writer keeping it open: each packet must reach
// the Packet sink before the next is written (a partial batch used to
// wait for the end of the input), and Stop must end a Run waiting on the
// quiet FIFO.
func TestFIFOStreams(t *testing.T) {
	t.Run("pcap", func(t *testing.T) {
		testFIFOStreams(t, decodetest.PcapFile, 24, func(rec []byte) int { return 16 + int(binary.LittleEndian.Uint32(rec[8:])) })
	})
	t.Run("pcapng", func(t *testing.T) {
		ng := func(link uint32, frames ...[]byte) []byte { return decodetest.PcapngFile(uint16(link), frames...) }
		testFIFOStreams(t, ng, 48, func(rec []byte) int { return int(binary.LittleEndian.Uint32(rec[4:])) })
	})
}

// testFIFOStreams writes the file build makes: its head bytes first, then
// each record, recordLen long.
func testFIFOStreams(t *testing.T, build func(uint32, ...[]byte) []byte, head int, recordLen func([]byte) int) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	const n = 5
	frames := make([][]byte, n)
	for i := range frames {
		frames[i] = decodetest.EthIPv4TCP(100 + i)
	}
	file := build(1, frames...)
	delivered := make(chan int, n)
	// Opening a FIFO for reading waits for a writer, so New runs while
	// the test opens the writing end.
	type opened struct {
		e   *Engine
		err error
	}
	ready := make(chan opened, 1)
	go func() {
		e, err := New(Config{Source: SourceConfig{File: fifo}, Patterns: defaultSet(t), Shards: 2,
			Packet: func(p *decode.Packet, _ *PacketInfo) error { delivered <- p.Number; return nil }})
		ready <- opened{e, err}
	}()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write(file[:head]); err != nil { // New reads the header
		t.Fatal(err)
	}
	o := <-ready
	if o.err != nil {
		t.Fatal(o.err)
	}
	e := o.e
	if !e.Source().Streaming() || e.Source().Live() {
		t.Errorf("a FIFO: Streaming %v, Live %v; want true, false", e.Source().Streaming(), e.Source().Live())
	}
	ran := make(chan error, 1)
	go func() { ran <- e.Run(t.Context()) }()
	rec := file[head:]
	for i := range n {
		size := recordLen(rec)
		if _, err := w.Write(rec[:size]); err != nil {
			t.Fatal(err)
		}
		rec = rec[size:]
		select {
		case got := <-delivered:
			if got != i+1 {
				t.Errorf("delivered packet %d, want %d", got, i+1)
			}
		case <-time.After(20 * time.Second): // a hang guard, not a speed requirement
			t.Fatalf("packet %d was not delivered while the FIFO stayed open", i+1)
		}
	}
	e.Stop()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run after Stop: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Stop did not end a Run waiting on a quiet FIFO")
	}
	if st := e.Stats(); st.Packets != n {
		t.Errorf("%d packets counted, want %d", st.Packets, n)
	}
}
