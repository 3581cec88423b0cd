package ui

import (
	"strings"
	"testing"
)

// TestARPRowEndpoints: ARP rows fill Source and Destination (with the
// frame's hardware addresses, as Wireshark does) like every other row.
func TestARPRowEndpoints(t *testing.T) {
	e := demoEngine(t)
	var f rowFormatter
	for seq, want := range map[uint64][3]string{
		1: {"fa:52:12:cc:83:a1", "ff:ff:ff:ff:ff:ff", "who-has 10.77.0.2 tell 10.77.0.1"},
		2: {"c6:de:af:11:e6:4f", "fa:52:12:cc:83:a1", "10.77.0.2 is-at c6:de:af:11:e6:4f"},
	} {
		v, ok := e.Ring().Get(seq)
		if !ok {
			t.Fatalf("packet %d not kept", seq)
		}
		r := f.format(&v, v.Time)
		if r.proto != "ARP" || r.src != want[0] || r.dst != want[1] || !strings.HasPrefix(r.info, want[2]) {
			t.Errorf("packet %d: proto %q src %q dst %q info %q, want ARP %q %q %q", seq, r.proto, r.src, r.dst, r.info, want[0], want[1], want[2])
		}
	}
}
