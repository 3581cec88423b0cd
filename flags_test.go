package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBadFlagValues: each out-of-range number is refused before anything
// runs, with one line that names the flag and the valid range.
func TestBadFlagValues(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--max-flows 0", "-max-flows: want 1 to 1073741824"},
		{"--max-flows -5", "-max-flows: want 1 to"},
		{"--max-bytes -1", "-max-bytes: want 1 to 4294967295"},
		{"--max-bytes 0", "-max-bytes: want 1 to"},
		{"--max-packets 70000", "-max-packets: want 1 to 65535"},
		{"-s -1", "-s: want 0 to 262144"},
		{"-s 300000", "-s: want 0 to 262144"},
		{"-c -3", "-c: want 0 or more"},
		{"-c many", "-c: want 0 or more"},
		{"-B -1", "-B: want 0 to"},
		{"--ring -1", "-ring: want 1 to 10000000"},
		{"--ring 0", "-ring: want 1 to"}, // panicked in the TUI
		{"--shards 1000", "-shards: want 0 to 256"},
		{"--shards -1", "-shards: want 0 to 256"},
		{"--fanout 17", "-fanout: want 0 to 16"},
		{"--fanout -1", "-fanout: want 0 to 16"},
		{"--ipfix-domain 4294967296", "-ipfix-domain: want 0 to 4294967295"},
		{"--ipfix-interval 0s", "-ipfix-interval: want a duration of 1ms or more"},
		{"--ipfix-template-refresh -1s", "-ipfix-template-refresh: want a duration of 1ms or more"},
		{"--ipfix-active-timeout -1s", "-ipfix-active-timeout: want a duration of 0s or more"},
	} {
		args := append([]string{"--no-drop", "-r", "testdata/demo.pcap", "--flows"}, strings.Fields(c.args)...)
		out, errOut, code := runBinary(t, nil, args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q; want exit 2, nothing on stdout and one line with %q",
				c.args, code, len(out), errOut, c.want)
		}
	}
}

// TestUsageMistakes: an unknown flag gets one line and the hint to -h,
// not the whole usage; -h and --version print on stdout and succeed.
func TestUsageMistakes(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "--no-such-flag", "-r", "testdata/demo.pcap")
	if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "-no-such-flag") ||
		!strings.Contains(errOut, "l7sniff -h") {
		t.Errorf("unknown flag: exit %d, stderr %q; want exit 2 and one line naming it with the hint to -h", code, errOut)
	}
	out, errOut, code = runBinary(t, nil, "-h")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: l7sniff") || !strings.Contains(out, "-max-flows N") {
		t.Errorf("-h: exit %d, stderr %q, stdout %.80q; want the usage on stdout", code, errOut, out)
	}
	out, errOut, code = runBinary(t, nil, "--version")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "l7sniff ") || strings.Count(out, "\n") != 1 {
		t.Errorf("--version: exit %d, stdout %q, stderr %q; want one line on stdout", code, out, errOut)
	}
}

// TestManyCPUs: the default shard count is one per CPU; on a host with
// more CPUs than the order log can name (256), l7sniff crashed.
func TestManyCPUs(t *testing.T) {
	cmd := exec.Command(l7sniffBinary(t), "--no-drop", "-r", "testdata/demo.pcap", "--flows")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=300")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("GOMAXPROCS=300: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "305 packets") {
		t.Errorf("GOMAXPROCS=300: report without the demo's 305 packets:\n%s", out.String())
	}
}

// TestLoop: --loop (what `make demo` runs) reads the demo capture again at
// its end, later in time each pass, until -c or a stop; it refuses
// standard input, which cannot be read twice.
func TestLoop(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "--no-drop", "-r", "testdata/demo.pcap", "--lines", "--loop", "--replay=max", "-c", "700")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(lines) != 700 {
		t.Fatalf("exit %d, %d lines (the demo has 305), want 700: %s", code, len(lines), errOut)
	}
	// Each line starts with the capture time of day; the demo lasts
	// seconds, so it never wraps past midnight here unless it went back.
	for i := 1; i < len(lines); i++ {
		if lines[i][:15] < lines[i-1][:15] {
			t.Fatalf("line %d goes back in time:\n%s\n%s", i+1, lines[i-1], lines[i])
		}
	}
	if _, errOut, code := runBinary(t, nil, "-r", "-", "--loop"); code != 2 || !strings.Contains(errOut, "--loop") {
		t.Errorf("--loop on stdin: exit %d, stderr %q; want a refusal", code, errOut)
	}
}
