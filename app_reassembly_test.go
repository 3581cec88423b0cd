package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// runOnFrames writes frames to a pcap file and runs l7sniff on it with
// args, returning stdout.
func runOnFrames(t *testing.T, frames [][]byte, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.pcap")
	if err := os.WriteFile(path, decodetest.PcapFile(1, frames...), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseFlags(append([]string{"-r", path}, args...))
	if err != nil {
		t.Fatal(err)
	}
	o.noDrop = true
	var out bytes.Buffer
	if err := run(context.Background(), o, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// An HTTP header block split over three segments is reported on the one
// that completes it, as tshark does; the segments before it say they
// are part of a message; a retransmission changes nothing.
func TestHTTPHeaderReassembly(t *testing.T) {
	req := "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\n\r\n"
	parts := []string{req[:10], req[10:40], req[40:]}
	seq := uint32(1000)
	var frames [][]byte
	for i, part := range parts {
		f := decodetest.WithSeq(decodetest.TCPFrame(40000, 80, []byte(part)), seq)
		frames = append(frames, f)
		if i == 0 {
			frames = append(frames, f) // retransmitted
		}
		seq += uint32(len(part))
	}
	got := runOnFrames(t, frames, "-T", "fields", "-e", "frame.number", "-e", "http.request.uri", "-e", "http.host", "-e", "http.user_agent")
	want := "1\t\t\t\n2\t\t\t\n3\t\t\t\n4\t/index.html\texample.com\ttest/1.0\n"
	if got != want {
		t.Errorf("fields:\n%s\nwant:\n%s", got, want)
	}
	lines := runOnFrames(t, frames, "--lines")
	if !strings.Contains(lines, "HTTP GET /index.html HTTP/1.1") || strings.Count(lines, "[segment of a reassembled message]") != 3 {
		t.Errorf("lines:\n%s", lines)
	}
}

// A lost segment gives the message up: the next segment is dissected on
// its own and nothing waits for the missing bytes.
func TestReassemblyGap(t *testing.T) {
	first := decodetest.WithSeq(decodetest.TCPFrame(40000, 80, []byte("GET / HTTP/1.1\r\nHo")), 1000)
	later := decodetest.WithSeq(decodetest.TCPFrame(40000, 80, []byte("GET /b HTTP/1.1\r\nHost: b\r\n\r\n")), 5000)
	got := runOnFrames(t, [][]byte{first, later}, "-T", "fields", "-e", "http.request.uri")
	if got != "\n/b\n" {
		t.Errorf("got %q", got)
	}
}

// tcp.stream and udp.stream number conversations from 0 in order of
// appearance, each kind on its own; the frame times count from the first
// frame and from the previous one (PcapFile spaces frames one second).
func TestStreamsAndTimes(t *testing.T) {
	frames := [][]byte{
		decodetest.TCPFrame(40000, 80, nil),
		decodetest.UDPFrame(40001, 53, nil),
		decodetest.TCPFrame(40002, 80, nil),
		decodetest.TCPFrame(40000, 80, nil),
	}
	got := runOnFrames(t, frames, "-T", "fields", "-e", "tcp.stream", "-e", "udp.stream",
		"-e", "frame.time_epoch", "-e", "frame.time_relative", "-e", "frame.time_delta", "-e", "tcp.flags.push", "-e", "tcp.flags.syn")
	want := "0\t\t1700000000.000000000\t0.000000000\t0.000000000\t1\t0\n" +
		"\t0\t1700000001.000000000\t1.000000000\t1.000000000\t\t\n" +
		"1\t\t1700000002.000000000\t2.000000000\t1.000000000\t1\t0\n" +
		"0\t\t1700000003.000000000\t3.000000000\t1.000000000\t1\t0\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
