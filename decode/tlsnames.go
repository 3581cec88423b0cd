package decode

import "strconv"

// Display names for TLS values, as tshark's Info and tree show them.

// tlsPorts are tshark 4.0's TLS ports (see TLSPort).
var tlsPorts = [...]uint16{443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 3269, 5061, 5223}

// TLSPort reports whether tshark 4.0 dissects TCP port p as TLS by
// default: HTTPS and the TLS-wrapped variants of other protocols that
// register it (SMTPS, NNTPS, LDAPS, DNS over TLS, FTPS, TELNETS, IMAPS,
// IRCS, POP3S, the global catalog, SIPS, XMPP over TLS).
func TLSPort(p uint16) bool {
	for _, q := range tlsPorts {
		if p == q {
			return true
		}
	}
	return false
}

func tlsContentName(t uint8) string {
	switch t {
	case TLSContentChangeCipherSpec:
		return "Change Cipher Spec"
	case TLSContentAlert:
		return "Alert"
	case TLSContentHandshake:
		return "Handshake"
	case TLSContentApplicationData:
		return "Application Data"
	case TLSContentHeartbeat:
		return "Heartbeat"
	}
	return "Unknown " + strconv.Itoa(int(t))
}

var tlsHandshakeNames = map[uint8]string{
	0: "Hello Request", 1: "Client Hello", 2: "Server Hello", 3: "Hello Verify Request",
	4: "New Session Ticket", 5: "End Of Early Data", 8: "Encrypted Extensions",
	11: "Certificate", 12: "Server Key Exchange", 13: "Certificate Request",
	14: "Server Hello Done", 15: "Certificate Verify", 16: "Client Key Exchange",
	20: "Finished", 21: "Certificate URL", 22: "Certificate Status", 24: "Key Update",
	254: "Message Hash",
}

func tlsHandshakeName(t uint8) string {
	if n, ok := tlsHandshakeNames[t]; ok {
		return n
	}
	return "Unknown Handshake Message (" + strconv.Itoa(int(t)) + ")"
}

// tlsVersionName names a record or handshake version ("TLS 1.2 (0x0303)").
func tlsVersionName(v uint16) string {
	h := hex16(v)
	switch v {
	case 0x0300:
		return "SSL 3.0 (" + h + ")"
	case 0x0301, 0x0302, 0x0303, 0x0304:
		return "TLS 1." + strconv.Itoa(int(v&0xff)-1) + " (" + h + ")"
	case 0xfeff:
		return "DTLS 1.0 (" + h + ")"
	case 0xfefd:
		return "DTLS 1.2 (" + h + ")"
	case 0xfefc:
		return "DTLS 1.3 (" + h + ")"
	}
	if v&0x0f0f == 0x0a0a {
		return "Reserved (GREASE) (" + h + ")"
	}
	return h
}

var tlsGroupNames = map[uint16]string{
	23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448",
	256: "ffdhe2048", 257: "ffdhe3072", 0x6399: "X25519Kyber768Draft00", 0x11ec: "X25519MLKEM768",
}

func tlsGroupName(g uint16) string {
	if n, ok := tlsGroupNames[g]; ok {
		return n + " (" + hex16(g) + ")"
	}
	if g&0x0f0f == 0x0a0a {
		return "Reserved (GREASE) (" + hex16(g) + ")"
	}
	return hex16(g)
}

func tlsAlertLevel(l uint8) string {
	switch l {
	case 1:
		return "Level: Warning"
	case 2:
		return "Level: Fatal"
	}
	return "Level: " + strconv.Itoa(int(l))
}

var tlsAlertNames = map[uint8]string{
	0: "Close Notify", 10: "Unexpected Message", 20: "Bad Record MAC", 22: "Record Overflow",
	40: "Handshake Failure", 42: "Bad Certificate", 43: "Unsupported Certificate",
	44: "Certificate Revoked", 45: "Certificate Expired", 46: "Certificate Unknown",
	47: "Illegal Parameter", 48: "Unknown CA", 49: "Access Denied", 50: "Decode Error",
	51: "Decrypt Error", 70: "Protocol Version", 71: "Insufficient Security",
	80: "Internal Error", 86: "Inappropriate Fallback", 90: "User Canceled",
	109: "Missing Extension", 110: "Unsupported Extension", 112: "Unrecognized Name",
	113: "Bad Certificate Status Response", 115: "Unknown PSK Identity",
	116: "Certificate Required", 120: "No Application Protocol",
}

func tlsAlertName(d uint8) string {
	if n, ok := tlsAlertNames[d]; ok {
		return "Description: " + n
	}
	return "Description: " + strconv.Itoa(int(d))
}
