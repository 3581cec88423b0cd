package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"l7sniff/decode/decodetest"
)

// lineReader delivers a process's output lines on a channel, so a test
// can wait for one while the process keeps running.
func lineReader(r io.Reader) <-chan string {
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}

// stderrLines starts cmd and returns the lines of its stderr; the
// process is killed when the test ends, if it has not exited by then.
func stderrLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return lineReader(stderr)
}

// hangGuard bounds a wait for something that must happen (a line, an
// exit): not a speed requirement, only so a broken build fails instead of
// hanging the suite.
const hangGuard = 20 * time.Second

// TestPipeStreams feeds l7sniff a pcap through a pipe (-r -) and through
// a FIFO (-r PATH), one packet every 100 ms with the pipe kept open: each
// packet's line must come out before the next packet is sent, which
// fails when partial batches wait for the input to end.
func TestPipeStreams(t *testing.T) {
	frames := make([][]byte, 5)
	for i := range frames {
		frames[i] = decodetest.EthIPv4TCP(1000 + i)
	}
	file := pcapFile(frames...)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, src string }{{"stdin pipe", "-"}, {"fifo", fifo}} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(l7sniffBinary(t), "-r", tc.src, "-l", "--lines")
			var w io.WriteCloser
			var err error
			if tc.src == "-" {
				if w, err = cmd.StdinPipe(); err != nil {
					t.Fatal(err)
				}
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			if w == nil {
				if w, err = os.OpenFile(fifo, os.O_WRONLY, 0); err != nil {
					t.Fatal(err)
				}
			}
			lines := lineReader(stdout)
			if _, err := w.Write(file[:24]); err != nil {
				t.Fatal(err)
			}
			rec := file[24:]
			for i := range frames {
				n := 16 + int(binary.LittleEndian.Uint32(rec[8:]))
				if _, err := w.Write(rec[:n]); err != nil {
					t.Fatal(err)
				}
				rec = rec[n:]
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("l7sniff exited after %d packets", i)
					}
					// Ethernet, IPv4 and TCP headers take 54 bytes.
					if want := fmt.Sprintf("len=%d ", len(frames[i])-54); !strings.Contains(l, want) {
						t.Errorf("line %d = %q, want packet %d (%s)", i, l, i, want)
					}
				case <-time.After(hangGuard):
					t.Fatalf("packet %d's line did not come out while the pipe stayed open", i)
				}
				time.Sleep(100 * time.Millisecond)
			}
			w.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit: %v", err)
			}
		})
	}
}
