package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"l7sniff/decode/decodetest"
)

// needRoot skips a test of the privilege drop when not root (CI is).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs as root; this test needs it")
		}
		t.Skip("needs root: it tests leaving root")
	}
}

// procIDs returns the real, effective, saved and filesystem uids (or
// gids) /proc shows for pid.
func procIDs(t *testing.T, pid int, field string) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 5 && f[0] == field+":" {
			return strings.Join(f[1:], " ")
		}
	}
	t.Fatalf("no %s line in /proc/%d/status", field, pid)
	return ""
}

// TestDropsToSudoUser runs l7sniff as root the way sudo does (SUDO_UID,
// SUDO_GID set) on a pipe that stays open: the process must continue as
// that user, not as nobody, and the -w file must belong to the user.
// Without sudo's variables (or when root ran sudo) it is nobody, and -Z
// still chooses.
func TestDropsToSudoUser(t *testing.T) {
	needRoot(t)
	const uid, gid = "4242", "4343" // need no passwd entry: sudo passes numbers
	for _, tc := range []struct {
		name          string
		env, args     []string
		wantU, wantG  string
		wantFileOwner bool
	}{
		{"sudo", []string{"SUDO_UID=" + uid, "SUDO_GID=" + gid}, nil, uid, gid, true},
		{"sudo by root", []string{"SUDO_UID=0", "SUDO_GID=0"}, nil, "65534", "", false},
		{"no sudo", nil, nil, "65534", "", false},
		{"-Z wins", []string{"SUDO_UID=" + uid, "SUDO_GID=" + gid}, []string{"-Z", "nobody"}, "65534", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.pcap")
			cmd := exec.Command(l7sniffBinary(t), append(tc.args, "-r", "-", "-w", out, "--lines", "-l")...)
			cmd.Env = append(os.Environ(), tc.env...)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := lineReader(stdout)
			// Once a packet is printed, the capture is open and root is
			// gone.
			stdin.Write(pcapFile(decodetest.EthIPv4TCP(80)))
			select {
			case _, ok := <-lines:
				if !ok {
					t.Fatalf("l7sniff exited: %s", errb.String())
				}
			case <-time.After(hangGuard):
				t.Fatal("no packet line from the open pipe")
			}
			all := func(id string) string { return strings.Join([]string{id, id, id, id}, " ") }
			if got := procIDs(t, cmd.Process.Pid, "Uid"); got != all(tc.wantU) {
				t.Errorf("uids %s, want all %s", got, tc.wantU)
			}
			if got := procIDs(t, cmd.Process.Pid, "Gid"); tc.wantG != "" && got != all(tc.wantG) {
				t.Errorf("gids %s, want all %s", got, tc.wantG)
			}
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit: %v: %s", err, errb.String())
			}
			st, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			sys := st.Sys().(*syscall.Stat_t)
			owner := strconv.Itoa(int(sys.Uid)) + ":" + strconv.Itoa(int(sys.Gid))
			if tc.wantFileOwner && owner != uid+":"+gid {
				t.Errorf("-w file owned by %s, want the sudo user %s:%s", owner, uid, gid)
			}
		})
	}
}

// TestRootOnlyPatternsWithFile reads a file as root with a --patterns
// directory only root can read: the patterns are loaded before the drop
// and a file never reloads them, so the run must work (it was refused
// after the drop) and classify with them.
func TestRootOnlyPatternsWithFile(t *testing.T) {
	needRoot(t)
	dir := filepath.Join(t.TempDir(), "pats")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hello.pat"), []byte("# test\nhello\n^hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	frame := decodetest.WithPayload(decodetest.EthIPv4TCP(0), []byte("hello world"))
	out, errOut, code := runBinary(t, pcapFile(frame), "-r", "-", "--lines", "--patterns", dir)
	if code != 0 || !strings.Contains(out, "[hello]") {
		t.Errorf("root-only --patterns with -r: exit %d, stdout %q, stderr %q; want 0 and the [hello] verdict", code, out, errOut)
	}
}

// TestTUISaveBelongsToSudoUser drives the TUI in tmux as sudo would start
// it, in a directory of the invoking user: the UI's w must write the file
// there, owned by that user (as nobody it could not write there at all).
func TestTUISaveBelongsToSudoUser(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is needed (make deps installs it)")
		}
		t.Skip("tmux not installed")
	}
	bin := l7sniffBinary(t)
	base := t.TempDir()
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(base, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	demo, err := filepath.Abs("testdata/demo.pcap")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(base, "tmux")
	tmux(t, sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", "-s", "s")
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	tmux(t, sock, "set-option", "-g", "remain-on-exit", "on")
	tmux(t, sock, "respawn-pane", "-k", "-t", "s", "-c", home, "SUDO_UID=4242 SUDO_GID=4343 "+bin+" -r "+demo)
	waitFor(t, "the TUI", func() bool {
		return strings.Contains(tmux(t, sock, "capture-pane", "-p", "-t", "s"), "10.77.0.")
	})
	tmux(t, sock, "send-keys", "-t", "s", "w")
	waitFor(t, "the save prompt", func() bool {
		return strings.Contains(tmux(t, sock, "capture-pane", "-p", "-t", "s"), "write view to")
	})
	tmux(t, sock, "send-keys", "-t", "s", "C-u", "saved.pcap", "Enter")
	waitFor(t, "the save's result", func() bool {
		s := tmux(t, sock, "capture-pane", "-p", "-t", "s")
		return strings.Contains(s, "saved.pcap") && !strings.Contains(s, "write view to")
	})
	tmux(t, sock, "send-keys", "-t", "s", "q")
	st, err := os.Stat(filepath.Join(home, "saved.pcap"))
	if err != nil {
		t.Fatalf("the UI's w did not write into the sudo user's directory: %v\n%s", err, tmux(t, sock, "capture-pane", "-p", "-t", "s"))
	}
	if sys := st.Sys().(*syscall.Stat_t); sys.Uid != 4242 || sys.Gid != 4343 {
		t.Errorf("saved file owned by %d:%d, want the sudo user 4242:4343", sys.Uid, sys.Gid)
	}
}

// TestRootOnlyPatternsLive: a live capture watching a --patterns
// directory only root can read keeps running on the patterns loaded as
// root and says that changes there will not be followed.
func TestRootOnlyPatternsLive(t *testing.T) {
	needRoot(t)
	dir := filepath.Join(t.TempDir(), "pats")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hello.pat"), []byte("# test\nhello\n^hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(l7sniffBinary(t), "-i", "lo", "--lines", "--patterns", dir, "udp port 9")
	lines := stderrLines(t, cmd)
	select {
	case l, ok := <-lines:
		if !ok || !strings.Contains(l, dir) || !strings.Contains(l, "not followed") {
			t.Fatalf("stderr %q (open %v); want a notice that %s is not followed", l, ok, dir)
		}
	case <-time.After(hangGuard):
		t.Fatal("no notice about the unreadable directory")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v, want 0 (the capture kept running)", err)
	}
}
