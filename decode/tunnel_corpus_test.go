package decode

import "testing"

// tunnelKnownDifferences lists the "capture#frame field" cells of the
// tunnel corpus where l7sniff deliberately differs from tshark, with the
// reason. Keep it short; today it is empty.
var tunnelKnownDifferences = map[string]string{}

// appendAll appends every occurrence of f in p joined by commas, as
// tshark prints with -E occurrence=a -E aggregator=,.
func appendAll(dst []byte, f *Field, p *Packet) []byte {
	for i := 0; ; i++ {
		n := len(dst)
		if i > 0 {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = f.AppendNth(dst, p, i); !ok {
			return dst[:n]
		}
	}
}

// TestTunnelCorpusAgainstTshark decodes every capture of the tunnel corpus
// (PPPoE, PPP, Cisco HDLC, GRE, ERSPAN, VXLAN, Geneve, MPLS over UDP,
// IPsec) and compares every occurrence of every field, outer headers
// first, with tshark's truth.
func TestTunnelCorpusAgainstTshark(t *testing.T) {
	compareCorpus(t, "tunnel", tunnelKnownDifferences, func(p *Packet, column string) (string, bool) {
		f, ok := LookupField(column)
		if !ok {
			t.Errorf("truth column %s: no such field", column)
			return "", false
		}
		return string(appendAll(nil, f, p)), true
	})
}
