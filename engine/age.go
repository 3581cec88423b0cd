package engine

// ageList schedules active-timeout reports: a second list through the flow
// table's slots, in the order flows were last reported (or created), so
// the flows that are due are all at its head and a sweep costs only what
// it reports. Its links sit beside the slab rather than in it: it is
// empty, and costs nothing, while every is 0 (no IPFIX export, or no
// active timeout).
type ageList struct {
	head, tail int32
	every      int64         // the active timeout, nanoseconds of capture time
	report     func(f *flow) // called for each live flow that is due
	links      []ageLink     // slot i's place in the list, len(slab) long
}

// ageLink is one slot's place in the age list and when its flow was last
// reported (capture time; 0: never).
type ageLink struct {
	prev, next int32
	reportedAt int64
}

// reportEvery turns on active-timeout reports.
func (t *flowTable) reportEvery(every int64, report func(*flow)) {
	t.ages.every, t.ages.report = every, report
}

// ageNew schedules the new flow in slot i.
func (t *flowTable) ageNew(i int32) {
	if t.ages.every == 0 {
		return
	}
	if int(i) == len(t.ages.links) {
		t.ages.links = append(t.ages.links, ageLink{})
	}
	t.ages.links[i] = ageLink{}
	t.agePush(i)
}

// agePush appends flow i at the tail: the last to be due.
func (t *flowTable) agePush(i int32) {
	if t.ages.every == 0 {
		return
	}
	l := t.ages.links
	l[i].prev, l[i].next = t.ages.tail, -1
	if t.ages.tail >= 0 {
		l[t.ages.tail].next = i
	} else {
		t.ages.head = i
	}
	t.ages.tail = i
}

func (t *flowTable) ageUnlink(i int32) {
	if t.ages.every == 0 {
		return
	}
	l := t.ages.links
	if p := l[i].prev; p >= 0 {
		l[p].next = l[i].next
	} else {
		t.ages.head = l[i].next
	}
	if n := l[i].next; n >= 0 {
		l[n].prev = l[i].prev
	} else {
		t.ages.tail = l[i].prev
	}
}

// reportActive reports every flow that has gone an active timeout without
// a report, and reschedules it.
func (t *flowTable) reportActive(now int64) {
	if t.ages.every == 0 {
		return
	}
	for n := 0; t.ages.head >= 0 && n < maxSweep; n++ {
		i := t.ages.head
		f := t.slab.at(i)
		since := t.ages.links[i].reportedAt
		if since == 0 {
			since = f.first
		}
		if now-since < t.ages.every {
			return
		}
		t.ages.report(f)
		t.ages.links[i].reportedAt = now
		t.ageUnlink(i)
		t.agePush(i)
	}
}
