package main

import (
	"testing"
	"time"
)

// TestAppendClock holds the line printer's clock to the layout it stands
// for, across zones, midnight and the microsecond's digits.
func TestAppendClock(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("X", -(9*3600 + 30*60)), time.FixedZone("Y", 13*3600+45*60)}
	for _, loc := range zones {
		for _, ns := range []int64{0, 1, 999, 1000, 123456789, 86399999999999, 1733335199000001000, 1733356800987654321} {
			tm := time.Unix(0, ns).In(loc)
			want := tm.Format("15:04:05.000000")
			if got := string(appendClock([]byte(">"), tm)); got != ">"+want {
				t.Errorf("appendClock(%v) = %q, want %q", tm, got, ">"+want)
			}
		}
	}
}
