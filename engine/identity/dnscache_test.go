package identity

import (
	"fmt"
	"net/netip"
	"testing"
)

func addr(s string) [16]byte { return netip.MustParseAddr(s).As16() }

func a4(s string) [16]byte { return netip.AddrFrom16(addr(s)).Unmap().As16() }

const sec = int64(1e9)

func TestDNSCacheFollowsCNAMEChain(t *testing.T) {
	c := NewDNSCache(0, 0)
	client := a4("10.0.0.1")
	// www.example.com CNAME edge.example.net CNAME e1.cdn.example; A 192.0.2.7.
	// The unrelated record must not be named www.example.com.
	c.AddResponse(100*sec, client, []byte("www.example.com"), []Answer{
		{Owner: []byte("WWW.Example.com."), Target: []byte("edge.example.net"), TTL: 300},
		{Owner: []byte("edge.example.net"), Target: []byte("e1.cdn.example"), TTL: 300},
		{Owner: []byte("e1.cdn.example"), Addr: a4("192.0.2.7"), IsAddr: true, TTL: 20},
		{Owner: []byte("other.example"), Addr: a4("192.0.2.99"), IsAddr: true, TTL: 20},
	})
	if name, ok := c.Lookup(110*sec, client, a4("192.0.2.7")); !ok || name != "www.example.com" {
		t.Errorf("Lookup = %q, %v; want www.example.com", name, ok)
	}
	if name, ok := c.Lookup(110*sec, client, a4("192.0.2.99")); ok {
		t.Errorf("unrelated address named %q", name)
	}
	// The A record's TTL (20 s) ends the entry.
	if name, ok := c.Lookup(120*sec, client, a4("192.0.2.7")); ok {
		t.Errorf("expired entry still answers %q", name)
	}
	if s := c.Stats(); s.Hits != 1 || s.Expired != 1 || s.Inserted != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestDNSCacheCNAMELoopIsBounded(t *testing.T) {
	c := NewDNSCache(0, 0)
	c.AddResponse(0, a4("10.0.0.1"), []byte("a.example"), []Answer{
		{Owner: []byte("a.example"), Target: []byte("b.example")},
		{Owner: []byte("b.example"), Target: []byte("a.example")},
		{Owner: []byte("b.example"), Addr: a4("192.0.2.1"), IsAddr: true, TTL: 60},
	})
	if name, ok := c.Lookup(0, a4("10.0.0.1"), a4("192.0.2.1")); name != "a.example" || !ok {
		t.Errorf("Lookup = %q, %v", name, ok)
	}
}

func TestDNSCachePrefersTheClientsOwnAnswer(t *testing.T) {
	c := NewDNSCache(0, 0)
	srv := addr("2001:db8::80")
	c.Add(0, a4("10.0.0.1"), srv, []byte("one.example"), 60)
	c.Add(1, a4("10.0.0.2"), srv, []byte("two.example"), 60)
	for client, want := range map[string]string{"10.0.0.1": "one.example", "10.0.0.2": "two.example", "10.0.0.3": "two.example"} {
		if got, _ := c.Lookup(2, a4(client), srv); got != want {
			t.Errorf("client %s: %q, want %q", client, got, want)
		}
	}
	// A newer answer for the same client replaces the older one.
	c.Add(3, a4("10.0.0.1"), srv, []byte("uno.example"), 60)
	if got, _ := c.Lookup(4, a4("10.0.0.1"), srv); got != "uno.example" {
		t.Errorf("after re-resolve: %q", got)
	}
	if s := c.Stats(); s.Entries != 2 {
		t.Errorf("entries = %d, want 2", s.Entries)
	}
}

func TestDNSCacheBounds(t *testing.T) {
	c := NewDNSCache(4, 1000)
	client := a4("10.0.0.1")
	for i := range 10 {
		c.Add(0, client, a4(fmt.Sprintf("192.0.2.%d", i)), []byte(fmt.Sprintf("h%d.example", i)), 60)
	}
	s := c.Stats()
	if s.Entries != 4 || s.Evicted != 6 {
		t.Errorf("entry bound: %+v, want 4 entries, 6 evicted", s)
	}
	for i := range 10 {
		_, ok := c.Lookup(0, client, a4(fmt.Sprintf("192.0.2.%d", i)))
		if ok != (i >= 6) {
			t.Errorf("192.0.2.%d present = %v; the oldest go first", i, ok)
		}
	}
	// The byte bound: names of 100 bytes, 250 allowed → two fit.
	b := NewDNSCache(100, 250)
	for i := range 5 {
		name := fmt.Sprintf("%097d.ex", i)
		b.Add(0, client, a4(fmt.Sprintf("192.0.2.%d", i)), []byte(name), 60)
	}
	if s := b.Stats(); s.Entries != 2 || s.Bytes != 200 || s.Evicted != 3 {
		t.Errorf("byte bound: %+v, want 2 entries of 200 bytes, 3 evicted", s)
	}
}

func TestDNSCacheAllocations(t *testing.T) {
	c := NewDNSCache(0, 0)
	client, srv, name := a4("10.0.0.1"), a4("192.0.2.1"), []byte("www.example.com")
	c.Add(0, client, srv, name, 60)
	if n := testing.AllocsPerRun(100, func() { c.Add(1, client, srv, name, 60) }); n != 0 {
		t.Errorf("refreshing an entry allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { c.Lookup(2, client, srv) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}
