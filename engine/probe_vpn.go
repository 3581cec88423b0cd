package engine

import "encoding/binary"

// wireguardSizes are the exact sizes of WireGuard's handshake messages,
// by type: initiation, response, cookie reply (WireGuard paper §5.4).
var wireguardSizes = [4]int{148, 92, 64}

// matchWireGuard recognises a WireGuard message: type 1-4, three
// reserved zero bytes, and the handshake messages' exact sizes (a
// transport data message is at least its 32-byte header and tag, padded
// to a multiple of 16).
func matchWireGuard(p []byte, _ *probeState) probeResult {
	if len(p) < 32 || p[0] < 1 || p[0] > 4 || p[1] != 0 || p[2] != 0 || p[3] != 0 {
		return probeNo
	}
	if p[0] == 4 {
		if len(p)%16 == 0 {
			return probeYes
		}
		return probeNo
	}
	if len(p) == wireguardSizes[p[0]-1] {
		return probeYes
	}
	return probeNo
}

// OpenVPN opcodes (the high 5 bits of the first byte; the low 3 are the
// key ID, 0 in a hard reset) that start a session.
const (
	openvpnResetClientV2 = 7
	openvpnResetServerV2 = 8
	openvpnResetClientV3 = 10
)

// matchOpenVPN recognises an OpenVPN session over UDP by its handshake:
// a client hard reset (opcode 7, or 10 with tls-crypt-v2) with key ID 0
// and room for the 8-byte session ID and a packet ID, answered by a
// server hard reset (opcode 8). One byte alone is too weak, so the first
// sets a flag and the answer decides.
func matchOpenVPN(p []byte, st *probeState) probeResult {
	if len(p) < 14 || p[0]&7 != 0 {
		return probeNo
	}
	switch op := p[0] >> 3; {
	case !st.openvpnReset && (op == openvpnResetClientV2 || op == openvpnResetClientV3):
		st.openvpnReset = true
		return probeMaybe
	case st.openvpnReset && op == openvpnResetServerV2:
		return probeYes
	case st.openvpnReset && (op == openvpnResetClientV2 || op == openvpnResetClientV3):
		// The client retransmits its reset while the server is silent.
		if binary.BigEndian.Uint64(p[1:9]) != 0 {
			return probeMaybe
		}
	}
	return probeNo
}
