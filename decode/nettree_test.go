package decode

import (
	"encoding/hex"
	"slices"
	"strings"
	"testing"
)

// TestTreeRecordedLengthBelowCaptured: a record that claims fewer bytes
// on the wire than it holds is decoded whole, and the frame node says
// what the file claimed.
func TestTreeRecordedLengthBelowCaptured(t *testing.T) {
	frame := make([]byte, 60)
	var p Packet
	Decode(LinkEthernet, frame, 42, &p)
	if p.WireLen != 60 {
		t.Errorf("WireLen %d, want the 60 captured", p.WireLen)
	}
	i := slices.IndexFunc(p.Tree(), func(n Node) bool { return n.Label == "Recorded length" })
	if i < 0 || !strings.HasPrefix(p.Tree()[i].Value, "42 bytes") {
		t.Errorf("frame node does not say the file recorded 42 bytes: %+v", p.Tree()[:2])
	}
	Decode(LinkEthernet, frame, 1500, &p)
	if slices.ContainsFunc(p.Tree(), func(n Node) bool { return n.Label == "Recorded length" }) {
		t.Error("a record truncated by the snap length says its recorded length is short")
	}
}

// TestTreeICMPBeforeQuotedHeader: an ICMP error's tree lists the ICMP
// header before the IP and UDP headers it quotes, as Wireshark nests
// them, not the quoted IP header between the outer one and ICMP.
func TestTreeICMPBeforeQuotedHeader(t *testing.T) {
	// Ethernet, IPv4 10.0.0.2 → 10.0.0.1 proto 1, ICMP port unreachable
	// quoting IPv4 10.0.0.1 → 10.0.0.2 proto 17 and UDP 40000 → 53.
	frame, err := hex.DecodeString("" +
		"020000000001" + "020000000002" + "0800" +
		"45000038000100004001" + "0000" + "0a000002" + "0a000001" +
		"0303" + "0000" + "00000000" +
		"4500001c000200004011" + "0000" + "0a000001" + "0a000002" +
		"9c400035" + "0008" + "0000")
	if err != nil {
		t.Fatal(err)
	}
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	var layers []string
	for _, n := range p.Tree() {
		if n.Depth == 0 {
			layers = append(layers, n.Label)
		}
	}
	want := []string{"Internet Protocol version 4", "Internet Control Message Protocol", "Quoted IPv4", "Quoted User Datagram Protocol"}
	i := slices.Index(layers, want[0])
	if i < 0 || len(layers) < i+len(want) || !slices.Equal(layers[i:i+len(want)], want) {
		t.Errorf("layers %q, want %q in that order", layers, want)
	}
}
