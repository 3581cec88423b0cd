package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
	"l7sniff/engine/output"
	"l7sniff/internal/corpustest"
)

// appKnown are application cells that differ from tshark on purpose,
// keyed "capture field-prefix" (every frame), with the reason. Keep it
// short.
var appKnown = map[string]string{
	"doq dns.": "the capture embeds its TLS secrets (pcapng DSB) and tshark decrypts the DNS-over-QUIC streams with them; l7sniff decrypts QUIC Initial packets only",
	// app-tls: the reasons are in decode/tls_corpus_test.go (tlsKnown).
	"doq tls.":                               "pcapng DSB secrets: tshark decrypts QUIC Handshake packets, l7sniff Initial packets only",
	"doq quic.dcid":                          "ICMP errors quote short headers; tshark knows their DCID from the connection, l7sniff decodes a quote without flow state",
	"quic-33 tls.":                           "pcapng DSB secrets, as doq",
	"quic-v2 tls.":                           "pcapng DSB secrets, as doq",
	"KakaoTalk_chat tls.":                    "two SYN-ACKs with different ISNs: tshark dissects none of the server's data",
	"tls_multiple_synack_different_seq tls.": "two SYN-ACKs with different ISNs, as KakaoTalk_chat",
	"quic-forcing-vn-with-data tls.":         "after Version Negotiation l7sniff derives the new version's Initial keys and shows the ClientHello; tshark does not",
}

// isKnown reports whether a cell is in appKnown.
func isKnown(capture, field string) bool {
	for k := range appKnown {
		c, prefix, _ := strings.Cut(k, " ")
		if c == capture && strings.HasPrefix(field, prefix) {
			return true
		}
	}
	return false
}

// Thresholds of the application acceptance test, over every cell of
// every field the truth names (the floor; the goal is 100%).
const (
	appMinOverall  = 99.0
	appMinPerField = 97.0
)

// TestAppFieldsMatchTshark runs every capture of corpus/app/captures.tsv
// through `-T fields -E occurrence=a` with its truth file's own columns
// and compares every cell where tshark or l7sniff has a value.
func TestAppFieldsMatchTshark(t *testing.T) {
	root := corpustest.Dir(t)
	list, err := os.ReadFile(filepath.Join(root, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	agree := decodetest.Agreement{}
	implemented := map[string]bool{}
	byCapture := map[string]int{} // disagreements per capture
	shown := 0
	for _, rel := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if rel == "" || rel[0] == '#' {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		truth, err := os.ReadFile(filepath.Join(root, "app", "truth", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(truth), "\n"), "\n")
		header := strings.Split(lines[0], "\t")
		args := []string{"-r", filepath.Join(root, rel), "-T", "fields", "-E", "header=y", "-E", "occurrence=a"}
		col := make([]int, len(header)) // output column of each truth column, -1 if l7sniff lacks the field
		n := 0
		for i, h := range header {
			if _, err := output.LookupField(h); err != nil {
				col[i] = -1
				continue
			}
			implemented[h] = true
			args = append(args, "-e", h)
			col[i] = n
			n++
		}
		got, ok := runLines(t, name, args, len(lines))
		if !ok {
			continue
		}
		for r := 1; r < len(lines); r++ {
			want := strings.Split(lines[r], "\t")
			have := strings.Split(got[r], "\t")
			for i, h := range header {
				if h == "frame.number" {
					continue
				}
				w, g := cell(want, i), ""
				if col[i] >= 0 {
					g = cell(have, col[i])
				}
				if w == "" && g == "" {
					continue
				}
				key := fmt.Sprintf("%s#%d %s", name, r, h)
				ok := w == g || isKnown(name, h)
				agree.Add(h, ok)
				if !ok && col[i] >= 0 {
					byCapture[name]++
					if shown++; shown <= 60 {
						t.Logf("%s: l7sniff %q, tshark %q", key, g, w)
					}
				}
			}
		}
	}
	t.Log(agree.Table())
	caps := make([]string, 0, len(byCapture))
	for c := range byCapture {
		caps = append(caps, c)
	}
	sort.Slice(caps, func(i, j int) bool { return byCapture[caps[i]] > byCapture[caps[j]] })
	for _, c := range caps[:min(len(caps), 20)] {
		t.Logf("%6d cells differ in %s", byCapture[c], c)
	}
	// Every field the truth names counts, implemented or not: a field
	// l7sniff lacks disagrees on each of its cells.
	var all, allOK int
	var low, missing []string
	for f, c := range agree {
		all, allOK = all+c[0], allOK+c[1]
		if !implemented[f] {
			missing = append(missing, f)
		}
		if pct := 100 * float64(c[1]) / float64(c[0]); pct < appMinPerField {
			low = append(low, fmt.Sprintf("%s %.2f%%", f, pct))
		}
	}
	sort.Strings(low)
	sort.Strings(missing)
	pct := 100 * float64(allOK) / float64(max(all, 1))
	t.Logf("all fields: %d of %d cells agree (%.2f%%); fields l7sniff lacks: %d %s", allOK, all, pct, len(missing), strings.Join(missing, " "))
	if pct < appMinOverall {
		t.Errorf("fields agree on %.2f%% of cells, below %.0f%%", pct, appMinOverall)
	}
	if len(low) > 0 {
		t.Errorf("fields below %.0f%%: %s", appMinPerField, strings.Join(low, ", "))
	}
}

// cell returns column i of a split row, "" past its end.
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}
