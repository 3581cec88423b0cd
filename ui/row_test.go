package ui

import (
	"slices"
	"strings"
	"testing"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
	"l7sniff/engine"
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

// TestTunnelledRowColumns: the Source and Destination columns hold the
// innermost conversation's endpoints, as Wireshark's do, whatever VLAN
// tags and tunnels the packet came through; the path stays in the row,
// ahead of the info, so find still finds "vlan 10".
func TestTunnelledRowColumns(t *testing.T) {
	plain := decodetest.EthIPv4TCP(60)
	tagged := slices.Concat(plain[:12], []byte{0x81, 0x00, 0x00, 10}, plain[12:])
	for _, c := range []struct {
		name, path string
		frame      []byte
	}{
		{"802.1Q", "vlan 10", tagged},
		{"VXLAN", "vxlan 100", decodetest.InVXLAN(100, plain)},
		{"GRE", "gre 0x0000002a", decodetest.InGRE(42, plain)},
		{"VXLAN over 802.1Q", "vxlan 7 vlan 10", decodetest.InVXLAN(7, tagged)},
	} {
		v := engine.PacketView{Seq: 1, Link: decode.LinkEthernet, Data: c.frame, WireLen: len(c.frame)}
		var f rowFormatter
		r := f.format(&v, v.Time)
		if r.src != "10.0.0.1:40000" || r.dst != "10.0.0.2:80" || r.proto != "TCP" ||
			!strings.HasPrefix(r.info, c.path+" [P.] seq=") {
			t.Errorf("%s: src %q dst %q proto %q info %q, want 10.0.0.1:40000 10.0.0.2:80 TCP %q…", c.name, r.src, r.dst, r.proto, r.info, c.path+" [P.] seq=")
		}
	}
}
