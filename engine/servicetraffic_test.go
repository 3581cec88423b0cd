package engine

import (
	"context"
	"strings"
	"testing"

	"l7sniff/engine/identity"
)

// TestServiceTraffic: the per-service totals are the sums over the flows
// the engine gave that service, counted from each flow's first packet.
func TestServiceTraffic(t *testing.T) {
	rules := identity.NewServices()
	if errs := rules.Parse("test.rules", strings.NewReader("demo demo.l7sniff.test\n")); len(errs) > 0 {
		t.Fatal(errs)
	}
	e, err := New(Config{Source: SourceConfig{File: demoPcap}, Shards: 2, Patterns: defaultSet(t), Services: rules})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]AppStat{}
	for _, f := range e.FlowPage(FlowQuery{Limit: 1 << 20}).Flows {
		if f.Service == "" {
			continue
		}
		w := want[f.Service]
		w.Name = f.Service
		w.Flows++
		w.Packets += f.TotalPackets()
		w.Bytes += f.TotalBytes()
		want[f.Service] = w
	}
	if len(want) == 0 {
		t.Fatal("no flow of demo.pcap was named by the rule demo.l7sniff.test")
	}
	got := e.ServiceTraffic()
	if len(got) != len(want) {
		t.Errorf("ServiceTraffic %+v, want %+v", got, want)
	}
	for _, g := range got {
		if g != want[g.Name] {
			t.Errorf("service %s: %+v, want %+v (the sum over its flows)", g.Name, g, want[g.Name])
		}
	}
}

// A flow whose service changes (a DNS-cache name, then its own SNI) moves
// its whole traffic to the new service.
func TestServiceTrafficMoves(t *testing.T) {
	s := &shard{e: &Engine{}}
	s.services.init()
	f := &flow{cell: &verdictCell{}, pkts: [2]uint64{2, 1}, bytes: [2]uint64{100, 50}}
	s.setIdentity(f, &flowIdentity{host: "a.example", source: HostSourceDNSCache, service: "a"})
	f.pkts[0]++ // a packet, counted as process does
	f.bytes[0] += 10
	f.svc.Packets++
	f.svc.Bytes += 10
	s.setIdentity(f, &flowIdentity{host: "b.example", source: HostSourceSNI, service: "b"})
	a, b := s.services.byName["a"].AppStat, s.services.byName["b"].AppStat
	if a != (AppStat{Name: "a"}) || b != (AppStat{Name: "b", Flows: 1, Packets: 4, Bytes: 160}) {
		t.Errorf("after the move: a %+v, b %+v; want a empty, b 1 flow 4 packets 160 bytes", a, b)
	}
	if f.cell.identity().host != "b.example" {
		t.Errorf("cell identity %+v, want the new one", f.cell.identity())
	}
}
