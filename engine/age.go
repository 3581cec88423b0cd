package engine

// ageList schedules active-timeout reports: a second list through the flow
// table's slab, in the order flows were last reported (or created), so the
// flows that are due are all at its head and a sweep costs only what it
// reports. It is empty, and costs nothing, while every is 0.
type ageList struct {
	head, tail int32
	every      int64         // the active timeout, nanoseconds of capture time
	report     func(f *flow) // called for each live flow that is due
}

// reportEvery turns on active-timeout reports.
func (t *flowTable) reportEvery(every int64, report func(*flow)) {
	t.ages.every, t.ages.report = every, report
}

// agePush appends flow i at the tail: the last to be due.
func (t *flowTable) agePush(i int32) {
	if t.ages.every == 0 {
		return
	}
	f := &t.slab[i]
	f.aprev, f.anext = t.ages.tail, -1
	if t.ages.tail >= 0 {
		t.slab[t.ages.tail].anext = i
	} else {
		t.ages.head = i
	}
	t.ages.tail = i
}

func (t *flowTable) ageUnlink(i int32) {
	if t.ages.every == 0 {
		return
	}
	f := &t.slab[i]
	if f.aprev >= 0 {
		t.slab[f.aprev].anext = f.anext
	} else {
		t.ages.head = f.anext
	}
	if f.anext >= 0 {
		t.slab[f.anext].aprev = f.aprev
	} else {
		t.ages.tail = f.aprev
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
		f := &t.slab[i]
		since := f.reportedAt
		if since == 0 {
			since = f.first
		}
		if now-since < t.ages.every {
			return
		}
		t.ages.report(f)
		f.reportedAt = now
		t.ageUnlink(i)
		t.agePush(i)
	}
}
