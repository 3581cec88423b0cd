package identity

import "sync"

// DNSCache remembers, from the DNS answers l7sniff saw, which name a
// client resolved to which address, so that a flow that carries no name of
// its own (ECH, no SNI, plain TCP to an address) can still be named. It is
// bounded in entries and in name bytes; the oldest entry goes first, and
// an entry stops answering when its TTL runs out. Time is the capture's,
// passed in, so replays and tests are exact.
//
// A DNSCache is safe for concurrent use. The engine adds answers from its
// capture stage, in capture order, before it hands later packets to the
// shards, and a shard asks once, when a flow without a name starts: so a
// flow sees exactly the answers that came before it on the wire, whatever
// the shard count. The one mutex is taken per DNS answer and per new
// unnamed flow, never per packet.
type DNSCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	entries    []dnsEntry // ring in insertion order, grown up to maxEntries as answers come
	next       int        // slot the next insert takes
	live       int
	byPair     map[dnsKey]int32   // (client, address) → slot
	byAddr     map[[16]byte]int32 // address → slot of its newest entry
	stats      DNSCacheStats
}

// DNSCacheStats counts what the cache did.
type DNSCacheStats struct {
	Entries  int    // entries held now
	Bytes    int    // name bytes held now
	Inserted uint64 // answers recorded
	Evicted  uint64 // entries pushed out by the entry or byte bound
	Hits     uint64 // lookups answered
	Expired  uint64 // lookups that found only an expired entry
}

type dnsKey struct{ client, addr [16]byte }

type dnsEntry struct {
	key     dnsKey
	name    string
	expires int64 // capture time, Unix nanoseconds
	used    bool
}

// Default bounds of the DNS cache.
const (
	DefaultDNSCacheEntries = 65536
	DefaultDNSCacheBytes   = 4 << 20
)

// NewDNSCache returns a cache of at most maxEntries entries holding at most
// maxBytes bytes of names; values ≤ 0 mean the defaults.
func NewDNSCache(maxEntries, maxBytes int) *DNSCache {
	if maxEntries <= 0 {
		maxEntries = DefaultDNSCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultDNSCacheBytes
	}
	return &DNSCache{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		// Grown as answers come: a capture without DNS pays nothing, and
		// the pipeline starts without zeroing megabytes.
		entries: make([]dnsEntry, 0, min(maxEntries, 256)),
		byPair:  make(map[dnsKey]int32),
		byAddr:  make(map[[16]byte]int32),
	}
}

// Add records that client resolved name to addr at now (Unix nanoseconds)
// with the answer's TTL in seconds. Addresses are 16 bytes (IPv4 as
// IPv4-mapped IPv6). Re-adding the same name only refreshes its expiry and
// allocates nothing.
func (c *DNSCache) Add(now int64, client, addr [16]byte, name []byte, ttl uint32) {
	if len(name) == 0 || len(name) > MaxHostLen {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Inserted++
	k := dnsKey{client, addr}
	expires := now + int64(ttl)*1e9
	if i, ok := c.byPair[k]; ok && c.entries[i].name == string(name) {
		c.entries[i].expires = expires
		c.byAddr[addr] = i
		return
	} else if ok {
		c.drop(int(i))
	}
	for c.live > 0 && (c.live >= c.maxEntries || c.bytes+len(name) > c.maxBytes) {
		c.evictOldest()
	}
	i := c.next
	c.next = (c.next + 1) % c.maxEntries
	if i == len(c.entries) { // not full yet: the ring grows
		c.entries = append(c.entries, dnsEntry{})
	}
	if c.entries[i].used {
		c.evictAt(i)
	}
	c.entries[i] = dnsEntry{key: k, name: string(name), expires: expires, used: true}
	c.byPair[k] = int32(i)
	c.byAddr[addr] = int32(i)
	c.live++
	c.bytes += len(name)
}

// Lookup returns the name client most recently resolved to addr, or,
// failing that, the name anyone most recently resolved to it, while its
// TTL lasts.
func (c *DNSCache) Lookup(now int64, client, addr [16]byte) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.byPair[dnsKey{client, addr}]
	if !ok {
		i, ok = c.byAddr[addr]
	}
	if !ok {
		return "", false
	}
	e := &c.entries[i]
	if e.expires <= now {
		c.stats.Expired++
		return "", false
	}
	c.stats.Hits++
	return e.name, true
}

// Stats returns the counters.
func (c *DNSCache) Stats() DNSCacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes = c.live, c.bytes
	return s
}

// evictOldest removes the entry that was inserted first.
func (c *DNSCache) evictOldest() {
	n := len(c.entries)
	for j := 0; j < n; j++ {
		i := (c.next + j) % n
		if c.entries[i].used {
			c.evictAt(i)
			return
		}
	}
}

func (c *DNSCache) evictAt(i int) {
	c.stats.Evicted++
	c.drop(i)
}

// drop forgets slot i.
func (c *DNSCache) drop(i int) {
	e := &c.entries[i]
	if !e.used {
		return
	}
	if j, ok := c.byPair[e.key]; ok && int(j) == i {
		delete(c.byPair, e.key)
	}
	if j, ok := c.byAddr[e.key.addr]; ok && int(j) == i {
		delete(c.byAddr, e.key.addr)
	}
	c.live--
	c.bytes -= len(e.name)
	*e = dnsEntry{}
}

// Answer is one resource record of a DNS response, as AddResponse needs
// it: an address record (IsAddr, Addr) or a CNAME (Target) for Owner.
type Answer struct {
	Owner  []byte
	Target []byte
	Addr   [16]byte
	IsAddr bool
	TTL    uint32
}

// maxChain bounds how many CNAME hops AddResponse follows.
const maxChain = 8

// AddResponse records the addresses a response gives for its question
// qname: those of address records whose owner is qname or is reached from
// it through the response's CNAME chain. Each is recorded under qname,
// the name the client asked for.
func (c *DNSCache) AddResponse(now int64, client [16]byte, qname []byte, answers []Answer) {
	var reached [maxChain + 1][]byte
	reached[0] = qname
	n := 1
	for grew := true; grew && n < len(reached); {
		grew = false
		for i := range answers {
			a := &answers[i]
			if a.IsAddr || len(a.Target) == 0 || !nameIn(a.Owner, reached[:n]) || nameIn(a.Target, reached[:n]) {
				continue
			}
			reached[n] = a.Target
			n++
			grew = true
			if n == len(reached) {
				break
			}
		}
	}
	for i := range answers {
		if a := &answers[i]; a.IsAddr && nameIn(a.Owner, reached[:n]) {
			c.Add(now, client, a.Addr, qname, a.TTL)
		}
	}
}

func nameIn(name []byte, set [][]byte) bool {
	for _, s := range set {
		if equalFold(name, s) {
			return true
		}
	}
	return false
}

// equalFold compares DNS names ASCII-case-insensitively, ignoring one
// trailing dot on either side.
func equalFold(a, b []byte) bool {
	a, b = trimDot(a), trimDot(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func trimDot(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '.' {
		return b[:len(b)-1]
	}
	return b
}
