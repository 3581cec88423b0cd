package decode

import (
	"fmt"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// all returns every occurrence of the named field, comma-joined.
func all(t *testing.T, p *Packet, name string) string {
	t.Helper()
	f, ok := LookupField(name)
	if !ok {
		t.Fatalf("no field %s", name)
	}
	return string(appendAll(nil, f, p))
}

func checkFields(t *testing.T, p *Packet, want map[string]string) {
	t.Helper()
	for name, v := range want {
		if got := all(t, p, name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
}

// hex is a test frame written as hex digits, spaces ignored.
func hexFrame(t *testing.T, s string) []byte {
	t.Helper()
	s = strings.ReplaceAll(s, " ", "")
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | byte(c-'0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | byte(c-'a'+10)
			default:
				t.Fatalf("bad hex %q", s)
			}
		}
		b[i] = v
	}
	return b
}

// TestTunnelsBuilt pins the decode of tunnels the corpus lacks (GTP-U,
// Geneve options, VXLAN and GRE around TCP, IP in IP of every version
// pair), built with the packet builder: every occurrence of the fields,
// outer first, the inner application data as payload, and the summary.
func TestTunnelsBuilt(t *testing.T) {
	// Ports and payloads no application dissector claims, so the
	// summaries are the transport's.
	tcp := decodetest.WithPayload(decodetest.EthIPv4TCP(54), []byte("tunnelled bytes!"))
	be.PutUint16(tcp[36:], 40001)
	udp6 := decodetest.EthIPv6UDP(12)
	be.PutUint16(udp6[54:], 50000)
	be.PutUint16(udp6[56:], 50001)
	cases := []struct {
		name    string
		frame   []byte
		fields  map[string]string
		summary string
	}{
		{"gtpu", decodetest.InGTPU(0x1234abcd, tcp), map[string]string{
			"gtp.teid": "0x1234abcd", "gtp.message": "0xff", "ip.src": "192.0.2.1,10.0.0.1",
			"ip.proto": "17,6", "udp.dstport": "2152", "tcp.dstport": "40001", "tcp.len": "16", "eth.type": "0x0800",
		}, "gtp 0x1234abcd 10.0.0.1:40000 → 10.0.0.2:40001 TCP [P.] seq=1000 ack=2000 win=65535 len=16"},
		{"geneve", decodetest.InGeneve(0xabc, tcp), map[string]string{
			"geneve.vni": "0x000abc", "geneve.proto_type": "0x6558", "eth.type": "0x0800,0x0800",
			"ip.dst": "192.0.2.2,10.0.0.2", "udp.dstport": "6081",
		}, "geneve 0x000abc 10.0.0.1:40000 → 10.0.0.2:40001 TCP [P.] seq=1000 ack=2000 win=65535 len=16"},
		{"vxlan-ipv6", decodetest.InVXLAN(42, udp6), map[string]string{
			"vxlan.vni": "42", "eth.type": "0x0800,0x86dd", "ip.src": "192.0.2.1", "ipv6.src": "2001:db8::1",
			"udp.dstport": "4789,50001", "udp.length": "90,20",
		}, "vxlan 42 [2001:db8::1]:50000 → [2001:db8::2]:50001 UDP len=12"},
		{"gre-key", decodetest.InGRE(7, tcp), map[string]string{
			"gre.flags_and_version": "0x2000", "gre.proto": "0x0800", "gre.key": "0x00000007",
			"ip.src": "192.0.2.1,10.0.0.1", "ip.proto": "47,6", "tcp.srcport": "40000",
		}, "gre 0x00000007 10.0.0.1:40000 → 10.0.0.2:40001 TCP [P.] seq=1000 ack=2000 win=65535 len=16"},
		{"4in4", decodetest.InIP(false, tcp), map[string]string{"ip.src": "192.0.2.1,10.0.0.1", "ip.proto": "4,6"},
			"ipip 10.0.0.1:40000 → 10.0.0.2:40001 TCP [P.] seq=1000 ack=2000 win=65535 len=16"},
		{"6in4", decodetest.InIP(false, udp6), map[string]string{"ip.src": "192.0.2.1", "ip.proto": "41", "ipv6.nxt": "17", "udp.srcport": "50000"},
			"ipip [2001:db8::1]:50000 → [2001:db8::2]:50001 UDP len=12"},
		{"4in6", decodetest.InIP(true, tcp), map[string]string{"ipv6.nxt": "4", "ip.src": "10.0.0.1", "tcp.dstport": "40001"},
			"ipip 10.0.0.1:40000 → 10.0.0.2:40001 TCP [P.] seq=1000 ack=2000 win=65535 len=16"},
		{"6in6", decodetest.InIP(true, udp6), map[string]string{"ipv6.nxt": "41,17", "ipv6.src": "2001:db8::1,2001:db8::1"},
			"ipip [2001:db8::1]:50000 → [2001:db8::2]:50001 UDP len=12"},
	}
	var p Packet
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			Decode(LinkEthernet, c.frame, len(c.frame), &p)
			if !p.Problem.OK() {
				t.Errorf("problem: %v", p.Problem)
			}
			checkFields(t, &p, c.fields)
			if got := string(p.AppendSummary(nil)); got != c.summary {
				t.Errorf("summary %q\n      want %q", got, c.summary)
			}
			if p.NumEncap != 1 {
				t.Errorf("%d levels of encapsulation, want 1", p.NumEncap)
			}
			// The classifier sees the inner application data.
			inner := c.frame[len(c.frame)-p.Payload.Len:]
			if got := string(p.PayloadBytes()); got != string(inner) || p.Payload.Len == 0 {
				t.Errorf("payload %q, want the inner %q", got, inner)
			}
			p.Tree() // must not panic; its content is checked in TestTunnelTree
		})
	}
}

// TestTunnelFlowKey checks that a tunnelled packet's flow is its inner
// conversation, in both directions, separated by tunnel identity and VLAN.
func TestTunnelFlowKey(t *testing.T) {
	tcp := decodetest.EthIPv4TCP(60)
	key := func(frame []byte) FlowKey {
		var p Packet
		Decode(LinkEthernet, frame, len(frame), &p)
		return p.Flow
	}
	plain, v1, v2 := key(tcp), key(decodetest.InVXLAN(1, tcp)), key(decodetest.InVXLAN(2, tcp))
	if v1.A != plain.A || v1.PortB != plain.PortB || v1.Proto != protoTCP {
		t.Errorf("VXLAN flow %+v is not the inner conversation %+v", v1, plain)
	}
	if v1 == v2 || v1 == plain {
		t.Errorf("VNI 1 and 2 and no tunnel must be three flows: %+v %+v %+v", v1, v2, plain)
	}
	if v1.Tunnel != (TunnelID{LayerVXLAN, 1}) {
		t.Errorf("tunnel id %+v", v1.Tunnel)
	}
	g := key(decodetest.InGRE(9, tcp))
	if g.Tunnel != (TunnelID{LayerGRE, 9}) || g.A != plain.A {
		t.Errorf("GRE flow %+v", g)
	}
	if u := key(decodetest.InGTPU(5, tcp)); u.Tunnel != (TunnelID{LayerGTP, 5}) {
		t.Errorf("GTP flow %+v", u)
	}
	// The reply direction keys the same flow.
	rev := append([]byte(nil), tcp...)
	copy(rev[26:30], tcp[30:34])
	copy(rev[30:34], tcp[26:30])
	copy(rev[34:36], tcp[36:38])
	copy(rev[36:38], tcp[34:36])
	if r := key(decodetest.InVXLAN(1, rev)); r != v1 {
		t.Errorf("reply %+v, request %+v", r, v1)
	}
	// 802.1Q: the same conversation on two VLANs is two flows.
	tagged := func(id byte) []byte {
		return append(append(append([]byte(nil), tcp[:12]...), 0x81, 0x00, 0x00, id), tcp[12:]...)
	}
	a, b := key(tagged(10)), key(tagged(20))
	if a.VLAN != 10 || b.VLAN != 20 || a == b {
		t.Errorf("VLAN 10 %+v, VLAN 20 %+v", a, b)
	}
	if a.Hash() == b.Hash() || v1.Hash() == v2.Hash() {
		t.Error("the hash ignores VLAN or tunnel id")
	}
}

// TestTunnelDepth nests VXLAN deeper than MaxEncap: decoding stops at
// the bound with a TooDeep problem and the rest is payload.
func TestTunnelDepth(t *testing.T) {
	frame := decodetest.EthIPv4TCP(60)
	for i := 0; i <= MaxEncap; i++ {
		frame = decodetest.InVXLAN(uint32(i), frame)
	}
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	if p.NumEncap != MaxEncap || p.Problem.Kind != TooDeep || p.Problem.Layer != LayerVXLAN {
		t.Fatalf("%d levels, problem %v", p.NumEncap, p.Problem)
	}
	if got, want := p.Problem.String(), "VXLAN nested deeper than 4 encapsulations"; got != want {
		t.Errorf("problem %q, want %q", got, want)
	}
	if got := all(t, &p, "vxlan.vni"); got != "4,3,2,1,0" {
		t.Errorf("vxlan.vni %q", got)
	}
	if p.Has(LayerTCP) || p.Payload.Len == 0 {
		t.Errorf("the level past the bound must stay payload: %v", p.Layers)
	}
}

// TestIPsec checks AH (the protected TCP is decoded) and ESP (the
// encrypted rest is payload, not a problem).
func TestIPsec(t *testing.T) {
	tcp := decodetest.EthIPv4TCP(54)
	ah := hexFrame(t, "06 04 0000 00000100 0000002a 0102030405060708090a0b0c")
	frame := append(append(append([]byte(nil), tcp[:34]...), ah...), tcp[34:]...)
	frame[23] = protoAH
	fixIPv4Len(frame)
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	checkFields(t, &p, map[string]string{"ah.spi": "0x00000100", "ah.sequence": "42", "ah.next_header": "6", "ip.proto": "51", "tcp.dstport": "80"})
	if !p.Problem.OK() || p.Flow.Proto != protoTCP || p.Flow.PortB != 80 {
		t.Errorf("problem %v flow %+v", p.Problem, p.Flow)
	}
	esp := append(append([]byte(nil), tcp[:34]...), hexFrame(t, "12345678 00000003 deadbeefdeadbeef")...)
	esp[23] = protoESP
	fixIPv4Len(esp)
	Decode(LinkEthernet, esp, len(esp), &p)
	checkFields(t, &p, map[string]string{"esp.spi": "0x12345678", "esp.sequence": "3"})
	if !p.Problem.OK() || p.Payload.Len != 8 {
		t.Errorf("problem %v payload %v", p.Problem, p.Payload)
	}
	if got := string(p.AppendSummary(nil)); got != "10.0.0.1 → 10.0.0.2 ESP spi=0x12345678 seq=3" {
		t.Errorf("summary %q", got)
	}
}

// TestSerialLinks checks PPPoE session, PPP (link type 9, with and without
// HDLC address and control) and Cisco HDLC carrying IPv4.
func TestSerialLinks(t *testing.T) {
	ip := decodetest.EthIPv4TCP(54)[14:]
	pppoe := append(hexFrame(t, "020000000001 02000000000a 8864 1100 0007 0016 0021"), ip...)
	cases := []struct {
		name  string
		link  LinkType
		frame []byte
		want  map[string]string
	}{
		{"pppoe", LinkEthernet, pppoe, map[string]string{"eth.type": "0x8864", "pppoe.code": "0x00", "pppoe.session_id": "0x0007", "ppp.protocol": "0x0021", "ip.src": "10.0.0.1", "tcp.dstport": "80"}},
		{"ppp-hdlc", LinkPPP, append(hexFrame(t, "ff03 0021"), ip...), map[string]string{"ppp.protocol": "0x0021", "ip.dst": "10.0.0.2"}},
		{"ppp-compressed", LinkPPPSerial, append(hexFrame(t, "21"), ip...), map[string]string{"ppp.protocol": "0x0021", "tcp.srcport": "40000"}},
		{"chdlc", LinkCHDLC, append(hexFrame(t, "0f00 0800"), ip...), map[string]string{"chdlc.protocol": "0x0800", "ip.src": "10.0.0.1"}},
	}
	var p Packet
	for _, c := range cases {
		Decode(c.link, c.frame, len(c.frame), &p)
		if !p.Problem.OK() || p.Flow.PortB != 80 {
			t.Errorf("%s: problem %v flow %+v", c.name, p.Problem, p.Flow)
		}
		checkFields(t, &p, c.want)
	}
}

// TestTunnelTree checks that the tree lists the outer level's layers,
// the tunnel header with its fields, then the inner level's.
func TestTunnelTree(t *testing.T) {
	frame := decodetest.InGeneve(7, decodetest.EthIPv4TCP(60))
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	var layers []string
	var option bool
	for _, n := range p.Tree() {
		if n.Depth == 0 {
			layers = append(layers, n.Label)
		}
		if strings.HasPrefix(n.Label, "Option class 0x0102 type 0x80") && n.Bytes == (Range{14 + 20 + 8 + 8, 8}) {
			option = true
		}
	}
	want := "Frame|Ethernet II|Internet Protocol version 4|User Datagram Protocol|Generic Network Virtualization Encapsulation|Ethernet II|Internet Protocol version 4|Transmission Control Protocol|Data"
	if got := strings.Join(layers, "|"); got != want {
		t.Errorf("layers\n %s\nwant\n %s", got, want)
	}
	if !option {
		t.Error("the Geneve option is not in the tree with its bytes")
	}
}

// fixIPv4Len sets the total length and checksum of an Ethernet/IPv4
// frame's IP header to fit the frame.
func fixIPv4Len(frame []byte) {
	be.PutUint16(frame[16:], uint16(len(frame)-EthernetLen))
	be.PutUint16(frame[24:], 0)
	be.PutUint16(frame[24:], decodetest.Checksum(frame[14:34]))
}

// TestSLLNonEthernet checks cooked captures of non-Ethernet devices: a GRE
// tunnel device (ARPHRD_IPGRE: the peer's IPv4 address, GRE protocol
// types, 0x6558 an Ethernet frame), and the Linux pseudo protocol 3 (an
// Ethernet frame follows).
func TestSLLNonEthernet(t *testing.T) {
	eth := decodetest.EthIPv4TCP(54)
	gre := append(hexFrame(t, "0000 030a 0004 c0000201 00000000 6558"), eth...)
	pseudo := append(hexFrame(t, "0004 0001 0006 020000000001 0000 0003"), eth...)
	var p Packet
	Decode(LinkLinuxSLL, gre, len(gre), &p)
	checkFields(t, &p, map[string]string{"sll.hatype": "778", "sll.src.ipv4": "192.0.2.1", "sll.src.eth": "", "sll.src.other": "", "eth.type": "0x0800", "tcp.dstport": "80"})
	Decode(LinkLinuxSLL, pseudo, len(pseudo), &p)
	checkFields(t, &p, map[string]string{"sll.ltype": "0x0003", "sll.src.eth": "02:00:00:00:00:01", "ip.src": "10.0.0.1"})
	if p.Flow.PortB != 80 {
		t.Errorf("flow %+v", p.Flow)
	}
}

// TestGREVariants checks GRE headers beyond key-and-IPv4: ERSPAN type I
// (no header of its own), PPTP's version 1 (its key is length and call
// id, not gre.key), checksum and sequence fields, and an Ethernet
// payload (0x6558).
func TestGREVariants(t *testing.T) {
	eth := decodetest.EthIPv4TCP(54)
	gre := func(h string, inner []byte) []byte {
		g := hexFrame(t, h)
		return append(append(append(decodetest.Ethernet(0x0800), decodetest.OuterIPv4(47, len(g)+len(inner))...), g...), inner...)
	}
	cases := []struct {
		name  string
		frame []byte
		want  map[string]string
	}{
		{"erspan-I", gre("0000 88be", eth), map[string]string{"gre.proto": "0x88be", "erspan.version": "", "eth.type": "0x0800,0x0800", "ip.src": "192.0.2.1,10.0.0.1"}},
		{"teb-checksum-seq", gre("9000 6558 abcd0000 00000005", eth), map[string]string{"gre.flags_and_version": "0x9000", "gre.sequence_number": "5", "gre.key": "", "tcp.dstport": "80"}},
		{"pptp", gre("3081 880b 0004 0007 00000001 00000000 ff03 0021", eth[14:]), map[string]string{"gre.flags_and_version": "0x3081", "gre.key": "", "ppp.protocol": "0x0021", "ip.dst": "192.0.2.2,10.0.0.2"}},
	}
	var p Packet
	for _, c := range cases {
		Decode(LinkEthernet, c.frame, len(c.frame), &p)
		if !p.Problem.OK() || p.NumEncap != 1 {
			t.Errorf("%s: problem %v, %d levels", c.name, p.Problem, p.NumEncap)
		}
		checkFields(t, &p, c.want)
	}
}

// TestQuotedOccurrences checks that the IP header an ICMP error quotes is
// one more occurrence of the IP fields, after the frame's own, as tshark
// lists it; the first occurrence stays the frame's.
func TestQuotedOccurrences(t *testing.T) {
	quote := append(decodetest.IPv4(17, 8), decodetest.UDP(5000, 6000, 0)...)
	icmp := append([]byte{3, 3, 0, 0, 0, 0, 0, 0}, quote...)
	frame := append(append(decodetest.Ethernet(0x0800), decodetest.OuterIPv4(1, len(icmp))...), icmp...)
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	checkFields(t, &p, map[string]string{"ip.src": "192.0.2.1,10.0.0.1", "ip.proto": "1,17", "udp.dstport": "6000", "icmp.type": "3"})
	f, _ := LookupField("ip.src")
	if v, _ := f.Append(nil, &p); string(v) != "192.0.2.1" {
		t.Errorf("first ip.src %q", v)
	}
}

// TestGREUnopenedSummary: a GRE payload the decoder does not open (here a
// keepalive's protocol 0) is named in the summary by its protocol type.
func TestGREUnopenedSummary(t *testing.T) {
	g := hexFrame(t, "0000 0000")
	frame := append(append(decodetest.Ethernet(0x0800), decodetest.OuterIPv4(47, len(g))...), g...)
	var p Packet
	Decode(LinkEthernet, frame, len(frame), &p)
	if got, want := string(p.AppendSummary(nil)), "192.0.2.1 → 192.0.2.2 GRE proto 0x0000"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestMoreEncapsulations pins VXLAN-GPE (IPv4 next), GTP-U with an
// extension header chain, and a PPP serial link that is Cisco HDLC (as
// tshark reads a first byte of 0x0f or 0x8f).
func TestMoreEncapsulations(t *testing.T) {
	tcp := decodetest.EthIPv4TCP(54)
	ip := tcp[EthernetLen:]
	udp := func(dport uint16, payload []byte) []byte {
		return append(append(append(decodetest.Ethernet(0x0800), decodetest.OuterIPv4(17, 8+len(payload))...),
			decodetest.UDP(49152, dport, len(payload))...), payload...)
	}
	gpe := udp(4790, append(hexFrame(t, "0c000001 00002a00"), ip...))
	// Flags E|S, G-PDU, TEID 0x10; sequence 1, N-PDU 0, next extension
	// 0x85 (PDU session container, 1 word, next 0).
	gtp := udp(2152, append(hexFrame(t, fmt.Sprintf("36ff%04x 00000010 0001 00 85 01 0000 00", len(ip)+8)), ip...))
	cases := []struct {
		name  string
		link  LinkType
		frame []byte
		want  map[string]string
	}{
		{"vxlan-gpe", LinkEthernet, gpe, map[string]string{"vxlan.vni": "42", "ip.src": "192.0.2.1,10.0.0.1", "eth.type": "0x0800", "tcp.dstport": "80"}},
		{"gtpu-ext", LinkEthernet, gtp, map[string]string{"gtp.teid": "0x00000010", "ip.proto": "17,6", "tcp.dstport": "80"}},
		{"ppp-is-chdlc", LinkPPPSerial, append(hexFrame(t, "0f000800"), ip...), map[string]string{"chdlc.protocol": "0x0800", "ppp.protocol": "", "ip.src": "10.0.0.1"}},
	}
	var p Packet
	for _, c := range cases {
		Decode(c.link, c.frame, len(c.frame), &p)
		if !p.Problem.OK() || p.Flow.PortB != 80 {
			t.Errorf("%s: problem %v flow %+v", c.name, p.Problem, p.Flow)
		}
		checkFields(t, &p, c.want)
	}
}
