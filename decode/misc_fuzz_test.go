package decode

import "testing"

func FuzzDHCP(f *testing.F) {
	seeds := append(corpusPayloads(f, false, 67, 40, "android", "dhcp", "signal", "gnutella"), dhcpMessage(dhcpDiscoverOpts()))
	fuzzApp(f, false, 67, seeds)
}

func FuzzSIP(f *testing.F) {
	fuzzApp(f, false, 5060, corpusPayloads(f, false, 5060, 40, "sip"))
}

func FuzzSSH(f *testing.F) {
	fuzzApp(f, true, 22, corpusPayloads(f, true, 22, 20, "ssh"))
}

func FuzzNTP(f *testing.F) {
	fuzzApp(f, false, 123, corpusPayloads(f, false, 123, 20, "NTP", "android"))
}

func FuzzSMTP(f *testing.F) {
	fuzzApp(f, true, 25, corpusPayloads(f, true, 25, 60, "smtp"))
}

func FuzzIMAP(f *testing.F) {
	fuzzApp(f, true, 143, append(corpusPayloads(f, true, 143, 30, "imap"), corpusPayloads(f, true, 110, 30, "pop3")...))
}
