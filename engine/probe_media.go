package engine

import "encoding/binary"

// stunCookie is RFC 8489's magic cookie, bytes 4-7 of every message.
const stunCookie = 0x2112A442

// matchSTUN recognises a STUN message (RFC 8489 §5): the two top bits of
// the type zero, a length that is a multiple of 4 and covers exactly the
// rest of the datagram, and the magic cookie. RFC 3489 predates the
// cookie; its messages are taken only as a Binding request or response
// (or error) of the exact length. TURN's ChannelData (RFC 8656 §12)
// comes only after an Allocate, which has already decided the flow.
//
// Over UDP the answer is provisional: ICE runs STUN on the port pair
// that then carries the media, and a DTLS handshake that follows (WebRTC,
// RFC 8842) names the flow DTLS.
func matchSTUN(p []byte, _ *probeState) probeResult {
	if !stunMessage(p, true) {
		return probeNo
	}
	return probeLikely
}

// matchSTUNTCP recognises STUN over TCP (RFC 8489 §6.2.2): messages sent
// back to back, so the first's length need only fit in the segment;
// only cookie-bearing messages count. ICE-TCP frames each message with a
// 2-byte length (RFC 4571, RFC 6544 §3), which must fit the segment too.
func matchSTUNTCP(p []byte, _ *probeState) probeResult {
	if stunMessage(p, false) {
		return probeYes
	}
	if len(p) > 2 && int(binary.BigEndian.Uint16(p[0:2])) <= len(p)-2 && stunMessage(p[2:], false) {
		return probeYes
	}
	return probeNo
}

// stunMessage checks a STUN header; whole says the message must be the
// whole of p (a datagram) rather than its start.
func stunMessage(p []byte, whole bool) bool {
	if len(p) < 20 || p[0]&0xc0 != 0 {
		return false
	}
	n := int(binary.BigEndian.Uint16(p[2:4]))
	if n%4 != 0 || n > len(p)-20 || whole && n != len(p)-20 {
		return false
	}
	if binary.BigEndian.Uint32(p[4:8]) == stunCookie {
		return true
	}
	switch binary.BigEndian.Uint16(p[0:2]) {
	case 0x0001, 0x0101, 0x0111:
		return whole
	}
	return false
}

// matchDTLS recognises DTLS records (RFC 6347 §4.1, RFC 9147 §4): a
// datagram that is exactly a chain of records, each with a content type
// change_cipher_spec, alert, handshake or application data, one version
// (0xfeff 1.0, 0xfefd 1.2, also used by 1.3, or OpenSSL's pre-standard
// 0x0100), and a length within the datagram. A handshake record of
// epoch 0 must also hold a plausible handshake header; later epochs are
// encrypted, so a capture that starts mid-session is known by the chain
// alone.
func matchDTLS(p []byte, _ *probeState) probeResult {
	if len(p) < 13 || !dtlsVersion(p[1], p[2]) {
		return probeNo
	}
	for rec := p; len(rec) > 0; {
		if len(rec) < 13 || rec[0] < 20 || rec[0] > 23 || rec[1] != p[1] || rec[2] != p[2] {
			return probeNo
		}
		n := int(binary.BigEndian.Uint16(rec[11:13]))
		if n == 0 || n > len(rec)-13 {
			return probeNo
		}
		if rec[0] == 22 && rec[3] == 0 && rec[4] == 0 && !dtlsHandshake(rec[13:13+n]) {
			return probeNo
		}
		rec = rec[13+n:]
	}
	return probeYes
}

func dtlsVersion(major, minor byte) bool {
	return major == 0xfe && (minor == 0xff || minor == 0xfd) || major == 0x01 && minor == 0x00
}

// dtlsHandshake checks a cleartext handshake fragment's header (RFC 6347
// §4.2.2): a message type up to finished (20) and a fragment that fits.
func dtlsHandshake(h []byte) bool {
	if len(h) < 12 || h[0] > 20 {
		return false
	}
	frag := int(h[9])<<16 | int(h[10])<<8 | int(h[11])
	return frag <= len(h)-12
}

// rtpRunNeeded is how many RTP-looking packets of one SSRC in sequence
// decide a flow: one header alone is only two fixed bits.
const rtpRunNeeded = 3

// matchRTP recognises an RTP stream (RFC 3550 §5.1): version 2, a
// payload type outside RTCP's 72-76 (RFC 5761 §4), room for the CSRC
// list, and the same SSRC with sequence numbers counting up by 1 (a
// little loss allowed) over rtpRunNeeded packets. The other direction's
// packets, with their own SSRC, restart the run, so the flow decides on
// rtpRunNeeded packets in a row from one side. A packet that is not RTP
// (a keepalive, an RTCP report, a hole punch) restarts the run too
// rather than ruling the flow out: media often starts after such.
func matchRTP(p []byte, st *probeState) probeResult {
	if len(p) < 12 || p[0]&0xc0 != 0x80 || len(p) < 12+4*int(p[0]&0x0f) {
		st.rtpRun = 0
		return probeMaybe
	}
	if pt := p[1] & 0x7f; pt >= 72 && pt <= 76 {
		st.rtpRun = 0
		return probeMaybe
	}
	ssrc := binary.BigEndian.Uint32(p[8:12])
	seq := binary.BigEndian.Uint16(p[2:4])
	if st.rtpRun > 0 && ssrc == st.rtpSSRC && seq-st.rtpSeq >= 1 && seq-st.rtpSeq <= 3 {
		st.rtpRun++
	} else {
		st.rtpRun = 1
	}
	st.rtpSSRC, st.rtpSeq = ssrc, seq
	if st.rtpRun >= rtpRunNeeded {
		return probeYes
	}
	return probeMaybe
}
