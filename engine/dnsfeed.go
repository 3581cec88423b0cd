package engine

import (
	"encoding/binary"
	"sync/atomic"

	"l7sniff/decode"
	"l7sniff/engine/identity"
)

// The DNS cache in the pipeline. The capture stage, which sees every
// packet in capture order, records the answers of DNS and mDNS responses
// (UDP from port 53 or 5353, TCP from port 53 when a segment holds the
// whole response) in the cache and asks it for the name of each new
// conversation's server address, carrying the answer to the shard in the
// item. Feeding and asking in one goroutine in capture order makes a
// flow's cached name depend on the capture alone, whatever the shard
// count: a flow gets exactly the answers that came before it on the wire.
//
// The capture stage has no flow table, so "new conversation" is a
// direct-mapped table of flow hashes: a packet whose hash holds its slot
// (and was asked about less than askAgain ago) reuses the slot's answer;
// any other asks the cache (one mutex and map probe) and takes the slot.
// Collisions only cost extra questions. Before that, a bit set of the
// addresses answers gave (32 KiB, so it stays in the CPU cache) skips the
// packets between addresses no answer named, most packets on many links,
// for two memory reads: this stage is the one every packet waits for.
// The bits are never cleared; as answers accumulate more packets go on
// to the slot table, which gives the same names.

// DNSCacheBytesPerEntry is how many bytes of names each entry of
// Config.DNSCacheEntries allows the cache to hold.
const DNSCacheBytesPerEntry = 64

const (
	askSlots = 1 << 14
	addrBits = 1 << 18
	askAgain = int64(1e9) // nanoseconds of capture time
	// maxAnswers bounds the records of one response that are recorded;
	// answerNames the bytes of their names.
	maxAnswers  = 64
	answerNames = 16 << 10
)

// dnsFeed is the capture stage's side of the DNS cache, shared by the
// stage's readers (one per socket with --fanout): the cache and the bit
// set of answered addresses. Each reader has its own dnsReader.
type dnsFeed struct {
	cache *identity.DNSCache
	fed   atomic.Bool     // an answer was recorded: until then nothing is asked
	addrs []atomic.Uint64 // bit set of answered addresses (addrBit)
}

// dnsReader is one capture reader's scratch for the DNS feed: the packet
// it decodes responses into and its table of conversations asked about.
type dnsReader struct {
	*dnsFeed
	pkt   *decode.Packet
	asked []askSlot
	ans   [maxAnswers]identity.Answer
	names []byte
}

// reader returns a new reader's side of the feed.
func (d *dnsFeed) reader() *dnsReader { return &dnsReader{dnsFeed: d} }

type askSlot struct {
	hash uint64
	at   int64
	name string
}

func newDNSFeed(entries int) *dnsFeed {
	if entries <= 0 {
		entries = identity.DefaultDNSCacheEntries
	}
	return &dnsFeed{
		cache: identity.NewDNSCache(entries, max(entries*DNSCacheBytesPerEntry, 4<<10)),
		addrs: make([]atomic.Uint64, addrBits/64),
	}
}

// packet records a DNS response's answers, or names the packet's
// conversation for it; h is the flow key's hash.
func (d *dnsReader) packet(ts int64, link decode.LinkType, data []byte, wireLen int, p *decode.Packet, h uint64, it *item) {
	if !it.hasFlow || p.Quoted || it.key.Kind == decode.FlowUSB {
		return
	}
	if p.Has(decode.LayerUDP) && (dnsPort(p.UDP.SrcPort) || dnsPort(p.UDP.DstPort)) {
		if dnsPort(p.UDP.SrcPort) && p.Payload.Len > 0 {
			d.response(ts, link, data, wireLen, p)
		}
		return
	}
	if p.Has(decode.LayerTCP) && p.TCP.SrcPort == 53 && p.Payload.Len > 0 {
		// DNS over TCP (a truncated answer retried, zone data): a
		// response the segment holds whole, after its length prefix;
		// the capture stage reassembles nothing.
		d.response(ts, link, data, wireLen, p)
	}
	if !d.fed.Load() {
		return
	}
	server := &it.key.B
	if !it.fromA {
		server = &it.key.A
	}
	if !d.answered(it.key.Kind, server) {
		return
	}
	client, srv := cacheAddr(it.key.Kind, it.key.A), cacheAddr(it.key.Kind, it.key.B)
	if !it.fromA {
		client, srv = srv, client
	}
	if d.asked == nil {
		d.asked = make([]askSlot, askSlots)
	}
	slot := &d.asked[h%askSlots]
	if slot.hash != h || ts-slot.at >= askAgain || ts < slot.at {
		name, _ := d.cache.Lookup(ts, client, srv)
		*slot = askSlot{hash: h, at: ts, name: name}
	}
	it.dnsName = slot.name
}

// response decodes a DNS response and records its answers under its
// question's name for the client it went to.
func (d *dnsReader) response(ts int64, link decode.LinkType, data []byte, wireLen int, hdr *decode.Packet) {
	if d.pkt == nil {
		d.pkt = new(decode.Packet)
		d.names = make([]byte, 0, answerNames)
	}
	p := d.pkt
	decode.DecodeStream(link, data, wireLen, p, nil)
	dns := &p.App.DNS
	if p.App.Layer != decode.LayerDNS {
		return
	}
	client := hdr.Flow.A
	if hdr.FromA {
		client = hdr.Flow.B
	}
	client = cacheAddr(hdr.Flow.Kind, client)
	for m := range dns.NumMsgs {
		msg := &dns.Msgs[m]
		if !msg.Response() {
			continue
		}
		names := d.names[:0]
		var qname []byte
		if msg.NumQ > 0 {
			names = p.AppendDNSName(names, m, dns.Qs[msg.FirstQ].Name)
			qname = names
		}
		n := 0
		for r := msg.FirstRR; r < msg.FirstRR+msg.NRR && n < maxAnswers; r++ {
			rr := &dns.RRs[r]
			if rr.Section != decode.DNSAnswer || cap(names)-len(names) < 2*maxNameText {
				continue
			}
			a := identity.Answer{TTL: rr.TTL}
			switch {
			case rr.Type == dnsA && rr.RDLen == 4:
				a.IsAddr = true
				copy(a.Addr[12:], p.App.Data[rr.RData:rr.RData+4])
				a.Addr[10], a.Addr[11] = 0xff, 0xff
			case rr.Type == dnsAAAA && rr.RDLen == 16:
				a.IsAddr = true
				copy(a.Addr[:], p.App.Data[rr.RData:rr.RData+16])
			case rr.Type == dnsCNAME:
				at := len(names)
				names = p.AppendDNSName(names, m, rr.RData)
				a.Target = names[at:]
			default:
				continue
			}
			at := len(names)
			names = p.AppendDNSName(names, m, rr.Name)
			a.Owner = names[at:]
			d.ans[n] = a
			n++
		}
		if n > 0 {
			d.record(ts, client, qname, d.ans[:n])
			for i := range d.ans[:n] {
				if a := &d.ans[i]; a.IsAddr {
					b := addrBit(&a.Addr)
					d.addrs[b/64].Or(1 << (b % 64))
				}
			}
			d.fed.Store(true)
		}
	}
}

// record puts a response's answers in the cache: under the question's
// name, or, for an mDNS response, which has no question (RFC 6762
// section 6: announcements and answers to multicast queries), each
// address under its own record's name ("printer.local"), as the whole
// link learns it.
func (d *dnsReader) record(ts int64, client [16]byte, qname []byte, ans []identity.Answer) {
	if qname != nil {
		d.cache.AddResponse(ts, client, qname, ans)
		return
	}
	for i := range ans {
		if a := &ans[i]; a.IsAddr {
			d.cache.Add(ts, client, a.Addr, a.Owner, a.TTL)
		}
	}
}

// dnsPort reports whether a UDP port carries DNS answers the cache
// learns from: DNS (53) and mDNS (5353).
func dnsPort(port uint16) bool { return port == 53 || port == 5353 }

// answered reports whether an answer may have named a flow key's
// address (a bit set false positive costs a question to the cache).
func (d *dnsFeed) answered(kind decode.FlowKind, a *[16]byte) bool {
	var b uint64
	if kind == decode.FlowIPv4 {
		b = addrBits64(0, mappedHigh(a))
	} else {
		b = addrBits64(binary.LittleEndian.Uint64(a[:8]), binary.LittleEndian.Uint64(a[8:]))
	}
	return d.addrs[b/64].Load()&(1<<(b%64)) != 0
}

// mappedHigh is the second half of an IPv4 key address's IPv4-mapped
// form (::ffff:a.b.c.d), read little-endian, without building the form.
func mappedHigh(a *[16]byte) uint64 {
	return 0xffff<<16 | uint64(binary.LittleEndian.Uint32(a[:4]))<<32
}

// addrBit is a cache-form address's bit in the answered-address set.
func addrBit(a *[16]byte) uint64 {
	return addrBits64(binary.LittleEndian.Uint64(a[:8]), binary.LittleEndian.Uint64(a[8:]))
}

func addrBits64(lo, hi uint64) uint64 {
	return ((lo ^ hi*0x9e3779b97f4a7c15) * 0xff51afd7ed558ccd) >> (64 - 18)
}

// maxNameText is the longest a DNS name can print (255 bytes, each byte
// escaped as four at worst).
const maxNameText = 4 * 255

// DNS record types the cache reads.
const (
	dnsA     = 1
	dnsCNAME = 5
	dnsAAAA  = 28
)

// cacheAddr converts a flow key's address to the cache's 16-byte form
// (IPv4 as IPv4-mapped IPv6).
func cacheAddr(kind decode.FlowKind, a [16]byte) [16]byte {
	if kind != decode.FlowIPv4 {
		return a
	}
	var m [16]byte
	m[10], m[11] = 0xff, 0xff
	copy(m[12:], a[:4])
	return m
}
