package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tmux runs a tmux command on the test's own server.
func tmux(t *testing.T, sock string, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// waitFor polls cond until it holds; failing after hangGuard.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTUIEndsOnSignals runs the TUI in tmux and sends it SIGTERM, SIGINT
// and SIGHUP, five runs each: every run must exit, leave the alternate
// screen and print the closing counters. With two signal handlers the
// TUI used to hang in most runs.
func TestTUIEndsOnSignals(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is needed (make deps installs it)")
		}
		t.Skip("tmux not installed")
	}
	bin := l7sniffBinary(t)
	sock := filepath.Join(t.TempDir(), "tmux")
	tmux(t, sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", "-s", "s")
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	tmux(t, sock, "set-option", "-g", "remain-on-exit", "on")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		for run := 1; run <= 5; run++ {
			tmux(t, sock, "respawn-pane", "-k", "-t", "s", bin+" --no-drop -r testdata/demo.pcap")
			waitFor(t, "the TUI's alternate screen", func() bool {
				return tmux(t, sock, "display", "-p", "-t", "s", "#{alternate_on}") == "1" &&
					strings.Contains(tmux(t, sock, "capture-pane", "-p", "-t", "s"), "10.77.0.")
			})
			pid, err := strconv.Atoi(tmux(t, sock, "display", "-p", "-t", "s", "#{pane_pid}"))
			if err != nil {
				t.Fatal(err)
			}
			syscall.Kill(pid, sig)
			waitFor(t, fmt.Sprintf("l7sniff to exit on %v (run %d)", sig, run), func() bool {
				return tmux(t, sock, "display", "-p", "-t", "s", "#{pane_dead}") == "1"
			})
			if tmux(t, sock, "display", "-p", "-t", "s", "#{alternate_on}") != "0" {
				t.Errorf("%v run %d: the terminal was left in the alternate screen", sig, run)
			}
			if screen := tmux(t, sock, "capture-pane", "-p", "-S", "-100", "-t", "s"); !strings.Contains(screen, " kernel drops, ") {
				t.Errorf("%v run %d: no closing counters on the restored screen:\n%s", sig, run, screen)
			}
		}
	}
}

// TestHeadlessEndsOnSignals sends SIGTERM to headless runs that would
// otherwise go on: a pipe that stays open but quiet, and a paced replay
// saving with -w. Each must exit 0 with its counters printed and the
// file flushed (a pcap header and whole records).
func TestHeadlessEndsOnSignals(t *testing.T) {
	bin := l7sniffBinary(t)
	out := filepath.Join(t.TempDir(), "out.pcap")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"quiet pipe", []string{"-r", "-", "--lines"}},
		{"replay to a file", []string{"--no-drop", "-r", "testdata/demo.pcap", "--replay=0.001", "-w", out}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			stdin.Write(pcapFile())            // a header, then silence
			time.Sleep(300 * time.Millisecond) // let it reach its wait
			cmd.Process.Signal(syscall.SIGTERM)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("exit after SIGTERM: %v\n%s", err, errb.String())
				}
			case <-time.After(hangGuard):
				t.Fatal("no exit after SIGTERM")
			}
			if !strings.Contains(errb.String(), " kernel drops, ") {
				t.Errorf("no closing counters: %q", errb.String())
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 {
		t.Fatalf("-w file has %d bytes after SIGTERM, want at least a pcap header", len(b))
	}
	if tcpdump, err := exec.LookPath("tcpdump"); err == nil {
		if msg, err := exec.Command(tcpdump, "-nr", out).CombinedOutput(); err != nil {
			t.Errorf("tcpdump cannot read the -w file written until SIGTERM: %v\n%s", err, msg)
		}
	}
}
