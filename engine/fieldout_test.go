package engine

import "testing"

// TestFieldFormatApplication checks the decision -T fields makes once at
// start: decode the application layer (and reassemble TCP for it) only
// when a field asked for is an application dissector's.
func TestFieldFormatApplication(t *testing.T) {
	for _, c := range []struct {
		json   bool
		fields []string
		want   bool
	}{
		{false, []string{"frame.number", "ip.src", "tcp.flags", "udp.dstport"}, false},
		{false, []string{"l7sniff.app", "l7sniff.flow", "tcp.stream", "frame.time_relative"}, false},
		{false, []string{"ip.src", "dns.qry.name"}, true},
		{false, []string{"tls.handshake.extensions_server_name"}, true},
		{true, []string{"ip.src"}, false},
		{true, nil, true}, // -T json with no -e prints every field
	} {
		ff := FieldFormat{JSON: c.json}
		for _, name := range c.fields {
			f, err := LookupField(name)
			if err != nil {
				t.Fatal(err)
			}
			ff.Fields = append(ff.Fields, f)
		}
		if got := ff.Application(); got != c.want {
			t.Errorf("json=%v %v: Application() = %v, want %v", c.json, c.fields, got, c.want)
		}
	}
}
