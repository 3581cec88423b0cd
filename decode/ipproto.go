package decode

// IP protocol numbers (IANA "Assigned Internet Protocol Numbers") that
// FlowKey.IPProto returns and that the engine and the UI branch on.
const (
	IPProtoICMP   uint8 = 1
	IPProtoIGMP   uint8 = 2
	IPProtoTCP    uint8 = 6
	IPProtoUDP    uint8 = 17
	IPProtoICMPv6 uint8 = 58
	IPProtoOSPF   uint8 = 89
	IPProtoVRRP   uint8 = 112
	IPProtoSCTP   uint8 = 132
)
