package decode

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
	"l7sniff/internal/corpustest"
)

// joinParts composes a summary line from its parts by the rule
// AppendSummary documents: spaces between the parts present, " → "
// between the endpoints.
func joinParts(line []byte, s *SummaryParts) string {
	var b []byte
	for part := PartPath; part < numParts; part++ {
		v := s.Of(line, part)
		switch {
		case part == PartDestination && len(v) > 0:
			b = append(b, " → "...)
		case len(v) == 0 && part != PartInfo, len(b) == 0:
		default:
			b = append(b, ' ')
		}
		b = append(b, v...)
	}
	return string(b)
}

// innermost is the last of a truth cell's occurrences (outermost first).
func innermost(cell string) string { return cell[strings.LastIndexByte(cell, ',')+1:] }

// endpointAddr is the address of a Source or Destination part:
// "10.0.0.1:80" → 10.0.0.1, "[2001:db8::1]:53" → 2001:db8::1.
func endpointAddr(ep string) string {
	if rest, ok := strings.CutPrefix(ep, "["); ok {
		addr, _, _ := strings.Cut(rest, "]")
		return addr
	}
	if strings.Count(ep, ":") == 1 {
		addr, _, _ := strings.Cut(ep, ":")
		return addr
	}
	return ep
}

// TestSummaryPartsAgainstTshark decodes every frame of the network and
// tunnel corpora and checks the parts of its summary: joined, they are
// the summary line, byte for byte; the path holds no endpoint; and, in
// the tunnel corpus, whose truth lists every occurrence of a field,
// outermost first, an IP packet's Source and Destination are the
// innermost addresses tshark lists (ip.src/ipv6.src), whatever VLAN tags
// and tunnels came before, as Wireshark's columns show them. (The network
// corpus's truth holds first occurrences only: the outer header's.) Every
// such frame counts; disagreements are printed.
func TestSummaryPartsAgainstTshark(t *testing.T) {
	agree := decodetest.Agreement{}
	var p Packet
	for _, sub := range []string{"decode", "tunnel"} {
		dir := filepath.Join(corpustest.Dir(t), sub)
		caps, _ := filepath.Glob(filepath.Join(dir, "pcap", "*"))
		if len(caps) == 0 {
			t.Fatalf("no captures in %s", dir)
		}
		for _, c := range caps {
			name := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
			header, rows := readTruth(t, filepath.Join(dir, "truth", name+".tsv"))
			col := map[string]int{}
			for i, h := range header {
				col[h] = i
			}
			cell := func(row []string, field string) string {
				if i, ok := col[field]; ok && i < len(row) {
					return row[i]
				}
				return ""
			}
			for i, fr := range readCapture(t, c) {
				Decode(fr.link, fr.data, fr.wireLen, &p)
				line, parts := p.AppendSummaryParts(nil)
				key := fmt.Sprintf("%s/%s#%d", sub, name, i+1)
				if got := joinParts(line, &parts); got != string(line) {
					t.Errorf("%s: parts join to %q, summary %q", key, got, line)
				}
				if path := parts.Of(line, PartPath); bytes.ContainsAny(path, ".:") {
					t.Errorf("%s: path %q holds an address", key, path)
				}
				if sub != "tunnel" || i >= len(rows) {
					continue
				}
				row := rows[i]
				src, dst := cell(row, "ip.src"), cell(row, "ip.dst")
				if !p.Has(LayerIPv4) {
					src, dst = cell(row, "ipv6.src"), cell(row, "ipv6.dst")
				}
				if src == "" || !(p.Has(LayerIPv4) || p.Has(LayerIPv6)) || p.Has(LayerARP) {
					continue
				}
				for _, e := range []struct {
					field string
					part  Part
					want  string
				}{{"Source", PartSource, innermost(src)}, {"Destination", PartDestination, innermost(dst)}} {
					got := endpointAddr(string(parts.Of(line, e.part)))
					agree.Add(e.field, got == e.want)
					if got != e.want {
						t.Errorf("%s: %s %q, tshark's innermost %q (summary %q)", key, e.field, got, e.want, line)
					}
				}
			}
		}
	}
	t.Log(agree.Table())
}

// TestSummaryPartsVLANAndTunnels pins the parts of tagged and tunnelled
// frames: the path has the tags and tunnels, outermost first, and the
// endpoints are the inner conversation's.
func TestSummaryPartsVLANAndTunnels(t *testing.T) {
	plain := decodetest.EthIPv4TCP(60)
	tagged := append(append(append([]byte(nil), plain[:12]...), 0x81, 0x00, 0x00, 10), plain[12:]...)
	for _, c := range []struct {
		name, path string
		frame      []byte
	}{
		{"plain", "", plain},
		{"802.1Q", "vlan 10", tagged},
		{"VXLAN", "vxlan 100", decodetest.InVXLAN(100, plain)},
		{"GRE", "gre 0x0000002a", decodetest.InGRE(42, plain)},
		{"IP in IP", "ipip", decodetest.InIP(false, plain)},
		{"VXLAN over 802.1Q", "vxlan 7 vlan 10", decodetest.InVXLAN(7, tagged)},
	} {
		var p Packet
		Decode(LinkEthernet, c.frame, len(c.frame), &p)
		line, s := p.AppendSummaryParts(nil)
		got := [numParts]string{}
		for part := range got {
			got[part] = string(s.Of(line, Part(part)))
		}
		want := [numParts]string{c.path, "10.0.0.1:40000", "10.0.0.2:80", "TCP", "[P.] seq=1000 ack=2000 win=65535 len=6"}
		if got != want {
			t.Errorf("%s: parts %q, want %q", c.name, got, want)
		}
	}
}

// TestSummaryPartsAllocs: splitting the summary into parts costs nothing
// more than the summary.
func TestSummaryPartsAllocs(t *testing.T) {
	var p Packet
	f := decodetest.InVXLAN(7, decodetest.EthIPv4TCP(60))
	Decode(LinkEthernet, f, len(f), &p)
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf, _ = p.AppendSummaryParts(buf[:0]) }); n != 0 {
		t.Errorf("AppendSummaryParts: %v allocs, want 0", n)
	}
}
