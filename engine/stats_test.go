package engine

import (
	"context"
	"testing"
)

// TestStatsWhileRunning reads the counters, the traffic by verdict and
// pages of flows while the shards work (run it with -race): counters
// never go back, and at the end the per-verdict flow counts the shards
// published are the flows that carry each verdict.
func TestStatsWhileRunning(t *testing.T) {
	const packets = 5000
	e, err := New(Config{Source: SourceConfig{File: demoPcap}, Loop: true, Count: packets, Shards: 2, Patterns: defaultSet(t)})
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- e.Run(context.Background()) }()
	var last Stats
	reads := 0
	for running := true; running; reads++ {
		select {
		case err := <-ran:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		st := e.Stats()
		if st.Packets < last.Packets || st.FlowsExpired < last.FlowsExpired || st.FlowsEvicted < last.FlowsEvicted {
			t.Fatalf("counters went back: %+v after %+v", st, last)
		}
		last = st
		e.Apps()
		if p := e.FlowPage(FlowQuery{Order: ByBytes, Desc: true, Limit: 5}); len(p.Flows) > p.Total {
			t.Fatalf("%d flows on a page of %d", len(p.Flows), p.Total)
		}
	}
	if st := e.Stats(); st.Packets != packets || !st.Done {
		t.Errorf("after Run: %d packets (done %v), want %d", st.Packets, st.Done, packets)
	}
	withApp := map[string]uint64{}
	for _, f := range e.Flows() {
		withApp[f.App]++
	}
	apps := e.Apps()
	if len(apps) == 0 {
		t.Fatal("no verdicts published")
	}
	for _, a := range apps {
		if a.Name != AppUnknown && a.Flows != withApp[a.Name] {
			t.Errorf("%s: %d flows published, %d flows carry it", a.Name, a.Flows, withApp[a.Name])
		}
	}
	t.Logf("%d reads while running; %v", reads, apps)
}
