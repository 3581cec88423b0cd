package engine

import (
	"cmp"
	"slices"
	"strings"
	"sync/atomic"
)

// statSet is a shard's traffic counters by name (verdicts, services):
// the shard bumps the plain fields of each counter per packet and
// publishes them after each batch; readers see the list of counters
// through pub, replaced (never changed) when a name is added, so the
// cost of reading grows with the names, not with the flows.
type statSet struct {
	byName map[string]*appCounter
	pub    atomic.Pointer[[]*appCounter]
}

func (s *statSet) init() {
	s.byName = make(map[string]*appCounter)
	s.pub.Store(&[]*appCounter{})
}

// counter returns the shard's counter for name, making it (and
// publishing the longer list, copied: readers hold the old one) the
// first time.
func (s *statSet) counter(name string) *AppStat {
	if a := s.byName[name]; a != nil {
		return &a.AppStat
	}
	a := &appCounter{AppStat: AppStat{Name: name}}
	s.byName[name] = a
	list := append(slices.Clone(*s.pub.Load()), a)
	s.pub.Store(&list)
	return &a.AppStat
}

// publish stores the counters that changed since the last time.
func (s *statSet) publish() {
	for _, a := range *s.pub.Load() {
		if a.pub.packets.Load() != a.Packets || a.pub.flows.Load() != a.Flows {
			a.pub.flows.Store(a.Flows)
			a.pub.packets.Store(a.Packets)
			a.pub.bytes.Store(a.Bytes)
		}
	}
}

// sumStats adds up one statSet of every shard, biggest first.
func (e *Engine) sumStats(set func(*shard) *statSet) []AppStat {
	var out []AppStat
	for _, s := range e.shards {
		for _, c := range *set(s).pub.Load() {
			i := slices.IndexFunc(out, func(a AppStat) bool { return a.Name == c.Name })
			if i < 0 {
				out = append(out, AppStat{Name: c.Name})
				i = len(out) - 1
			}
			out[i].Flows += c.pub.flows.Load()
			out[i].Packets += c.pub.packets.Load()
			out[i].Bytes += c.pub.bytes.Load()
		}
	}
	SortApps(out)
	return out
}

// SortApps orders apps biggest first, then by name, as Apps returns
// them; reports that total flows themselves sort the same way.
func SortApps(apps []AppStat) {
	slices.SortFunc(apps, func(a, b AppStat) int {
		if c := cmp.Compare(b.Bytes, a.Bytes); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}
