package decode

// Names of DNS numbers, as tshark shows them in Info and the tree.

var dnsTypeNames = map[uint16]string{
	1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT",
	17: "RP", 18: "AFSDB", 24: "SIG", 25: "KEY", 28: "AAAA", 29: "LOC", 33: "SRV",
	35: "NAPTR", 36: "KX", 37: "CERT", 39: "DNAME", 41: "OPT", 42: "APL", 43: "DS",
	44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID",
	50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 53: "SMIMEA", 55: "HIP", 59: "CDS",
	60: "CDNSKEY", 61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS",
	99: "SPF", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 255: "ANY",
	256: "URI", 257: "CAA",
}

// appendDNSType appends a record type's name, "Unknown (N)" when it has none.
func appendDNSType(dst []byte, t uint16) []byte {
	if n, ok := dnsTypeNames[t]; ok {
		return append(dst, n...)
	}
	dst = append(dst, "Unknown ("...)
	dst = appendUint(dst, uint64(t))
	return append(dst, ')')
}

var dnsOpcodeNames = [...]string{
	0: "Standard query", 1: "Inverse query", 2: "Server status request",
	4: "Zone change notification", 5: "Dynamic update", 6: "DNS Stateful operations (DSO)",
}

func appendDNSOpcode(dst []byte, op int) []byte {
	if op < len(dnsOpcodeNames) && dnsOpcodeNames[op] != "" {
		return append(dst, dnsOpcodeNames[op]...)
	}
	dst = append(dst, "Unknown operation ("...)
	dst = appendUint(dst, uint64(op))
	return append(dst, ')')
}

var dnsRcodeNames = [...]string{
	0: "No error", 1: "Format error", 2: "Server failure", 3: "No such name",
	4: "Not implemented", 5: "Refused", 6: "Name exists", 7: "RRset exists",
	8: "RRset does not exist", 9: "Not authoritative", 10: "Name out of zone",
}

func appendDNSRcode(dst []byte, rc int) []byte {
	if rc < len(dnsRcodeNames) {
		return append(dst, dnsRcodeNames[rc]...)
	}
	dst = append(dst, "Unknown error ("...)
	dst = appendUint(dst, uint64(rc))
	return append(dst, ')')
}

// dnsClassName names the classes anyone uses.
func dnsClassName(c uint16) string {
	switch c &^ 0x8000 { // mDNS's top bit asks for unicast or cache flush
	case 1:
		return "IN"
	case 3:
		return "CH"
	case 4:
		return "HS"
	case 254:
		return "NONE"
	case 255:
		return "ANY"
	}
	return hex16(c)
}
