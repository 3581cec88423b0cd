package output

import (
	"testing"

	"l7sniff/engine"
)

// TestFieldFormatOmit checks the decision -T fields makes once at start:
// decode the application layer (and reassemble TCP for it) only when a
// field asked for is an application dissector's, number conversations
// only when tcp.stream or udp.stream is asked for.
func TestFieldFormatOmit(t *testing.T) {
	for _, c := range []struct {
		json   bool
		fields []string
		want   engine.Omit
	}{
		{false, []string{"frame.number", "ip.src", "tcp.flags", "udp.dstport"}, engine.OmitApp | engine.OmitStreams},
		{false, []string{"l7sniff.app", "l7sniff.flow", "frame.time_relative"}, engine.OmitApp | engine.OmitStreams},
		{false, []string{"ip.src", "tcp.stream"}, engine.OmitApp},
		{false, []string{"udp.stream", "dns.qry.name"}, 0},
		{false, []string{"tls.handshake.extensions_server_name"}, engine.OmitStreams},
		{true, []string{"ip.src"}, engine.OmitApp | engine.OmitStreams},
		{true, nil, 0}, // -T json with no -e prints every field
	} {
		fields, err := LookupFields(c.fields)
		if err != nil {
			t.Fatal(err)
		}
		ff := FieldFormat{Fields: fields, JSON: c.json}
		if got := ff.Omit(); got != c.want {
			t.Errorf("json=%v %v: Omit() = %b, want %b", c.json, c.fields, got, c.want)
		}
	}
}
