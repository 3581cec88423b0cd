package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"l7sniff/engine"
	"l7sniff/internal/corpustest"
	"l7sniff/patterns"
)

// The live test runs real servers and clients from Debian packages in two
// network namespaces joined by a veth pair (testdata/lab.sh), and captures
// on the server's end of the pair: with the engine API, then with the
// l7sniff binary. It needs root; without it (or without the tools) it
// skips, unless CI is set, where it fails.

// lab is one running instance of testdata/lab.sh.
type lab struct {
	t                  *testing.T
	script, prefix     string
	work               string
	serverNS, serverIf string
}

var liveTools = []string{"ip", "ss", "tcpdump", "python3", "curl", "openssl", "sshd", "ssh", "ssh-keygen", "dnsmasq", "dig", "go"}

func requireLive(t *testing.T) {
	t.Helper()
	skip := func(format string, args ...any) {
		corpustest.Unavailable(t, "live test cannot run: "+format, args...)
	}
	if os.Geteuid() != 0 {
		skip("needs root (network namespaces, capture)")
	}
	var missing []string
	for _, tool := range liveTools {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := os.Stat("/usr/sbin/" + tool); err != nil {
				missing = append(missing, tool)
			}
		}
	}
	if len(missing) > 0 {
		skip("missing %s (make deps installs them)", strings.Join(missing, ", "))
	}
}

// startLab creates the namespaces and starts the servers; t.Cleanup
// stops them and deletes the namespaces, whatever happens.
func startLab(t *testing.T) *lab {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "testdata", "lab.sh"))
	if err != nil {
		t.Fatal(err)
	}
	l := &lab{t: t, script: script, prefix: "l7t" + strconv.Itoa(os.Getpid()%1_000_000), work: t.TempDir()}
	l.serverNS, l.serverIf = l.prefix+"b", l.prefix+"vb"
	t.Cleanup(func() {
		if out, err := l.cmd(30*time.Second, "down", l.prefix, l.work).CombinedOutput(); err != nil {
			t.Errorf("lab down: %v\n%s", err, out)
		}
	})
	l.run("up", l.prefix)
	l.run("servers", l.prefix, l.work)
	return l
}

func (l *lab) cmd(timeout time.Duration, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	l.t.Cleanup(cancel)
	return exec.CommandContext(ctx, "bash", append([]string{l.script}, args...)...)
}

func (l *lab) run(args ...string) {
	l.t.Helper()
	if out, err := l.cmd(60*time.Second, args...).CombinedOutput(); err != nil {
		l.t.Fatalf("lab.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// clients runs n clients of a kind (lab.sh client KIND N [PORT]).
func (l *lab) clients(kind string, n int, port ...string) {
	l.t.Helper()
	l.run(append([]string{"client", l.prefix, kind, strconv.Itoa(n)}, port...)...)
}

// inNetns calls fn on an OS thread that has joined the named network
// namespace, so that what fn opens (a capture socket) belongs to it; the
// thread then returns to the test's namespace.
func inNetns(t *testing.T, ns string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			done <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(filepath.Join("/run/netns", ns))
		if err != nil {
			done <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		err = fn()
		// Only a thread back in its own namespace may serve other
		// goroutines; otherwise it stays locked and exits with this one.
		if rerr := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); rerr == nil {
			runtime.UnlockOSThread()
		} else if err == nil {
			err = rerr
		}
		done <- err
	}()
	return <-done
}

// poll calls cond every 50 ms until it returns "" (done) or the deadline
// passes, and then fails with cond's last answer.
func poll(t *testing.T, what string, timeout time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v: %s", what, timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// verdicts counts flows by server port and verdict.
func verdicts(flows []engine.FlowView) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range flows {
		_, port, err := net.SplitHostPort(f.B())
		if err != nil {
			continue
		}
		if out[port] == nil {
			out[port] = map[string]int{}
		}
		out[port][f.App]++
	}
	return out
}

// expected is what each client group must produce: flows to a server
// port with a verdict.
type expected struct {
	port, app string
	n         int
}

func missingVerdicts(got map[string]map[string]int, want []expected) string {
	var miss []string
	for _, w := range want {
		if got[w.port][w.app] != w.n {
			miss = append(miss, fmt.Sprintf("port %s: %v, want %d × %s", w.port, got[w.port], w.n, w.app))
		}
	}
	return strings.Join(miss, "; ")
}

func TestLiveCapture(t *testing.T) {
	requireLive(t)
	l := startLab(t)
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatal(errs)
	}

	t.Run("engine", func(t *testing.T) {
		var e *engine.Engine
		err := inNetns(t, l.serverNS, func() (err error) {
			e, err = engine.New(engine.Config{Source: engine.SourceConfig{Device: l.serverIf}, Patterns: set, Shards: 2})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ran := make(chan error, 1)
		go func() { ran <- e.Run(context.Background()) }()
		t.Cleanup(func() {
			e.Stop()
			select {
			case err := <-ran:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after Stop")
			}
		})

		l.clients("http", 3)
		l.clients("dns", 3)
		l.clients("ssh", 1)
		l.clients("ssh", 1, "8443")
		l.clients("tls", 2)
		l.clients("bittorrent", 2)
		phase1 := []expected{{"80", "http", 3}, {"53", "dns", 3}, {"22", "ssh", 1}, {"8443", "ssh", 1},
			{"443", "ssl", 2}, {"6881", "bittorrent", 2}}
		poll(t, "verdicts before the filter change", 15*time.Second, func() string {
			return missingVerdicts(verdicts(e.Flows()), phase1)
		})
		for _, f := range e.Flows() {
			if strings.HasSuffix(f.B(), ":8443") && (!f.Mismatch || f.PortGuess != "ssl") {
				t.Errorf("SSH on 8443: guess %q, mismatch %v; want ssl, true", f.PortGuess, f.Mismatch)
			}
		}

		// Change the capture filter on the running capture: only port
		// 80 gets through from now on, with no restart.
		before := e.Stats()
		if err := e.SetCaptureFilter("tcp port 80"); err != nil {
			t.Fatal(err)
		}
		if err := e.SetCaptureFilter("tcp port"); err == nil {
			t.Error("bad capture filter accepted")
		}
		if f := e.Stats().CaptureFilter; f != "tcp port 80" {
			t.Errorf("capture filter after a bad one: %q, want the previous one", f)
		}
		switched := time.Now()
		// DNS and BitTorrent first: once the later HTTP flows are seen,
		// anything of theirs that got through would have been seen too.
		l.clients("dns", 2)
		l.clients("bittorrent", 1)
		l.clients("http", 2)
		phase2 := append([]expected{{"80", "http", 5}}, phase1[1:]...)
		poll(t, "verdicts after the filter change", 15*time.Second, func() string {
			return missingVerdicts(verdicts(e.Flows()), phase2)
		})
		for _, f := range e.Flows() {
			if f.Last.After(switched) && !strings.HasSuffix(f.B(), ":80") && !strings.HasSuffix(f.A(), ":80") {
				t.Errorf("flow %s → %s (%s) seen after the filter allowed only port 80", f.A(), f.B(), f.App)
			}
		}
		after := e.Stats()
		if after.Packets <= before.Packets || after.KernelReceived < before.KernelReceived {
			t.Errorf("counters went from %d packets (kernel %d) to %d (kernel %d): want them to carry on",
				before.Packets, before.KernelReceived, after.Packets, after.KernelReceived)
		}
		if !after.Live || after.Source != l.serverIf {
			t.Errorf("source %q live %v", after.Source, after.Live)
		}
	})

	t.Run("binary", func(t *testing.T) {
		bin := filepath.Join(t.TempDir(), "l7sniff")
		if out, err := exec.Command("go", "build", "-o", bin, "l7sniff").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		pcapOut := filepath.Join(t.TempDir(), "live.pcap")
		var stdout, stderr bytes.Buffer
		cmd := exec.Command("ip", "netns", "exec", l.serverNS, bin, "-i", l.serverIf, "--flows", "-U", "-w", pcapOut)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// exited is closed once the process has been waited for, so both
		// the test and its cleanup can wait on it.
		exited := make(chan struct{})
		var waitErr error
		go func() { waitErr = cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			cmd.Process.Kill()
			<-exited
		})
		// The -w file is created once the capture is open.
		poll(t, "l7sniff starts capturing", 10*time.Second, func() string {
			if _, err := os.Stat(pcapOut); err != nil {
				return err.Error()
			}
			return ""
		})
		l.clients("http", 2)
		l.clients("dns", 2)
		l.clients("ssh", 1)
		l.clients("tls", 1)
		l.clients("bittorrent", 1)
		// A last DNS answer marks the end: with -U the file has every
		// packet before it once the answer is in it.
		l.clients("dns", 1)
		poll(t, "the last DNS answer reaches the -w file", 10*time.Second, func() string {
			out, err := exec.Command("tcpdump", "-n", "-r", pcapOut, "udp src port 53").Output()
			if n := bytes.Count(out, []byte("\n")); err != nil || n < 3 {
				return fmt.Sprintf("%d DNS answers (%v)", n, err)
			}
			return ""
		})
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
			if waitErr != nil {
				t.Fatalf("l7sniff after SIGINT: %v\n%s", waitErr, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("l7sniff did not exit after SIGINT")
		}

		got := map[string]map[string]int{}
		var reported int
		total := regexp.MustCompile(`^(\d+) packets, \d+ bytes, \d+ flows`)
		sc := bufio.NewScanner(&stdout)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if m := total.FindStringSubmatch(sc.Text()); m != nil {
				reported, _ = strconv.Atoi(m[1])
			}
			// "#  proto  A  B  pkts  pkts  bytes  duration  verdict ..."
			if len(fields) >= 9 && (fields[1] == "TCP" || fields[1] == "UDP") {
				if _, port, err := net.SplitHostPort(fields[3]); err == nil {
					if got[port] == nil {
						got[port] = map[string]int{}
					}
					got[port][fields[8]]++
				}
			}
		}
		want := []expected{{"80", "http", 2}, {"53", "dns", 3}, {"22", "ssh", 1}, {"443", "ssl", 1}, {"6881", "bittorrent", 1}}
		if miss := missingVerdicts(got, want); miss != "" {
			t.Errorf("flow report: %s\n%s", miss, stdout.String())
		}
		out, err := exec.Command("tcpdump", "-n", "-r", pcapOut).Output()
		if err != nil {
			t.Fatalf("tcpdump -r: %v", err)
		}
		if n := bytes.Count(out, []byte("\n")); reported == 0 || n != reported {
			t.Errorf("l7sniff reported %d packets, tcpdump -r reads %d from its -w file", reported, n)
		}
	})
}
