package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"l7sniff/internal/corpustest"
)

// tmuxTerm drives the real l7sniff binary in a detached tmux session, as
// a person at a terminal would: keys in with send-keys, the screen out
// with capture-pane.
type tmuxTerm struct {
	tb     testing.TB
	socket string
}

// needTmux skips when tmux is missing, except under CI where the
// end-to-end tests must run (make deps installs tmux).
func needTmux(tb testing.TB) {
	if _, err := exec.LookPath("tmux"); err != nil {
		corpustest.Unavailable(tb, "tmux not found; install it (make deps) to run the end-to-end tests")
	}
}

// buildBinary builds l7sniff into a temporary directory.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "l7sniff")
	out, err := exec.Command("go", "build", "-o", bin, "l7sniff").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startTmux runs command in a new w×h session on a private tmux server,
// killed when the test ends.
func startTmux(tb testing.TB, w, h int, command string) *tmuxTerm {
	tb.Helper()
	t := &tmuxTerm{tb: tb, socket: fmt.Sprintf("l7sniff-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	t.run("new-session", "-d", "-s", "t", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command)
	tb.Cleanup(func() { exec.Command("tmux", "-L", t.socket, "kill-server").Run() })
	return t
}

func (t *tmuxTerm) run(args ...string) string {
	t.tb.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", t.socket}, args...)...)
	// The program in the pane is on a terminal, as a person's is: CI sets
	// CI=true, which termenv takes for "no terminal" and so draws without
	// colour, so the tmux server (whose environment the panes inherit)
	// starts without it.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "CI=") })
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.tb.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (t *tmuxTerm) screen() string { return t.run("capture-pane", "-p", "-t", "t") }

// keys sends tmux key names (Enter, Escape, Tab, C-u).
func (t *tmuxTerm) keys(keys ...string) { t.run(append([]string{"send-keys", "-t", "t"}, keys...)...) }

// text types s literally.
func (t *tmuxTerm) text(s string) { t.run("send-keys", "-t", "t", "-l", s) }

// waitFor polls the screen until ok accepts it, failing after timeout.
func (t *tmuxTerm) waitFor(timeout time.Duration, what string, ok func(string) bool) string {
	t.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := t.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.tb.Fatalf("waiting for %s: timed out; screen:\n%s", what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitText waits until every string in want is on screen.
func (t *tmuxTerm) waitText(want ...string) string {
	t.tb.Helper()
	return t.waitFor(10*time.Second, fmt.Sprintf("%q", want), func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}
