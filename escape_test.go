package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// TestHostileNamesNeverReachTheTerminal gives l7sniff pattern files and a
// capture file whose names carry terminal control sequences: an OSC title
// change (ESC ] … BEL), a screen clear, and the one-byte C1 CSI (U+009B,
// bytes C2 9B). The names become verdicts in every output mode and appear
// in load errors; none may reach stdout or stderr raw, and each must still
// be visible escaped.
func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"\x1b]0;pwned\x07": "^(get|post) ",      // the demo's HTTP flows
		"\u009b31mssh":     "^ssh-[12]\\.[0-9]", // the demo's SSH flow
		"\x1b[2Jbroken":    "((unbalanced",      // a load error naming the file
	} {
		if err := os.WriteFile(filepath.Join(dir, name+".pat"), []byte(name+"\n"+body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw := func(s string) bool { return strings.ContainsAny(s, "\x1b\x07") || strings.Contains(s, "\u009b") }
	for _, args := range [][]string{
		{"--lines"},
		{"-T", "fields", "-e", "l7sniff.app"},
		{"-T", "json", "-e", "l7sniff.app"},
		{"--flows"},
		{"--flows", "--json"},
	} {
		out, errOut, code := runBinary(t, nil, append([]string{"--no-drop", "-r", "testdata/demo.pcap", "--patterns", dir}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if raw(out) || raw(errOut) {
			t.Errorf("%v: a raw control sequence reached the terminal:\nstdout %q\nstderr %q", args, out, errOut)
		}
		for _, want := range []string{`]0;pwned`, `31mssh`} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: verdict %q missing from the output:\n%s", args, want, out)
			}
		}
		if !strings.Contains(errOut, `\x1b[2Jbroken.pat`) {
			t.Errorf("%v: the broken file's load error does not name it escaped:\n%s", args, errOut)
		}
	}
	// A capture file that cannot be opened: its name is quoted in the error.
	_, errOut, code := runBinary(t, nil, "--no-drop", "--lines", "-r", filepath.Join(dir, "\x1b]0;gone\x07.pcap"))
	if code != 1 || raw(errOut) || !strings.Contains(errOut, `\x1b]0;gone\x07.pcap`) {
		t.Errorf("missing capture: exit %d, stderr %q; want exit 1 and the name escaped", code, errOut)
	}
}

// TestC1FromPacketsNeverReachesTheTerminal: the one-byte CSI (C2 9B) in
// a payload, where application Info and fields quote packet text.
func TestC1FromPacketsNeverReachesTheTerminal(t *testing.T) {
	evil := []byte("GET /\u009b2J HTTP/1.1\r\nHost: \u009b31mx\r\nUser-Agent: \xc2\x9b\x1b\r\n\r\n")
	path := filepath.Join(t.TempDir(), "c1.pcap")
	if err := os.WriteFile(path, pcapFile(decodetest.WithPayload(decodetest.EthIPv4TCP(54), evil)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--lines", "-x"}, {"-T", "json"}, {"--flows"}, {"--flows", "--json"}} {
		out, errOut, code := runBinary(t, nil, append([]string{"--no-drop", "-r", path}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.Contains(out+errOut, "\u009b") || strings.ContainsAny(out+errOut, "\x1b\x07") {
			t.Errorf("%v: a raw control reached the terminal:\n%q", args, out)
		}
	}
}
