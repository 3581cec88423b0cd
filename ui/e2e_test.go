package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEnd drives the real binary in tmux through the acceptance
// script: replay, view filter, a bad filter, detail and hex, flows and
// verdicts, a pattern edit picked up live, and a clean exit.
func TestEndToEnd(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	patDir := filepath.Join(dir, "patterns")
	if err := os.Mkdir(patDir, 0o755); err != nil {
		t.Fatal(err)
	}
	defaults, _ := filepath.Glob("../patterns/defaults/*.pat")
	for _, f := range defaults {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(patDir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	capture, _ := filepath.Abs(demoCapture)
	exitFile := filepath.Join(dir, "exit")
	// --no-drop: the test runs as whoever runs it, and its temporary
	// pattern directory is not readable by the user root would drop to.
	cmd := bin + " --no-drop --replay -r " + capture + " --patterns " + patDir +
		"; echo $? > " + exitFile + "; echo EXITED; sleep 60"
	tm := startTmux(t, 140, 40, cmd) // wide enough for the flows view's State

	tm.waitText("No.", "Verdict", "10.77.0.")
	tm.waitText("(file, ended)", "patterns v1:")

	tm.keys("/")
	tm.text("tcp port 80")
	tm.keys("Enter")
	s := tm.waitText("view tcp port 80", `view filter "tcp port 80"`)
	checkRows(t, s, func(row string) bool { return strings.Contains(row, ":80 ") })

	tm.keys("/", "C-u")
	tm.text("tcp port")
	s = tm.waitText("syntax error")
	if !strings.Contains(s, "view tcp port 80") {
		t.Errorf("old view filter not kept while the bad one is shown:\n%s", s)
	}
	tm.keys("Enter") // refused: the prompt stays
	tm.waitText("syntax error", "view filter ›")
	tm.keys("Escape")
	tm.waitFor(5*time.Second, "prompt closed", func(s string) bool { return !strings.Contains(s, "view filter ›") })

	tm.keys("Enter")
	tm.waitText("Packet ", "Internet Protocol version 4", "── hex ──", "0000  ")
	tm.keys("j", "j")
	tm.waitText("bytes 0–5 of the selected field")
	tm.keys("x")
	tm.waitFor(5*time.Second, "hex off", func(s string) bool { return !strings.Contains(s, "── hex ──") })
	// Esc and the next key sent together read as alt+key, as in any
	// terminal: wait for the packets view before pressing Tab.
	tm.keys("Escape")
	tm.waitText("No.", "Destination")
	tm.keys("Tab")
	s = tm.waitText("Port guess", "http", "closed")
	if !strings.Contains(s, "http") {
		t.Errorf("flows view without verdicts:\n%s", s)
	}

	// A broken edit to a pattern file: reported, capture untouched.
	if err := os.WriteFile(filepath.Join(patDir, "http.pat"), []byte("http\n^(get|post\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm.waitText("patterns v2:", "1 error: http.pat:2:")

	tm.keys("q")
	s = tm.waitText("EXITED")
	if b, _ := os.ReadFile(exitFile); strings.TrimSpace(string(b)) != "0" {
		t.Errorf("exit status %q, want 0", b)
	}
	if strings.Contains(s, "Verdict") {
		t.Errorf("UI left on screen after exit:\n%s", s)
	}
	if alt := strings.TrimSpace(tm.run("display", "-p", "-t", "t", "#{alternate_on}#{mouse_any_flag}#{cursor_flag}")); alt != "001" {
		t.Errorf("terminal not restored: alternate screen, mouse, cursor = %s, want 001", alt)
	}
}

// checkRows applies ok to every packet row on a packets screen.
func checkRows(t *testing.T, screen string, ok func(string) bool) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "10.77.0.") && !strings.Contains(l, "view ") {
			n++
			if !ok(l) {
				t.Errorf("row should not be shown: %q", l)
			}
		}
	}
	if n == 0 {
		t.Errorf("no rows:\n%s", screen)
	}
}
