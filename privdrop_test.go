package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"l7sniff/internal/corpustest"
)

// TestLiveCaptureDropsPrivileges runs a live capture as root with the
// default -Z and checks, from /proc, that every thread of the process has
// left root and holds no effective capability while packets keep flowing.
func TestLiveCaptureDropsPrivileges(t *testing.T) {
	if os.Geteuid() != 0 {
		corpustest.Unavailable(t, "needs root to capture (CI runs as root)")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port)
	cmd := exec.Command(l7sniffBinary(t), "-i", "lo", "-l", "--lines", "udp", "and", "port", port)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	conn, err := net.Dial("udp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Send until the capture shows a packet (it needs a moment to open).
	waitLine := func(what string) {
		deadline := time.After(10 * time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("l7sniff exited while waiting for %s", what)
				}
				if strings.Contains(l, ":"+port) {
					return
				}
			case <-tick.C:
				conn.Write([]byte("hello"))
			case <-deadline:
				t.Fatalf("no packet line for %s within 10 s", what)
			}
		}
	}
	waitLine("the first packet")
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/*/status")
	if len(tasks) == 0 {
		t.Fatal("no threads in /proc")
	}
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that just ended
		}
		for _, l := range strings.Split(string(b), "\n") {
			fields := strings.Fields(l)
			switch {
			case len(fields) == 5 && (fields[0] == "Uid:" || fields[0] == "Gid:"):
				want := nobody.Uid
				if fields[0] == "Gid:" {
					want = nobody.Gid
				}
				for _, id := range fields[1:] {
					if id != want {
						t.Errorf("%s: %s, want all %s", f, l, want)
					}
				}
			case len(fields) == 2 && (fields[0] == "CapEff:" || fields[0] == "CapPrm:"):
				if strings.Trim(fields[1], "0") != "" {
					t.Errorf("%s: %s, want no capabilities", f, l)
				}
			}
		}
	}
	waitLine("packets after the drop")
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGINT: %v, want 0", err)
	}
}
