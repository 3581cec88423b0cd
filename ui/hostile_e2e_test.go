package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"l7sniff/decode/decodetest"
)

// writeEvilCapture writes a TCP conversation whose payload carries
// terminal escape sequences: a title change, a screen clear and a colour.
func writeEvilCapture(t *testing.T) string {
	t.Helper()
	req := decodetest.WithPayload(decodetest.EthIPv4TCP(54), []byte("GET /\x1b]0;pwned\x07 HTTP/1.1\r\nHost: x\r\n\r\n"))
	resp := decodetest.WithPayload(decodetest.EthIPv4TCP(54), []byte("HTTP/1.1 200 OK\r\nX: \x1b[2J\x1b[31mred\r\n\r\n"))
	// The answer goes the other way: swap addresses and ports.
	copy(resp[26:30], req[30:34])
	copy(resp[30:34], req[26:30])
	copy(resp[34:36], req[36:38])
	copy(resp[36:38], req[34:36])
	path := filepath.Join(t.TempDir(), "evil.pcap")
	if err := os.WriteFile(path, decodetest.PcapFile(1, req, resp), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEscapesNeverReachTheTerminal shows packets carrying escape sequences
// in the packet list, the detail pane and the follow-stream view of the
// real binary under tmux. Had a byte gone through raw, tmux would have
// changed the pane title to "pwned" and cleared the screen.
func TestEscapesNeverReachTheTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	evil := writeEvilCapture(t)
	tm := startTmux(t, 120, 40, bin+" --no-drop -r "+evil+"; sleep 60")
	checkClean := func(where string) {
		t.Helper()
		if title := strings.TrimSpace(tm.run("display-message", "-p", "-t", "t", "#{pane_title}")); title == "pwned" {
			t.Fatalf("%s: a packet set the terminal title", where)
		}
		if !strings.Contains(tm.screen(), "l7sniff") {
			t.Fatalf("%s: the header is gone (screen cleared by a packet?):\n%s", where, tm.screen())
		}
	}
	tm.waitText("10.0.0.1:40000", "(file, ended)")
	checkClean("packet list")
	tm.keys("g", "Enter")
	tm.waitText("Frame")
	tm.keys("x")
	checkClean("detail and hex")
	tm.keys("Escape")
	tm.waitFor(5*time.Second, "back to the list", func(s string) bool { return strings.Contains(s, "No.") })
	tm.keys("f")
	s := tm.waitText("pwned")
	checkClean("follow stream")
	if !strings.Contains(s, "]0;pwned") {
		t.Errorf("follow stream does not show the escaped payload:\n%s", s)
	}
}
