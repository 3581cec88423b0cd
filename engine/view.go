package engine

import (
	"net/netip"
	"strconv"
	"time"

	"l7sniff/decode"
)

// FlowView is a flow as the UI and the reports show it: a copy, safe to
// keep.
type FlowView struct {
	ID    uint64
	Key   decode.FlowKey
	Proto string // "TCP", "UDP", "ICMP", "USB BULK", ...
	// initiatorB is set when the key's endpoint B sent the flow's first
	// packet; the methods A and B format the endpoints from the key when
	// asked, so a view of a flow costs no allocation.
	initiatorB bool
	// Packets and bytes from A to B ([0]) and from B to A ([1]).
	Packets     [2]uint64
	Bytes       [2]uint64
	First, Last time.Time
	// State is the TCP state ("SYN", "established", "closed", "reset")
	// or "" for other protocols.
	State string
	// App is the verdict: protocol name, "classifying" or "unknown";
	// Pattern where the matching pattern came from (file:line).
	App     string
	Pattern string
	// PortGuess is the protocol the ports suggest; Mismatch is set when
	// a decided verdict contradicts it.
	PortGuess string
	Mismatch  bool
	// TCPFlags is the OR of all TCP flags seen; Ended that the flow left
	// the table (idle, closed or evicted).
	TCPFlags uint16
	Ended    bool
	// VLAN is the outermost VLAN id of the flow's first packet (0: none).
	VLAN uint16
	// Identity: what the flow's own packets (or the DNS cache) say about
	// the name behind it. Empty until known. Host is lower case; HostSource
	// says where it came from (one of the HostSource* constants); Service
	// is the service rule that Host matches ("" when none).
	Host       string
	HostSource string
	Service    string
	// ALPNOffered is the client's ALPN list, comma-separated in the order
	// offered; ALPN the protocol the server chose.
	ALPNOffered string
	ALPN        string
	// TLSVersion is the negotiated version ("TLS 1.3", "DTLS 1.2");
	// QUICVersion the QUIC version of the flow's long headers
	// ("0x00000001").
	TLSVersion  string
	QUICVersion string
}

// Where a flow's Host came from (FlowView.HostSource).
const (
	HostSourceSNI      = "sni"       // TLS/DTLS ClientHello server_name
	HostSourceQUICSNI  = "quic-sni"  // SNI in a decrypted QUIC Initial
	HostSourceHTTPHost = "http-host" // HTTP request Host header
	HostSourceDNSQuery = "dns-query" // DNS question name (DNS flows)
	HostSourceCert     = "cert"      // first certificate's CN/SAN, no SNI
	HostSourceDNSCache = "dns-cache" // an earlier DNS answer for the server address
	// Beyond the sources above, names nDPI reports too:
	HostSourceGQUIC = "gquic-sni"  // SNI tag of a Google QUIC client hello
	HostSourceSTUN  = "stun-realm" // REALM of a STUN/TURN message
	HostSourceDHCP  = "dhcp"       // DHCP client host name (option 12)
)

// A is the endpoint that sent the flow's first packet ("10.0.0.1:443",
// "[2001:db8::1]:80", "usb 2.5.1"), formatted on each call.
func (v *FlowView) A() string { return endpoint(&v.Key, !v.initiatorB) }

// B is the other endpoint.
func (v *FlowView) B() string { return endpoint(&v.Key, v.initiatorB) }

// AppendA appends endpoint A to dst, for sorting and drawing without an
// allocation.
func (v *FlowView) AppendA(dst []byte) []byte { return appendEndpoint(dst, &v.Key, !v.initiatorB) }

// AppendB appends endpoint B to dst.
func (v *FlowView) AppendB(dst []byte) []byte { return appendEndpoint(dst, &v.Key, v.initiatorB) }

// Duration is the time between the first and last packet.
func (v *FlowView) Duration() time.Duration { return v.Last.Sub(v.First) }

// TotalPackets and TotalBytes add both directions.
func (v *FlowView) TotalPackets() uint64 { return v.Packets[0] + v.Packets[1] }

// TotalBytes adds both directions' bytes.
func (v *FlowView) TotalBytes() uint64 { return v.Bytes[0] + v.Bytes[1] }

// AppStat is what one verdict accounts for.
type AppStat struct {
	Name           string
	Flows          uint64
	Packets, Bytes uint64
}

func (f *flow) view(ended bool) FlowView {
	v := FlowView{
		ID: f.id, Key: f.key, Proto: protoName(&f.key),
		First: time.Unix(0, f.first), Last: time.Unix(0, f.last),
		App: f.class.app(), PortGuess: portNames[f.class.guess], Mismatch: f.class.mismatch(),
		TCPFlags: f.tcpFlags[0] | f.tcpFlags[1], Ended: ended, VLAN: f.vlan,
	}
	// The key orders endpoints canonically; show the initiator first.
	v.Packets, v.Bytes = f.pkts, f.bytes
	if !f.initiatorA {
		v.initiatorB = true
		v.Packets = [2]uint64{f.pkts[1], f.pkts[0]}
		v.Bytes = [2]uint64{f.bytes[1], f.bytes[0]}
	}
	if p := f.class.pattern(); p != nil {
		// The shard interned the location when the flow was decided;
		// sharing it saves a string per flow in the ended list.
		if w := f.cell.interned(); w != "" {
			v.Pattern = w
		} else {
			v.Pattern = patternWhere(p)
		}
	}
	if f.key.IsIP(decode.IPProtoTCP) {
		v.State = tcpState(f.tcp)
	}
	f.ident.fill(&v)
	return v
}

func tcpState(s uint8) string {
	switch {
	case s&tcpRst != 0:
		return "reset"
	case s&(tcpFinA|tcpFinB) == tcpFinA|tcpFinB:
		return "closed"
	case s&(tcpFinA|tcpFinB) != 0:
		return "closing"
	case s&tcpSynAckSeen != 0:
		return "established"
	case s&tcpSynSeen != 0:
		return "SYN"
	}
	return "midstream"
}

// usbProtoNames name the USB transfer types, indexed by
// FlowKey.USBTransfer&3.
var usbProtoNames = [...]string{"USB ISO", "USB INT", "USB CTRL", "USB BULK"}

func protoName(k *decode.FlowKey) string {
	if t, ok := k.USBTransfer(); ok {
		return usbProtoNames[t&3]
	}
	proto, _ := k.IPProto()
	switch proto {
	case decode.IPProtoTCP:
		return "TCP"
	case decode.IPProtoUDP:
		return "UDP"
	case decode.IPProtoICMP:
		return "ICMP"
	case decode.IPProtoICMPv6:
		return "ICMPv6"
	}
	return "IP/" + itoa(int(proto))
}

// endpoint formats side A (a) or B of a key.
func endpoint(k *decode.FlowKey, a bool) string {
	var buf [64]byte
	return string(appendEndpoint(buf[:0], k, a))
}

// appendEndpoint appends side A (a) or B of a key to dst.
func appendEndpoint(dst []byte, k *decode.FlowKey, a bool) []byte {
	addr, port := k.B, k.PortB
	if a {
		addr, port = k.A, k.PortA
	}
	switch k.Kind {
	case decode.FlowUSB:
		if !a {
			return append(dst, "host"...)
		}
		bus, dev := int(addr[0])<<8|int(addr[1]), int(addr[2])<<8|int(addr[3])
		dst = append(dst, "usb "...)
		dst = strconv.AppendInt(dst, int64(bus), 10)
		dst = append(dst, '.')
		dst = strconv.AppendInt(dst, int64(dev), 10)
		dst = append(dst, '.')
		return strconv.AppendInt(dst, int64(port), 10)
	}
	proto, _ := k.IPProto()
	if k.Kind == decode.FlowIPv4 {
		return appendAddrPort(dst, netip.AddrFrom4([4]byte(addr[:4])), port, proto)
	}
	return appendAddrPort(dst, netip.AddrFrom16(addr), port, proto)
}

// appendAddrPort appends ip, with the port for the protocols that have
// ports.
func appendAddrPort(dst []byte, ip netip.Addr, port uint16, proto uint8) []byte {
	if proto != decode.IPProtoTCP && proto != decode.IPProtoUDP {
		return ip.AppendTo(dst)
	}
	return netip.AddrPortFrom(ip, port).AppendTo(dst)
}

func itoa(i int) string { return strconv.Itoa(i) }
