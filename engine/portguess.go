package engine

import "l7sniff/decode"

// portNames are the protocols a port guess can name; index 0 means none.
// Names follow the l7-protocols collection so that a verdict and a guess
// compare equal when they agree.
var portNames = []string{
	"", "http", "ssl", "ssh", "dns", "smtp", "pop3", "imap", "ftp", "bittorrent",
	"rtsp", "sip", "jabber", "irc", "mysql", "postgres", "redis", "mqtt", "rdp",
	"vnc", "telnet", "smb", "ntp", "dhcp", "snmp", "ldap", "netbios", "nntp",
	"socks", "kerberos", "openvpn", "rtp", "ssdp", "mdns", "stun", "syslog", "tftp",
	"whois", "x11", "finger", "memcached", "mongodb", "amqp", "xmpp-server", "quic",
}

// guessIndex maps a name to its index in portNames.
var guessIndex = func() map[string]uint16 {
	m := make(map[string]uint16, len(portNames))
	for i, n := range portNames {
		m[n] = uint16(i)
	}
	return m
}()

// portKey is a transport protocol and port.
type portKey struct {
	proto uint8
	port  uint16
}

// wellKnown maps IANA-registered ports to protocols.
var wellKnown = func() map[portKey]uint16 {
	tcp := map[uint16]string{
		80: "http", 8080: "http", 8000: "http", 443: "ssl", 8443: "ssl", 465: "ssl", 993: "ssl",
		995: "ssl", 22: "ssh", 53: "dns", 25: "smtp", 587: "smtp", 110: "pop3", 143: "imap",
		21: "ftp", 6881: "bittorrent", 6882: "bittorrent", 6883: "bittorrent", 6884: "bittorrent",
		6885: "bittorrent", 6886: "bittorrent", 6887: "bittorrent", 6888: "bittorrent",
		6889: "bittorrent", 554: "rtsp", 5060: "sip", 5061: "sip", 5222: "jabber", 5269: "jabber",
		6667: "irc", 6697: "irc", 3306: "mysql", 5432: "postgres", 6379: "redis", 1883: "mqtt",
		3389: "rdp", 5900: "vnc", 5901: "vnc", 23: "telnet", 445: "smb", 139: "smb", 389: "ldap",
		119: "nntp", 1080: "socks", 88: "kerberos", 1194: "openvpn", 43: "whois", 6000: "x11",
		79: "finger", 11211: "memcached", 27017: "mongodb", 5672: "amqp",
	}
	udp := map[uint16]string{
		53: "dns", 5353: "mdns", 123: "ntp", 67: "dhcp", 68: "dhcp", 161: "snmp", 162: "snmp",
		137: "netbios", 138: "netbios", 5060: "sip", 1194: "openvpn", 1900: "ssdp",
		3478: "stun", 514: "syslog", 69: "tftp", 88: "kerberos", 6881: "bittorrent", 443: "quic",
		11211: "memcached",
	}
	m := make(map[portKey]uint16)
	for port, n := range tcp {
		m[portKey{decode.IPProtoTCP, port}] = guessIndex[n]
	}
	for port, n := range udp {
		m[portKey{decode.IPProtoUDP, port}] = guessIndex[n]
	}
	return m
}()

// guessPorts names the protocol a flow's ports suggest: the responder's
// port first (the destination of the flow's first packet), then the
// initiator's, as a human reading a port table would.
func guessPorts(key *decode.FlowKey, fromA bool) uint16 {
	proto, ok := key.IPProto()
	if !ok {
		return 0
	}
	dst, src := key.PortB, key.PortA
	if !fromA {
		dst, src = src, dst
	}
	if g, ok := wellKnown[portKey{proto, dst}]; ok {
		return g
	}
	return wellKnown[portKey{proto, src}]
}

// sameProtocol treats names that mean the same protocol as equal, since
// port tables and pattern sets do not always agree on a name.
func sameProtocol(verdict, guess string) bool {
	if verdict == guess {
		return true
	}
	if a, ok := aliases[verdict]; ok && a == guess {
		return true
	}
	a, ok := aliases[guess]
	return ok && a == verdict
}

var aliases = map[string]string{"xmpp": "jabber", "tls": "ssl", "https": "ssl", "quic": "ssl", "mdns": "dns"}
