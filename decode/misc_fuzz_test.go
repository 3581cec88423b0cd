package decode

import (
	"os"
	"path/filepath"
	"testing"
)

// miscSeeds adds the payloads of the corpus captures' frames that keep
// selects, and the given built ones. Without the corpus the fuzz target
// still runs on the built seeds.
func miscSeeds(f *testing.F, captures []string, keep func(p *Packet) bool, built ...[]byte) {
	for _, b := range built {
		f.Add(b)
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if err != nil {
		return
	}
	if _, err := os.Stat(dir); err != nil {
		return
	}
	var p Packet
	for _, c := range captures {
		for _, fr := range readCapture(f, filepath.Join(dir, c)) {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			if p.Payload.Len > 0 && keep(&p) {
				f.Add(append([]byte(nil), p.PayloadBytes()...))
			}
		}
	}
}

// checkRanges fails when r lies outside [off, end).
func checkRanges(t *testing.T, off, end int, rs ...Range) {
	t.Helper()
	for _, r := range rs {
		if r.Len == 0 {
			continue
		}
		if r.Off < off || r.Len < 0 || r.End() > end {
			t.Fatalf("range %+v outside [%d, %d)", r, off, end)
		}
	}
}

// fuzzOff places the message at a non-zero offset, as in a frame.
const fuzzOff = 3

func frameOf(data []byte) []byte { return append(make([]byte, fuzzOff), data...) }

func onUDPPort(ports ...uint16) func(p *Packet) bool {
	return func(p *Packet) bool {
		for _, port := range ports {
			if p.Has(LayerUDP) && (p.UDP.SrcPort == port || p.UDP.DstPort == port) {
				return true
			}
		}
		return false
	}
}

func onTCPPort(ports ...uint16) func(p *Packet) bool {
	return func(p *Packet) bool {
		for _, port := range ports {
			if p.Has(LayerTCP) && (p.TCP.SrcPort == port || p.TCP.DstPort == port) {
				return true
			}
		}
		return false
	}
}

func FuzzDHCP(f *testing.F) {
	miscSeeds(f, []string{"ndpi/pcap/android.pcap", "app/pcap/dhcp-fuzz.pcapng", "app/pcap/signal.pcap", "ndpi/pcap/gnutella.pcap"},
		onUDPPort(67, 68), dhcpMessage(dhcpDiscoverOpts()), dhcpMessage(dhcpOverloadOpts()))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := frameOf(data)
		var d DHCP
		if !d.parse(b, fuzzOff, len(b)) {
			return
		}
		checkRanges(t, fuzzOff, len(b), d.CHAddr, d.SName, d.File)
		for _, o := range d.Opts[:d.NumOpts] {
			checkRanges(t, fuzzOff, len(b), o.Value)
		}
		var m MiscApp
		m.Kind, m.Found, m.DHCP = MiscDHCP, true, d
		var buf []byte
		for i := range MiscFields {
			for occ := 0; occ < 300; occ++ {
				var ok bool
				if buf, ok = MiscFields[i].Occurrence(&m, b, buf[:0], occ); !ok {
					break
				}
			}
		}
	})
}

func FuzzSIP(f *testing.F) {
	miscSeeds(f, []string{"ndpi/pcap/sip.pcap", "app/pcap/sip_hello.pcapng"}, onUDPPort(5060),
		[]byte("INVITE sip:a@b SIP/2.0\r\n"), []byte("SIP/2.0 200 OK\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := frameOf(data)
		var s SIP
		if s.parse(b, fuzzOff, len(b)) {
			checkRanges(t, fuzzOff, len(b), s.Method, s.URI, s.Code, s.Phrase, s.Line)
		}
	})
}

func FuzzText(f *testing.F) {
	miscSeeds(f, []string{"ndpi/pcap/smtp.pcap", "ndpi/pcap/ftp.pcap", "ndpi/pcap/pop3.pcap", "ndpi/pcap/imap.pcap"},
		onTCPPort(25, 21, 110, 143), []byte("a1 UID FETCH 1 (FLAGS)\r\n"), []byte("250-a\r\n250 b\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := frameOf(data)
		var st TextState
		for _, tp := range []TextProto{TextSMTP, TextFTP, TextPOP, TextIMAP} {
			for _, req := range []bool{true, false} {
				var c CmdLines
				c.parse(tp, req, b, fuzzOff, len(b), &st)
				if c.N > MaxCmdLines {
					t.Fatalf("%d lines kept, bound %d", c.N, MaxCmdLines)
				}
				for _, l := range c.Lines[:c.N] {
					checkRanges(t, fuzzOff, len(b), l.Line, l.Tag, l.UID, l.Cmd, l.Arg)
				}
			}
		}
	})
}

func FuzzSSHNTP(f *testing.F) {
	miscSeeds(f, []string{"ndpi/pcap/ssh.pcap", "ndpi/pcap/NTPv4.pcap"}, func(p *Packet) bool {
		return onTCPPort(22)(p) || onUDPPort(123)(p)
	}, []byte("SSH-2.0-x\r\n"), make([]byte, 48))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := frameOf(data)
		var s SSH
		if s.parse(b, fuzzOff, len(b)) {
			checkRanges(t, fuzzOff, len(b), s.Protocol)
		}
		var n NTP
		n.parse(b, fuzzOff, len(b))
	})
}
