package engine

import "encoding/binary"

// matchGnutellaUDP recognises Gnutella over UDP: a descriptor with its
// 23-byte header (16-byte GUID, type, TTL, hops, little-endian payload
// length) whose payload length is exactly the rest of the datagram and
// whose TTL + hops stay within the protocol's limit (any type: servents
// use vendor-specific ones over UDP), or a fragment of the
// GND UDP extension ("GND", flags, sequence, part n of count).
func matchGnutellaUDP(p []byte, _ *probeState) probeResult {
	if len(p) >= 8 && p[0] == 'G' && p[1] == 'N' && p[2] == 'D' {
		part, count := p[6], p[7]
		if part >= 1 && part <= count {
			return probeYes
		}
		return probeNo
	}
	if len(p) < 23 || int(p[17])+int(p[18]) > 16 {
		return probeNo
	}
	if int(binary.LittleEndian.Uint32(p[19:23])) != len(p)-23 {
		return probeNo
	}
	return probeYes
}

// matchOICQ recognises OICQ, QQ's UDP protocol: a packet framed by 0x02
// and 0x03 with a 2-byte client version, a 2-byte command (small
// numbers) and a sequence number, as the QQ clients send it.
func matchOICQ(p []byte, _ *probeState) probeResult {
	if len(p) < 11 || p[0] != 0x02 || p[len(p)-1] != 0x03 {
		return probeNo
	}
	if cmd := binary.BigEndian.Uint16(p[3:5]); cmd == 0 || cmd > 0x01ff {
		return probeNo
	}
	return probeYes
}

// matchEDonkey recognises the eDonkey/eMule TCP protocol: every message
// is a protocol byte (0xe3 eDonkey, 0xc5 eMule extensions, 0xd4 packed),
// a little-endian length of what follows it, then the opcode; a flow
// opens with a hello (0x01) or its answer (0x4c) from the other side,
// which fits one segment: the length is the rest of it.
func matchEDonkey(p []byte, _ *probeState) probeResult {
	if len(p) < 6 || (p[0] != 0xe3 && p[0] != 0xc5 && p[0] != 0xd4) {
		return probeNo
	}
	if int(binary.LittleEndian.Uint32(p[1:5])) != len(p)-5 || (p[5] != 0x01 && p[5] != 0x4c) {
		return probeNo
	}
	return probeYes
}
