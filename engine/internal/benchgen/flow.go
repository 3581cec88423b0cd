package benchgen

import (
	"math"
	"math/rand/v2"
)

// protocol is one kind of flow the generator opens.
type protocol struct {
	name   string
	udp    bool
	weight int      // share of new flows, in percent
	ports  []uint16 // server ports; 0 means a random high port
	open   func(*rand.Rand) []msg
	// bulk is the mean number of bulk packets after the opening
	// (exponentially distributed; 0 for request/response protocols).
	bulk float64
}

// protocols is the flow mix. A few flows run on another protocol's port
// (SSH on 443, BitTorrent on 80) as in real networks, so the port guess
// and the payload verdict sometimes disagree.
var protocols = []protocol{
	{name: "http", weight: 24, ports: []uint16{80, 80, 80, 80, 8080}, open: httpExchange, bulk: 40},
	{name: "ssl", weight: 28, ports: []uint16{443}, open: tlsExchange, bulk: 40},
	{name: "ssh", weight: 3, ports: []uint16{22, 22, 22, 443}, open: sshExchange, bulk: 30},
	{name: "smtp", weight: 2, ports: []uint16{25, 587}, open: func(r *rand.Rand) []msg { return mailExchange(r, "smtp") }, bulk: 6},
	{name: "pop3", weight: 2, ports: []uint16{110}, open: func(r *rand.Rand) []msg { return mailExchange(r, "pop3") }, bulk: 6},
	{name: "imap", weight: 2, ports: []uint16{143}, open: func(r *rand.Rand) []msg { return mailExchange(r, "imap") }, bulk: 6},
	{name: "ftp", weight: 2, ports: []uint16{21}, open: func(r *rand.Rand) []msg { return mailExchange(r, "ftp") }, bulk: 2},
	{name: "bittorrent", weight: 5, ports: []uint16{6881, 6881, 0, 0, 80}, open: btExchange, bulk: 60},
	{name: "mysql", weight: 1, ports: []uint16{3306}, open: mysqlExchange, bulk: 6},
	{name: "redis", weight: 1, ports: []uint16{6379}, open: redisExchange, bulk: 4},
	{name: "unknown-tcp", weight: 4, ports: []uint16{0}, open: opaqueExchange, bulk: 30},
	{name: "dns", udp: true, weight: 15, ports: []uint16{53}, open: dnsExchange},
	{name: "ntp", udp: true, weight: 2, ports: []uint16{123}, open: ntpExchange},
	{name: "bittorrent-dht", udp: true, weight: 3, ports: []uint16{6881, 0}, open: dhtExchange},
	{name: "sip", udp: true, weight: 1, ports: []uint16{5060}, open: sipExchange},
	{name: "wireguard", udp: true, weight: 5, ports: []uint16{51820}, open: wireguardExchange, bulk: 80},
}

var protocolWeights = func() int {
	n := 0
	for _, p := range protocols {
		n += p.weight
	}
	return n
}()

// step kinds.
const (
	stepSYN = iota
	stepSYNACK
	stepACK
	stepData
	stepBulk
	stepFIN
	stepRST
)

// step is one packet of a flow's script.
type step struct {
	kind       uint8
	fromServer bool
	data       []byte
}

// flow is one conversation: its endpoints, TCP sequence numbers and the
// script of packets still to send.
type flow struct {
	proto      *protocol
	v6         bool
	cliAddr    [16]byte
	srvAddr    [16]byte
	cliPort    uint16
	srvPort    uint16
	cliMAC     [6]byte
	seq        [2]uint32 // next sequence number [client, server]
	ipID       [2]uint16
	steps      []step
	pos        int
	wgReceiver uint32
	wgCounter  uint64
}

// numClients is how many hosts the site has; servers come from
// serverAddrs.
const numClients = 8192

// serverAddrs returns n distinct unicast IPv4 addresses spread over the
// public address space (first octets outside the private, loopback,
// link-local, shared, benchmarking and multicast ranges). The capture
// only ever travels inside test namespaces.
func serverAddrs(r *rand.Rand, n int) [][4]byte {
	seen := make(map[[4]byte]bool, n)
	out := make([][4]byte, 0, n)
	for len(out) < n {
		a := [4]byte{byte(1 + r.IntN(223)), byte(r.Uint32()), byte(r.Uint32()), byte(1 + r.IntN(254))}
		switch a[0] {
		case 10, 100, 127, 169, 172, 192, 198:
			continue
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// Ethernet MTU payloads: the largest TCP segment for each IP version.
const (
	mss4 = 1460
	mss6 = 1440
)

// newFlow replaces f with the next flow: endpoints, then its script.
func (g *Generator) newFlow(f *flow) {
	r := g.r
	w := r.IntN(protocolWeights)
	p := &protocols[0]
	for i := range protocols {
		if w < protocols[i].weight {
			p = &protocols[i]
			break
		}
		w -= protocols[i].weight
	}
	g.stats.FlowsStarted++
	g.stats.ByProto[p.name]++
	steps := f.steps[:0]
	*f = flow{proto: p, v6: r.IntN(100) < 12, cliPort: uint16(32768 + r.IntN(28232))}
	f.srvPort = pick(r, p.ports)
	if f.srvPort == 0 {
		f.srvPort = uint16(10000 + r.IntN(50000))
	}
	// An edge link: a site's clients talk to servers all over the
	// address space.
	client, server := r.IntN(numClients), r.IntN(len(g.servers))
	ca := uint32(client) * 2654435761 // spread over 10/8
	if f.v6 {
		// Unique local clients, documentation-prefix servers.
		f.cliAddr = [16]byte{0xfd, 0x00, 0x00, 0x0c, 12: byte(ca >> 24), 13: byte(ca >> 16), 14: byte(ca >> 8), 15: byte(ca)}
		f.srvAddr = [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 12: g.servers[server][0], 13: g.servers[server][1],
			14: g.servers[server][2], 15: g.servers[server][3]}
	} else {
		f.cliAddr = [16]byte{10, byte(ca >> 16), byte(ca >> 8), byte(ca) | 1}
		copy(f.srvAddr[:4], g.servers[server][:])
	}
	f.cliMAC = [6]byte{0x02, 0x42, 0x0a, byte(ca >> 16), byte(ca >> 8), byte(ca) | 1}
	f.seq = [2]uint32{r.Uint32(), r.Uint32()}
	f.ipID = [2]uint16{uint16(r.Uint32()), uint16(r.Uint32())}
	f.wgReceiver = r.Uint32()

	mss := mss4
	if f.v6 {
		mss = mss6
	}
	if !p.udp {
		steps = append(steps, step{kind: stepSYN}, step{kind: stepSYNACK, fromServer: true}, step{kind: stepACK})
	}
	for _, m := range p.open(r) {
		for len(m.data) > 0 {
			n := min(len(m.data), mss)
			steps = append(steps, step{kind: stepData, fromServer: m.fromServer, data: m.data[:n]})
			m.data = m.data[n:]
		}
	}
	if p.bulk > 0 && r.IntN(100) >= 30 {
		n := int(math.Min(r.ExpFloat64()*p.bulk, 5000))
		for range n {
			steps = append(steps, step{kind: stepBulk})
		}
	}
	if !p.udp {
		// Most TCP flows close with FINs, some are reset, some are still
		// open when the capture ends.
		switch c, byServer := r.IntN(100), r.IntN(2) == 0; {
		case c < 80:
			steps = append(steps, step{kind: stepFIN, fromServer: byServer}, step{kind: stepFIN, fromServer: !byServer},
				step{kind: stepACK, fromServer: byServer})
		case c < 88:
			steps = append(steps, step{kind: stepRST, fromServer: byServer})
		}
	}
	f.steps = steps
}

// TCP flags.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagPSH = 0x08
	flagACK = 0x10
)

// emit builds the frame for one step of f.
func (g *Generator) emit(f *flow, st step) []byte {
	var flags uint8
	payload := st.data
	fromServer := st.fromServer
	var prefix []byte
	switch st.kind {
	case stepSYN:
		flags = flagSYN
	case stepSYNACK:
		flags = flagSYN | flagACK
	case stepACK:
		flags = flagACK
	case stepData:
		flags = flagACK | flagPSH
	case stepFIN:
		flags = flagFIN | flagACK
	case stepRST:
		flags = flagRST | flagACK
	case stepBulk:
		flags = flagACK
		fromServer, payload, prefix = g.bulk(f)
	}
	return g.frame(f, fromServer, flags, prefix, payload)
}

// bulk sizes a bulk packet from the class the capture needs most and
// picks its direction: large segments mostly flow from the server, small
// ones (ACKs, requests) mostly from the client.
func (g *Generator) bulk(f *flow) (fromServer bool, payload, prefix []byte) {
	r := g.r
	class := g.bulkClass()
	size := classLo[class] + r.IntN(classHi[class]-classLo[class]+1)
	hdr := 20 + 20
	if f.v6 {
		hdr = 40 + 20
	}
	if f.proto.udp {
		hdr -= 12
	}
	fromServer = r.IntN(100) < 85
	if class == 0 {
		fromServer = !fromServer
		if !f.proto.udp && r.IntN(100) < 60 {
			return fromServer, nil, nil // a bare ACK
		}
	}
	n := max(size-hdr, 1)
	switch f.proto.name {
	case "wireguard":
		// Transport data message: type 4, receiver index, counter.
		prefix = g.prefix[:16]
		clear(prefix)
		prefix[0] = 4
		be.PutUint32(prefix[4:], f.wgReceiver)
		f.wgCounter++
		prefix[8] = byte(f.wgCounter) // little-endian counter
		prefix[9] = byte(f.wgCounter >> 8)
		prefix[10] = byte(f.wgCounter >> 16)
		n = max(n-16, 16)
	case "ssl":
		// One application_data record per segment.
		prefix = g.prefix[:5]
		n = max(n-5, 1)
		prefix[0], prefix[1], prefix[2] = 0x17, 3, 3
		be.PutUint16(prefix[3:], uint16(n))
	}
	off := r.IntN(len(g.noise) - n)
	return fromServer, g.noise[off : off+n], prefix
}
