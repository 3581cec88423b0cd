package decode

import (
	"path/filepath"
	"testing"

	"l7sniff/internal/corpustest"
)

// TestAppendAllMatchesOccurrences checks AppendAll, the one-pass writer
// of -E occurrence=a, against occurrences asked for one by one
// (AppendNth, which the tshark corpus tests hold to tshark's truth): every
// field on every frame of the decode, tunnel, USB and application corpora.
func TestAppendAllMatchesOccurrences(t *testing.T) {
	var caps []string
	for _, sub := range []string{"decode", "tunnel", "usb", "app"} {
		c, _ := filepath.Glob(filepath.Join(corpustest.Dir(t, sub), "pcap", "*"))
		if len(c) == 0 {
			t.Fatalf("no captures in corpus %s", sub)
		}
		caps = append(caps, c...)
	}
	fields := AllFields()
	var p Packet
	var got, want []byte
	cells, present, failures := 0, 0, 0
	for _, c := range caps {
		var state USBState
		for i, fr := range readCapture(t, c) {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			p.Number = i + 1
			state.Track(&p)
			for _, f := range fields {
				var ok bool
				got, ok = f.AppendAll(got[:0], &p, ',')
				want = appendAll(want[:0], f, &p)
				cells++
				if len(want) > 0 {
					present++
				}
				if string(got) != string(want) || ok != (len(want) > 0) {
					failures++
					if failures <= 20 {
						t.Errorf("%s#%d %s: AppendAll %q (%v), occurrences one by one %q",
							filepath.Base(c), i+1, f.Name, got, ok, want)
					}
				}
			}
		}
	}
	t.Logf("%d captures, %d field cells (%d present), %d disagree", len(caps), cells, present, failures)
}

// TestFieldApplication checks which fields say they need the application
// layer decoded: the dissectors' do, the lower layers' do not.
func TestFieldApplication(t *testing.T) {
	for name, want := range map[string]bool{
		"dns.qry.name": true, "http.host": true, "tls.handshake.extensions_server_name": true,
		"ssh.protocol": true, "ip.src": false, "tcp.flags": false, "frame.len": false,
		"vxlan.vni": false, "usb.urb_type": false,
	} {
		f, ok := LookupField(name)
		if !ok {
			t.Errorf("%s: no such field", name)
			continue
		}
		if got := f.Application(); got != want {
			t.Errorf("%s: Application() = %v, want %v", name, got, want)
		}
	}
}

// TestAppendText checks text values against tshark's format_text: runs
// of printable ASCII as they are, the rest escaped byte by byte.
func TestAppendText(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"USER bob\r\n":    `USER bob\r\n`,
		"\x00a\tb\xff":    `\000a\tb\377`,
		"\x7f":            `\177`,
		"220 ready\x01ok": `220 ready\001ok`,
	} {
		if got := string(appendText([]byte(">"), []byte(in))); got != ">"+want {
			t.Errorf("appendText(%q) = %q, want %q", in, got, ">"+want)
		}
	}
}
