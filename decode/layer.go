package decode

import "github.com/google/gopacket/layers"

// Layer names one protocol header a Packet can hold.
type Layer uint8

// The layers Decode knows, roughly in the order they appear on the wire.
const (
	LayerNone Layer = iota
	LayerNull       // BSD loopback / null
	LayerEthernet
	LayerVLAN
	LayerMPLS
	LayerLLC
	LayerSLL
	LayerSLL2
	LayerARP
	LayerIPv4
	LayerIPv6
	LayerIPv6Ext
	LayerTCP
	LayerUDP
	LayerICMPv4
	LayerICMPv6
	LayerUSB     // Linux usbmon (link types 189 and 220)
	LayerUSBPcap // Windows USBPcap (link type 249)
	LayerPPPoE
	LayerPPP
	LayerCHDLC // Cisco HDLC (link type 104)
	LayerSLARP
	LayerAH
	LayerESP
	LayerGRE
	LayerERSPAN
	LayerVXLAN
	LayerGeneve
	LayerGTP // GTP-U
	LayerPayload
	// Application layers (app.go): one per dissector, set on the packets
	// whose payload (or reassembled message) that dissector decoded.
	LayerDNS
	LayerHTTP
	LayerTLS
	LayerDTLS
	LayerQUIC
	LayerSSH
	LayerDHCP
	LayerNTP
	LayerSIP
	LayerSMTP
	LayerFTP
	LayerPOP
	LayerIMAP
	numLayers
)

var layerNames = [numLayers]string{
	LayerNone:     "none",
	LayerNull:     "Null/Loopback",
	LayerEthernet: "Ethernet",
	LayerVLAN:     "802.1Q",
	LayerMPLS:     "MPLS",
	LayerLLC:      "LLC",
	LayerSLL:      "Linux cooked",
	LayerSLL2:     "Linux cooked v2",
	LayerARP:      "ARP",
	LayerIPv4:     "IPv4",
	LayerIPv6:     "IPv6",
	LayerIPv6Ext:  "IPv6 extension",
	LayerTCP:      "TCP",
	LayerUDP:      "UDP",
	LayerICMPv4:   "ICMP",
	LayerICMPv6:   "ICMPv6",
	LayerUSB:      "USB",
	LayerUSBPcap:  "USBPcap",
	LayerPPPoE:    "PPPoE",
	LayerPPP:      "PPP",
	LayerCHDLC:    "Cisco HDLC",
	LayerSLARP:    "SLARP",
	LayerAH:       "AH",
	LayerESP:      "ESP",
	LayerGRE:      "GRE",
	LayerERSPAN:   "ERSPAN",
	LayerVXLAN:    "VXLAN",
	LayerGeneve:   "Geneve",
	LayerGTP:      "GTP-U",
	LayerPayload:  "Payload",
	LayerDNS:      "DNS",
	LayerHTTP:     "HTTP",
	LayerTLS:      "TLS",
	LayerDTLS:     "DTLS",
	LayerQUIC:     "QUIC",
	LayerSSH:      "SSH",
	LayerDHCP:     "DHCP",
	LayerNTP:      "NTP",
	LayerSIP:      "SIP",
	LayerSMTP:     "SMTP",
	LayerFTP:      "FTP",
	LayerPOP:      "POP",
	LayerIMAP:     "IMAP",
}

// String returns the layer's display name.
func (l Layer) String() string {
	if l < numLayers {
		return layerNames[l]
	}
	return "layer?"
}

// LayerSet is a set of layers, one bit each.
type LayerSet uint64

// Has reports whether l is in the set.
func (s LayerSet) Has(l Layer) bool { return s&(1<<l) != 0 }

func (s *LayerSet) add(l Layer) { *s |= 1 << l }

// LinkType is a pcap link-layer header type (LINKTYPE_* / DLT_* value).
type LinkType uint16

// Link types Decode understands. DLT_RAW is 12 on most systems and 14 on
// OpenBSD; libpcap writes 101 into files, but a live handle reports the DLT.
const (
	LinkNull         LinkType = 0
	LinkEthernet     LinkType = 1
	LinkPPP          LinkType = 9
	LinkRawDLT12     LinkType = 12
	LinkRawDLT14     LinkType = 14
	LinkPPPSerial    LinkType = 50
	LinkRaw          LinkType = 101
	LinkCHDLC        LinkType = 104
	LinkLoop         LinkType = 108
	LinkLinuxSLL     LinkType = 113
	LinkUSBLinux     LinkType = 189
	LinkUSBLinuxMmap LinkType = 220
	LinkIPv4         LinkType = 228
	LinkIPv6         LinkType = 229
	LinkUSBPcap      LinkType = 249
	LinkLinuxSLL2    LinkType = 276
)

// String names the link type as libpcap does.
func (t LinkType) String() string {
	switch t {
	case LinkNull:
		return "NULL"
	case LinkEthernet:
		return "EN10MB"
	case LinkPPP:
		return "PPP"
	case LinkPPPSerial:
		return "PPP_SERIAL"
	case LinkRawDLT12, LinkRawDLT14, LinkRaw:
		return "RAW"
	case LinkCHDLC:
		return "C_HDLC"
	case LinkLoop:
		return "LOOP"
	case LinkLinuxSLL:
		return "LINUX_SLL"
	case LinkUSBLinux:
		return "USB_LINUX"
	case LinkUSBLinuxMmap:
		return "USB_LINUX_MMAPPED"
	case LinkIPv4:
		return "IPV4"
	case LinkIPv6:
		return "IPV6"
	case LinkUSBPcap:
		return "USBPCAP"
	case LinkLinuxSLL2:
		return "LINUX_SLL2"
	}
	return "LINKTYPE_" + itoa(int(t))
}

// Supported reports whether Decode understands the link type.
func (t LinkType) Supported() bool {
	switch t {
	case LinkNull, LinkEthernet, LinkRawDLT12, LinkRawDLT14, LinkRaw, LinkLoop,
		LinkLinuxSLL, LinkUSBLinux, LinkUSBLinuxMmap, LinkIPv4, LinkIPv6,
		LinkUSBPcap, LinkLinuxSLL2, LinkPPP, LinkPPPSerial, LinkCHDLC:
		return true
	}
	return false
}

// FromGopacket converts gopacket's link type, which is 8 bits wide, back to
// the pcap value. LINKTYPE_LINUX_SLL2 (276) arrives truncated to 20, a
// number no link type uses, so 20 is read as 276.
func FromGopacket(t layers.LinkType) LinkType {
	if t == 20 {
		return LinkLinuxSLL2
	}
	return LinkType(t)
}
