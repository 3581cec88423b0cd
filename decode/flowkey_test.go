package decode

import (
	"testing"

	"l7sniff/decode/decodetest"
)

// TestFlowKeyProto: a decoded key says which of its two meanings Proto
// has: the transport's IP protocol for TCP and UDP frames, the transfer
// type for a usbmon bulk transfer (3, which must not pass for an IP
// protocol), and neither for a key that names no flow.
func TestFlowKeyProto(t *testing.T) {
	for _, c := range []struct {
		name           string
		link           LinkType
		frame          []byte
		ipProto, xfer  uint8
		isIP, isUSB    bool
		tcp, udp, ipv3 bool
	}{
		{"tcp", LinkEthernet, decodetest.TCPFrame(40000, 80, []byte("GET /")), IPProtoTCP, 0, true, false, true, false, false},
		{"udp", LinkEthernet, decodetest.UDPFrame(40000, 53, []byte{1, 2}), IPProtoUDP, 0, true, false, false, true, false},
		{"usb bulk", LinkUSBLinuxMmap, decodetest.USBMon(64, []byte("USBC")), 0, 3, false, true, false, false, false},
	} {
		var p Packet
		Decode(c.link, c.frame, len(c.frame), &p)
		k := &p.Flow
		proto, isIP := k.IPProto()
		xfer, isUSB := k.USBTransfer()
		if isIP != c.isIP || isUSB != c.isUSB || (isIP && proto != c.ipProto) || (isUSB && xfer != c.xfer) {
			t.Errorf("%s: IPProto %d, %v; USBTransfer %d, %v; want IP %v (%d), USB %v (%d)", c.name, proto, isIP, xfer, isUSB, c.isIP, c.ipProto, c.isUSB, c.xfer)
		}
		if k.IsIP(IPProtoTCP) != c.tcp || k.IsIP(IPProtoUDP) != c.udp || k.IsIP(3) != c.ipv3 {
			t.Errorf("%s: IsIP(TCP) %v, IsIP(UDP) %v, IsIP(3) %v", c.name, k.IsIP(IPProtoTCP), k.IsIP(IPProtoUDP), k.IsIP(3))
		}
	}
	var none FlowKey
	if _, ok := none.IPProto(); ok {
		t.Error("the zero key reports an IP protocol")
	}
	if _, ok := none.USBTransfer(); ok {
		t.Error("the zero key reports a USB transfer type")
	}
}
