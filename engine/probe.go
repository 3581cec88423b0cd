package engine

import (
	"strings"

	"l7sniff/decode"
	"l7sniff/patterns"
)

// A probe is a structural classifier: code that recognises a protocol
// whose first bytes no regex describes well (a length field that must
// equal the datagram's, a magic number at an offset, a sequence number
// that must count up over several packets). Probes sit behind the same
// policy as patterns (classifier.packet): they see the payload of the
// flow's first packets within the packet and byte limits, the first
// match decides, and in one packet the lower priority wins, probe or
// pattern. A probe whose name is also a pattern of the loaded set is off:
// a user's --patterns file with that protocol name replaces it.
type probe struct {
	// pattern names the protocol; File says where it is defined and Line
	// is 0, so a verdict looks like a pattern's everywhere it is shown.
	pattern  patterns.Pattern
	priority int
	l4       uint8 // 6 TCP, 17 UDP
	// match examines one packet's payload. st is the flow's probe
	// scratch, for probes that need more than one packet.
	match func(payload []byte, st *probeState) probeResult
	// refine names the probe that may override a probeLikely answer.
	refine string
}

// probeResult is a probe's answer about one packet.
type probeResult uint8

const (
	probeMaybe probeResult = iota // not (yet) decided: look at the next packet
	probeNo                       // the flow is not this protocol
	probeYes                      // the flow is this protocol
	// probeLikely: this protocol, unless the probe named by the probe's
	// refine matches a later packet within the limits (STUN that sets up
	// DTLS is DTLS); only that one keeps looking.
	probeLikely
)

// maxProbes bounds the registry so a flow's live set fits one word.
const maxProbes = 32

// probeState is a flow's probe bookkeeping: which probes may still match
// and a few bytes of scratch for the multi-packet ones, no payload.
type probeState struct {
	live  uint32 // bit i: probes[i] may still match
	bytes uint32 // payload bytes examined so far
	// rtp: the SSRC and sequence number of the last RTP-looking packet
	// and how many consecutive ones followed it.
	rtpSSRC uint32
	rtpSeq  uint16
	rtpRun  uint8
	// openvpnReset: a client hard reset was seen.
	openvpnReset bool
	// fallback is 1 + the index of the probe that answered probeLikely,
	// the verdict if nothing refines it; 0 for none.
	fallback uint8
}

// reload re-applies the overrides of a new set to a flow that has not
// sent payload yet.
func (st *probeState) reload(set *patterns.Set) {
	st.live &= probesFor(probeL4(st.live), set)
}

// probeL4 recovers a flow's transport from its armed probes (every probe
// has one), so reload needs no extra state.
func probeL4(live uint32) uint8 {
	for i := range probes {
		if live&(1<<i) != 0 {
			return probes[i].l4
		}
	}
	return 0
}

// examine runs the live probes over one packet's payload and returns the
// one that matched (the first in priority order), or nil. A probe that
// rules the flow out is not asked again; after maxBytes of payload none
// is.
func (st *probeState) examine(payload []byte, maxBytes int) *probe {
	if st.live == 0 {
		return nil
	}
	if maxBytes > 0 && int(st.bytes) >= maxBytes {
		st.live = 0
		return nil
	}
	st.bytes += uint32(len(payload))
	for i := range probes {
		bit := uint32(1) << i
		if st.live&bit == 0 {
			continue
		}
		switch probes[i].match(payload, st) {
		case probeYes:
			return &probes[i]
		case probeNo:
			// A refining probe keeps looking until the limits: the
			// packets between (more STUN) are not its protocol.
			if st.fallback == 0 {
				st.live &^= bit
			}
		case probeLikely:
			st.fallback = uint8(i + 1)
			st.live &= probeBit(probes[i].refine)
			return nil
		}
	}
	return nil
}

// probeBit is the live-set bit of the probe named name (0 for none).
func probeBit(name string) uint32 {
	for i := range probes {
		if probes[i].pattern.Name == name {
			return 1 << i
		}
	}
	return 0
}

// probesFor is the live set for a new flow of transport l4 under set:
// the probes for l4, leaving out those the set overrides with a pattern
// of the same name.
func probesFor(l4 uint8, set *patterns.Set) uint32 {
	var live uint32
	for i := range probes {
		if probes[i].l4 == l4 && !overridden(probes[i].pattern.Name, set) {
			live |= 1 << i
		}
	}
	return live
}

// overridden reports whether set has a pattern named name that is not
// one of the embedded defaults (some protocols have both: a default
// pattern for TCP, a probe for UDP): the user's regex then replaces the
// probe.
func overridden(name string, set *patterns.Set) bool {
	if set == nil {
		return false
	}
	p := set.Lookup(name)
	return p != nil && !strings.HasPrefix(p.File, "defaults/")
}

// newProbe describes a probe for the registry.
func newProbe(name, desc string, l4 uint8, priority int, match func([]byte, *probeState) probeResult) probe {
	return probe{
		pattern: patterns.Pattern{Name: name, File: "structural:" + name, Priority: priority,
			Meta: patterns.Meta{Description: desc}},
		priority: priority, l4: l4, match: match,
	}
}

// probeCache keeps a shard's probesFor answers for the set new flows
// start with, so creating a flow costs no name lookups.
type probeCache struct {
	set      *patterns.Set
	tcp, udp uint32
}

// live returns the probes for a new flow with key k under set.
func (pc *probeCache) live(set *patterns.Set, k *decode.FlowKey) uint32 {
	tcp := k.IsIP(decode.IPProtoTCP)
	if !tcp && !k.IsIP(decode.IPProtoUDP) {
		return 0
	}
	if pc.set != set {
		*pc = probeCache{set: set, tcp: probesFor(decode.IPProtoTCP, set), udp: probesFor(decode.IPProtoUDP, set)}
	}
	if tcp {
		return pc.tcp
	}
	return pc.udp
}

// ProbeNames lists the structural classifiers, in priority order, for
// the README and --help.
func ProbeNames() []string {
	out := make([]string, len(probes))
	for i := range probes {
		out[i] = probes[i].pattern.Name
	}
	return out
}
