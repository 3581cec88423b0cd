package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"l7sniff/internal/corpustest"
)

// TestHeadlessLiveFollowsPatterns: a headless live capture loads the
// --patterns directories once, logging each broken file, then follows
// them: an edit that breaks a file is logged with the new version and
// the file's line, and the run still ends on a signal with its counters.
func TestHeadlessLiveFollowsPatterns(t *testing.T) {
	if os.Geteuid() != 0 {
		corpustest.Unavailable(t, "needs root to capture (CI runs as root)")
	}
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("http.pat", "http\n^get\n")
	write("bad.pat", "bad\n") // a name but no regex
	cmd := exec.Command(l7sniffBinary(t), "--no-drop", "-i", "lo", "--lines", "--patterns", dir, "udp and port 9")
	lines := stderrLines(t, cmd)
	var seen []string
	waitLine := func(what string, ok func(string) bool) {
		t.Helper()
		deadline := time.After(hangGuard) // only keeps a broken run from hanging the test
		for {
			select {
			case l, open := <-lines:
				if !open {
					t.Fatalf("l7sniff exited while waiting for %s; stderr:\n%s", what, strings.Join(seen, "\n"))
				}
				seen = append(seen, l)
				if ok(l) {
					return
				}
			case <-deadline:
				t.Fatalf("no %s; stderr:\n%s", what, strings.Join(seen, "\n"))
			}
		}
	}
	waitLine("load error for bad.pat", func(l string) bool {
		return strings.HasPrefix(l, "l7sniff: pattern ") && strings.Contains(l, "bad.pat")
	})
	write("http.pat", "http\n^(get\n")
	waitLine("reload line", func(l string) bool { return strings.HasPrefix(l, "l7sniff: patterns v2: 1 loaded, 2 errors") })
	waitLine("the broken edit's error", func(l string) bool {
		return strings.HasPrefix(l, "l7sniff: pattern ") && strings.Contains(l, "http.pat:2:")
	})
	cmd.Process.Signal(syscall.SIGINT)
	waitLine("closing counters", func(l string) bool { return strings.Contains(l, " kernel drops, ") })
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
	loads := 0
	for _, l := range seen {
		if strings.Contains(l, "bad.pat") && !strings.Contains(l, "patterns v") {
			loads++
		}
	}
	if loads != 2 {
		t.Errorf("bad.pat reported %d times, want twice (the first load, the reload); stderr:\n%s", loads, strings.Join(seen, "\n"))
	}
}
