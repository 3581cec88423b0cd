package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
	"l7sniff/internal/corpustest"
)

// unsupportedColumns are truth-file columns `-T fields` does not print,
// with the reason. Everything else must match tshark cell by cell.
var unsupportedColumns = map[string]string{
	"frame.protocols": "names tshark's whole dissector stack, application dissectors included (http, ldap, usbhid...), which l7sniff does not have",
	"_ws.malformed":   "tshark's marker for an exception in any of its dissectors, application ones included; l7sniff reports its own decode problems instead",
	// The derived setup.* columns are not tshark fields: make-truth.sh
	// computes them from PDML; decode's USB test checks them against the
	// decoded setup packet.
	"setup.pos": "derived by make-truth.sh, not a tshark field", "setup.hex": "derived by make-truth.sh, not a tshark field",
	"setup.bmRequestType": "derived by make-truth.sh, not a tshark field", "setup.bRequest": "derived by make-truth.sh, not a tshark field",
	"setup.wValue": "derived by make-truth.sh, not a tshark field", "setup.wIndex": "derived by make-truth.sh, not a tshark field",
	"setup.wLength": "derived by make-truth.sh, not a tshark field",
}

// knownCells are single cells that differ from tshark, with the reason.
// Keep it short; today it is empty.
var knownCells = map[string]string{}

// TestFieldsMatchTshark runs `l7sniff -r CAPTURE -T fields -E header=y -e
// ...` with each truth file's own columns and diffs the output against
// tshark's table.
func TestFieldsMatchTshark(t *testing.T) {
	// Their truth holds each field's first occurrence (make-truth.sh).
	compareFieldsWithTshark(t, []string{"decode", "usb"}, "-E", "occurrence=f")
}

// TestTunnelFieldsMatchTshark does the same over the tunnel corpus, whose
// truth lists every occurrence of a field, outer headers first
// (-E occurrence=a -E aggregator=,).
func TestTunnelFieldsMatchTshark(t *testing.T) {
	compareFieldsWithTshark(t, []string{"tunnel"}, "-E", "occurrence=a", "-E", "aggregator=,")
}

// compareFieldsWithTshark runs -T fields over every capture of the corpus
// directories subs with each truth file's columns (and the extra
// arguments), and compares the output with tshark's cell by cell,
// printing a per-field agreement table.
func compareFieldsWithTshark(t *testing.T, subs []string, extra ...string) {
	root := corpustest.Dir(t)
	agree := decodetest.Agreement{}
	mismatches := 0
	for _, sub := range subs {
		caps, _ := filepath.Glob(filepath.Join(root, sub, "pcap", "*"))
		if len(caps) == 0 {
			t.Fatalf("no captures in %s", filepath.Join(root, sub))
		}
		for _, c := range caps {
			name := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
			truth, err := os.ReadFile(filepath.Join(root, sub, "truth", name+".tsv"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimRight(string(truth), "\n"), "\n")
			header := strings.Split(lines[0], "\t")
			args := append([]string{"-r", c, "-T", "fields", "-E", "header=y"}, extra...)
			var cols []int
			for i, h := range header {
				if _, skip := unsupportedColumns[h]; !skip {
					args = append(args, "-e", h)
					cols = append(cols, i)
				}
			}
			got, ok := runLines(t, name, args, len(lines))
			if !ok {
				continue
			}
			for r := 1; r < len(lines); r++ {
				want := strings.Split(lines[r], "\t")
				have := strings.Split(got[r], "\t")
				for j, col := range cols {
					f := header[col]
					w := ""
					if col < len(want) {
						w = want[col]
					}
					key := fmt.Sprintf("%s#%d %s", name, r, f)
					_, known := knownCells[key]
					ok := have[j] == w || known
					agree.Add(f, ok)
					if ok {
						continue
					}
					if mismatches++; mismatches <= 40 {
						t.Errorf("%s: l7sniff %q, tshark %q", key, have[j], w)
					}
				}
			}
		}
	}
	t.Log(agree.Table())
	if mismatches > 0 {
		t.Errorf("%d cells differ from tshark", mismatches)
	}
}

// TestOwnFields checks l7sniff's fields on three HTTP conversations: both
// directions share a flow id, the verdict appears once the response
// decides it and stays, and the port guess is http.
func TestOwnFields(t *testing.T) {
	root := corpustest.Dir(t)
	o, err := parseFlags([]string{"-r", filepath.Join(root, "decode/pcap/pcpp-three_http_streams.pcap"),
		"-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "l7sniff.flow", "-e", "l7sniff.app", "-e", "l7sniff.portguess"})
	if err != nil {
		t.Fatal(err)
	}
	o.noDrop = true
	var out bytes.Buffer
	if err := run(context.Background(), o, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	flowOf := map[string]string{} // client port -> flow id
	apps := map[string][]string{} // flow id -> verdicts in order
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Split(l, "\t")
		client := f[0]
		if f[0] == "80" {
			client = f[1]
		}
		if id, ok := flowOf[client]; ok && id != f[2] {
			t.Errorf("port %s: flow id %s then %s", client, id, f[2])
		}
		flowOf[client] = f[2]
		apps[f[2]] = append(apps[f[2]], f[3])
		if f[4] != "http" {
			t.Errorf("port guess %q, want http", f[4])
		}
	}
	if len(apps) != 3 {
		t.Fatalf("%d flows, want 3", len(apps))
	}
	for id, seq := range apps {
		if seq[0] != "classifying" || seq[len(seq)-1] != "http" {
			t.Errorf("flow %s verdicts %v: want classifying first and http at the end", id, seq)
		}
		for i := 1; i < len(seq); i++ {
			if seq[i-1] == "http" && seq[i] != "http" {
				t.Errorf("flow %s: verdict changed after http: %v", id, seq)
			}
		}
	}
}

// TestUnknownFieldSuggests checks the error for a misspelt field comes
// before any packet is read and names the close match.
func TestUnknownFieldSuggests(t *testing.T) {
	o, err := parseFlags([]string{"-r", "/nonexistent", "-T", "fields", "-e", "ip.scr"})
	if err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), o, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `did you mean ip.src`) {
		t.Errorf("error %v, want a suggestion of ip.src", err)
	}
	var g bytes.Buffer
	o, _ = parseFlags([]string{"-G", "fields"})
	if err := run(context.Background(), o, &g, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ip.src\t", "usb.urb_id\t", "l7sniff.app\t", "tcp.flags\t"} {
		if !strings.Contains(g.String(), name) {
			t.Errorf("-G fields lacks %s", name)
		}
	}
}

// runLines runs l7sniff in process with args and returns its stdout's
// lines, reporting (and returning ok false) when they are not as many as
// tshark's truth has; name says which capture in a failure.
func runLines(t *testing.T, name string, args []string, truthLines int) (lines []string, ok bool) {
	t.Helper()
	o, err := parseFlags(args)
	if err != nil {
		t.Fatal(err)
	}
	o.noDrop = true // in-process: the test binary must stay who it is
	var out bytes.Buffer
	if err := run(context.Background(), o, &out, io.Discard); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	lines = strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != truthLines {
		t.Errorf("%s: %d lines, tshark %d", name, len(lines), truthLines)
		return nil, false
	}
	return lines, true
}
