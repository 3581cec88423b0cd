package engine

import "testing"

// TestFieldFormatOmit checks the decision -T fields makes once at start:
// decode the application layer (and reassemble TCP for it) only when a
// field asked for is an application dissector's, number conversations
// only when tcp.stream or udp.stream is asked for.
func TestFieldFormatOmit(t *testing.T) {
	for _, c := range []struct {
		json   bool
		fields []string
		want   Omit
	}{
		{false, []string{"frame.number", "ip.src", "tcp.flags", "udp.dstport"}, OmitApp | OmitStreams},
		{false, []string{"l7sniff.app", "l7sniff.flow", "frame.time_relative"}, OmitApp | OmitStreams},
		{false, []string{"ip.src", "tcp.stream"}, OmitApp},
		{false, []string{"udp.stream", "dns.qry.name"}, 0},
		{false, []string{"tls.handshake.extensions_server_name"}, OmitStreams},
		{true, []string{"ip.src"}, OmitApp | OmitStreams},
		{true, nil, 0}, // -T json with no -e prints every field
	} {
		ff := FieldFormat{JSON: c.json}
		for _, name := range c.fields {
			f, err := LookupField(name)
			if err != nil {
				t.Fatal(err)
			}
			ff.Fields = append(ff.Fields, f)
		}
		if got := ff.Omit(); got != c.want {
			t.Errorf("json=%v %v: Omit() = %b, want %b", c.json, c.fields, got, c.want)
		}
	}
}
