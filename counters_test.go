package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestEveryModeEndsWithCounters: lines, fields, JSON and the flow report
// all end with the same counters line on stderr, so evictions and flows
// given up at the packet limit are said whatever the mode. Before, only
// --flows mentioned evictions, and -T fields ended without a word.
func TestEveryModeEndsWithCounters(t *testing.T) {
	counters := regexp.MustCompile(`^l7sniff: (\d+) packets, (\d+) kernel drops, engine drops: (\d+) flows evicted, (\d+) ended flows not listed; (\d+) flows unknown at the packet or byte limit$`)
	var first string
	for _, mode := range [][]string{
		{"--lines"},
		{"-T", "fields", "-e", "frame.number"},
		{"-T", "json"},
		{"--flows"},
		{"--flows", "--json"},
	} {
		// A table of 3 flows and a limit of 2 packets: the demo's
		// flows must evict, and its flows without a verdict after two
		// packets (TCP handshakes) give up.
		args := append([]string{"--no-drop", "-r", "testdata/demo.pcap", "--shards", "1", "--max-flows", "3", "--max-packets", "2"}, mode...)
		_, errOut, code := runBinary(t, nil, args...)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		last := lines[len(lines)-1]
		m := counters.FindStringSubmatch(last)
		if code != 0 || m == nil {
			t.Errorf("%v: exit %d, last stderr line %q; want the counters line", mode, code, last)
			continue
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		if n(1) != 305 || n(3) == 0 || n(5) == 0 {
			t.Errorf("%v: %q: want 305 packets, some flows evicted and some unknown at the limit", mode, last)
		}
		if first == "" {
			first = last
		} else if last != first {
			t.Errorf("%v: counters %q differ from --lines's %q", mode, last, first)
		}
	}
}
