package ui

import (
	"path/filepath"
	"testing"
)

// TestAppInfoEndToEnd runs the binary on the demo capture in tmux: the
// DNS and HTTP rows show their protocol and application Info, and a DNS
// packet's detail has its message node. (Folding is tested in
// detail_test.go.)
func TestAppInfoEndToEnd(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	capture, _ := filepath.Abs(demoCapture)
	tm := startTmux(t, 160, 40, bin+" --no-drop -r "+capture+"; sleep 60")
	tm.waitText("(file, ended)")

	tm.keys("/")
	tm.text("tcp port 80")
	tm.keys("Enter")
	tm.waitText("HTTP", "GET /missing.html HTTP/1.1", "HTTP/1.0 404 File not found")

	tm.keys("/", "C-u")
	tm.text("udp port 53")
	tm.keys("Enter")
	tm.waitText("DNS", "Standard query 0x64a5 A demo.l7sniff.test", "Standard query response 0x64a5 A demo.l7sniff.test A 10.77.0.2")

	tm.keys("g", "Enter")
	tm.waitText("Packet 77", "Domain Name System: query")
}
