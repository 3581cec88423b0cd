package engine

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/patterns"
)

// unhex decodes a hex dump with spaces, as tcpdump -x prints it.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// probeByName returns the registry's probe for name, the UDP one unless
// name ends in "/tcp".
func probeByName(t *testing.T, name string) *probe {
	t.Helper()
	l4 := uint8(17)
	if n, ok := strings.CutSuffix(name, "/tcp"); ok {
		name, l4 = n, 6
	}
	for i := range probes {
		if probes[i].pattern.Name == name && (probes[i].l4 == l4 || !hasProbe(name, l4)) {
			return &probes[i]
		}
	}
	t.Fatalf("no probe %q", name)
	return nil
}

// hasProbe reports whether the registry has a probe name for l4.
func hasProbe(name string, l4 uint8) bool {
	for i := range probes {
		if probes[i].pattern.Name == name && probes[i].l4 == l4 {
			return true
		}
	}
	return false
}

// TestREADMEListsProbes checks that the README's classification section
// names every structural classifier.
func TestREADMEListsProbes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, _ := strings.Cut(string(data), "### Patterns and structural classifiers")
	sec, _, _ = strings.Cut(sec, "\n### ")
	for _, name := range ProbeNames() {
		if !strings.Contains(sec, "`"+name+"`") {
			t.Errorf("README's classifier list lacks the probe %s", name)
		}
	}
}

// runProbe feeds packets to one probe as the classifier would and
// returns its last answer.
func runProbe(p *probe, pkts ...[]byte) probeResult {
	var st probeState
	r := probeMaybe
	for _, pk := range pkts {
		if r = p.match(pk, &st); r != probeMaybe {
			return r
		}
	}
	return r
}

// TestProbesPositive checks each probe on packets transcribed from the
// corpora (../shared/corpus/ndpi and app: tcpdump -x of the flows nDPI
// names) or built to the protocol's specification where noted.
func TestProbesPositive(t *testing.T) {
	pad := func(b []byte, n int) []byte { return append(b, make([]byte, n-len(b))...) }
	dhcp := pad(unhex(t, "0101 0600 a678 4b7d 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0800 27e6 e559"), 236)
	dhcp = append(dhcp, unhex(t, "6382 5363 3501 03ff")...)
	rtp := func(seq byte) []byte {
		return unhex(t, "8000 00"+hex.EncodeToString([]byte{seq})+" 0000 0000 dead beef 0102 0304")
	}
	for _, c := range []struct {
		probe string
		pkts  [][]byte
	}{
		// quic_q46.pcap: a gQUIC Q046 long header.
		{"quic", [][]byte{pad(unhex(t, "c351 3034 3650 eacf e6e7 06df 272d 0000 0004 60da"), 1350)}},
		// An RFC 9000 v1 Initial: DCID 8, SCID 0, token 0, length 2.
		{"quic", [][]byte{unhex(t, "c000 0000 0108 0102 0304 0506 0708 0000 02aa bb")}},
		// quic_interop_V.pcapng: version 0x0a0a0a0a forcing negotiation.
		{"quic", [][]byte{pad(unhex(t, "c60a 0a0a 0a08 c18e f59e f8c3 c544 00"), 1232)}},
		// An RFC 8489 Binding request, no attributes.
		{"stun", [][]byte{unhex(t, "0001 0000 2112 a442 0102 0304 0506 0708 090a 0b0c")}},
		// dtls_old_version.pcapng: OpenSSL's 0x0100 ClientHello record.
		{"dtls", [][]byte{unhex(t, "16 0100 0000 0000 0000 0000 000e 01 000002 0000 000000 000002 feff")}},
		// gnutella.pcap's first DHCP request, cut to the cookie.
		{"dhcp", [][]byte{dhcp}},
		// An NBNS name query for "*" (RFC 1002 §4.2.12).
		{"nbns", [][]byte{unhex(t, "8001 0010 0001 0000 0000 0000 20"+hex.EncodeToString([]byte("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))+"00 0020 0001")}},
		// An SNMPv1 GetRequest, community "public".
		{"snmp", [][]byte{unhex(t, "3018 0201 0004 0670 7562 6c69 63a0 0b02 0101 0201 0002 0100 3000")}},
		// A TFTP read request, and a first DATA block on the reply's ports.
		{"tftp", [][]byte{append(unhex(t, "0001"), []byte("file.bin\x00octet\x00")...)}},
		{"tftp", [][]byte{append(unhex(t, "0003 0001"), bytes.Repeat([]byte{7}, 512)...)}},
		// A WireGuard handshake initiation (148 bytes).
		{"wireguard", [][]byte{pad([]byte{1}, 148)}},
		// openvpn-tlscrypt.pcap: client hard reset v3, then a server reset.
		{"openvpn", [][]byte{pad(unhex(t, "50aa e065 1239 2a3d 710a 0100 0162 5a9e"), 353), pad(unhex(t, "4011 2233 4455 6677 8800 0000 0000 00"), 60)}},
		// gnutella.pcap: a GND fragment and a 23-byte-header descriptor.
		{"gnutella", [][]byte{unhex(t, "474e 4410 3e8f 0101 540b 514b 5250 0652 4e41 5d2f e235 0970")}},
		{"gnutella", [][]byte{append(unhex(t, "1685 3102 e2bb b5b3 6735 2fbc a01e 4419 4400 0005 0000 00"), "GTKG!"...)}},
		// oicq.pcap: a QQ login packet.
		{"qq", [][]byte{unhex(t, "023b 0b00 0100 1756 1f0c 7b00 0000 0000 0000 030c 949f b351 0c59 cbd5 27d1 9e69 5348 2ec8 7708 0103 0e47 03")}},
		// Three RTP packets of one SSRC in sequence, after a keepalive
		// (rtp.pcapng's flows start so).
		{"rtp", [][]byte{unhex(t, "0100 0000 0000 0000 0000 0000 0000 011c"), rtp(1), rtp(2), rtp(3)}},
		// stun.pcap: STUN over TCP, a Binding request with the cookie.
		{"stun/tcp", [][]byte{unhex(t, "0001 0008 2112 a442 0102 0304 0506 0708 090a 0b0c 8028 0004 1234 5678")}},
		// stun.pcap: ICE-TCP, the same framed by its length (RFC 4571).
		{"stun/tcp", [][]byte{unhex(t, "0014 0001 0000 2112 a442 0102 0304 0506 0708 090a 0b0c")}},
		// h323.pcap: RAS from 17.2.0.124 and a Q.931 SETUP over TPKT.
		{"h323", [][]byte{unhex(t, "0220 0000 0600 0891 4a00 0400 1102 007c 07f2 2200")}},
		{"h323/tcp", [][]byte{unhex(t, "0300 00a0 0802 77f4 0504 0380 90a5")}},
		// dns-invalid-chars.pcap: a query whose name has control bytes.
		{"dns", [][]byte{unhex(t, "9f6c 0100 0001 0000 0000 0000 0377 7777 1761 6c6c 796f 7572 6261 0405 0661 7265 6265 6c6f 6e67 746f 0263 6e00 0001 0001")}},
		// edonkey.pcap: the hello's start (protocol, length 119, opcode).
		{"edonkey", [][]byte{append(unhex(t, "e377 0000 0001"), make([]byte, 118)...)}},
		// radmin3.pcapng: the client's first request.
		{"radmin", [][]byte{unhex(t, "0100 0000 0100 0000 0808")}},
	} {
		if r := runProbe(probeByName(t, c.probe), c.pkts...); r != probeYes && r != probeLikely {
			t.Errorf("%s: sample not recognised (%d)", c.probe, r)
		}
	}
}

// TestProbesNegative feeds every probe random datagrams and other
// protocols' first packets (the same ports carry them) and counts false
// matches.
func TestProbesNegative(t *testing.T) {
	others := map[string][]byte{
		"dns query":  unhex(t, "1234 0100 0001 0000 0000 0000 0765 7861 6d70 6c65 0363 6f6d 0000 0100 01"),
		"ntp client": append([]byte{0x23}, make([]byte, 47)...),
		"tls hello":  unhex(t, "1603 0100 2e01 0000 2a03 03"),
		"http":       []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"ssdp":       []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n"),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const randoms = 20000
	for i := range probes {
		p := &probes[i]
		for name, pk := range others {
			if strings.HasPrefix(name, p.pattern.Name+" ") {
				continue
			}
			if r := runProbe(p, pk, pk, pk); r == probeYes || r == probeLikely {
				t.Errorf("%s claims a %s packet", p.pattern.Name, name)
			}
		}
		claimed := 0
		for range randoms {
			n := 1 + rng.IntN(1400)
			pk := make([]byte, n)
			for j := range pk {
				pk[j] = byte(rng.Uint32())
			}
			if r := runProbe(p, pk); r == probeYes || r == probeLikely {
				claimed++
			}
		}
		// One in a thousand random datagrams is already more than a
		// structural check should let through.
		if claimed > randoms/1000 {
			t.Errorf("%s claims %d of %d random datagrams", p.pattern.Name, claimed, randoms)
		}
	}
}

// TestFlowEndingEarlyIsUnknown checks the final verdict of a flow that
// ends (here: the end of the capture, which ends every flow) at its 3rd
// packet, before the packet limit: unknown, counted, never classifying.
func TestFlowEndingEarlyIsUnknown(t *testing.T) {
	set := patternSet(t, patterns.Options{}, map[string]string{"abc": "^abc"})
	e := &Engine{cfg: Config{MaxPackets: 10, MaxFlows: 64, Timeouts: DefaultTimeouts}, nshards: 1}
	e.patterns.Store(set)
	s := newShard(e, 0)
	processFrames(s,
		tcpFrame(t, "10.0.0.1", "10.0.0.2", 4100, 7000, "S", nil),
		tcpFrame(t, "10.0.0.2", "10.0.0.1", 7000, 4100, "SA", nil),
		tcpFrame(t, "10.0.0.1", "10.0.0.2", 4100, 7000, "PA", []byte("ab")), // half a match
	)
	if live := s.flows(); len(live) != 1 || live[0].App != AppClassifying {
		t.Fatalf("live flow %+v, want classifying", live)
	}
	s.endCapture()
	ended := s.flows()
	if len(ended) != 1 || ended[0].App != AppUnknown || !ended[0].Ended {
		t.Errorf("ended flow %+v, want unknown", ended)
	}
	if s.undecided != 1 || s.apps.byName[AppUnknown] == nil || s.apps.byName[AppUnknown].Flows != 1 {
		t.Errorf("undecided %d, unknown counter %+v; want 1 flow each", s.undecided, s.apps.byName[AppUnknown])
	}
}

// processFrames runs frames through a shard's per-packet step, 1 ms
// apart.
func processFrames(s *shard, frames ...[]byte) {
	b := newBatch()
	b.reset(0)
	var p decode.Packet
	t0 := time.Unix(1_700_000_000, 0)
	for i, f := range frames {
		decode.Decode(decode.LinkEthernet, f, len(f), &p)
		b.add(uint64(i+1), t0.Add(time.Duration(i)*time.Millisecond).UnixNano(), decode.LinkEthernet, f, len(f), &p, p.Flow.Hash())
	}
	s.process(b)
}

// TestProbesThroughClassifier runs probes inside the classifier's policy
// with the default patterns: a multi-packet probe (RTP) still decides
// after the pattern stream has given up on the first packet, and STUN
// followed by DTLS is DTLS, STUN alone stun when the flow ends.
func TestProbesThroughClassifier(t *testing.T) {
	set, errs := patterns.Default()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rtp := func(seq byte) []byte {
		return unhex(t, "8000 00"+hex.EncodeToString([]byte{seq})+" 0000 0000 dead beef 0102 0304")
	}
	stun := unhex(t, "0001 0000 2112 a442 0102 0304 0506 0708 090a 0b0c")
	dtls := unhex(t, "16 fefd 0000 0000 0000 0000 000e 01 000002 0000 000000 000002 fefd")
	for _, c := range []struct {
		name string
		pkts [][]byte
		want string
	}{
		{"rtp", [][]byte{rtp(7), rtp(8), rtp(9)}, "rtp"},
		{"stun then dtls", [][]byte{stun, stun, dtls}, "dtls"},
		{"stun alone", [][]byte{stun, stun}, "stun"},
	} {
		var cl classifier
		var pool classPool
		cl.start(0, true)
		for _, p := range c.pkts {
			cl.packet(p, 10, set, probesFor(17, set), &pool)
		}
		cl.end(&pool)
		if cl.app() != c.want {
			t.Errorf("%s: %s, want %s", c.name, cl.app(), c.want)
		}
	}
}

// TestUserPatternOverridesProbe checks that a --patterns file named like
// a probe turns the probe off, while the built-in patterns do not.
func TestUserPatternOverridesProbe(t *testing.T) {
	bit := probeBit("quic")
	user := patternSet(t, patterns.Options{}, map[string]string{"quic": "^never-on-the-wire"})
	if probesFor(17, user)&bit != 0 {
		t.Error("a user pattern named quic left the quic probe on")
	}
	if probesFor(17, user)&probeBit("stun") == 0 {
		t.Error("a user pattern named quic turned the stun probe off")
	}
	def, _ := patterns.Default()
	if def.Lookup("gnutella") == nil || probesFor(17, def)&probeBit("gnutella") == 0 {
		t.Error("the built-in gnutella pattern should leave the gnutella UDP probe on")
	}
}

// FuzzProbes feeds arbitrary payloads to every probe, in one flow's
// state: none may panic, whatever the lengths claim.
func FuzzProbes(f *testing.F) {
	f.Add([]byte{0xc0, 0, 0, 0, 1, 20})
	f.Add([]byte{0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x00, 0x04})
	f.Add([]byte{0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, p []byte) {
		var st probeState
		for i := range probes {
			probes[i].match(p, &st)
		}
	})
}
