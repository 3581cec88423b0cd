package engine

import (
	"testing"
	"time"

	"l7sniff/patterns"
)

// TestFlowsLimitedCounted: a flow that reaches the packet limit with no
// match is counted in Stats.FlowsLimited; one that matched, and one that
// is still classifying when the capture ends, are not.
func TestFlowsLimitedCounted(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	set := patternSet(t, patterns.Options{}, map[string]string{"foo": "foo"})
	var frames []testFrame
	add := func(sport uint16, payload string) {
		frames = append(frames, testFrame{t0.Add(time.Duration(len(frames)) * time.Millisecond),
			udpFrame(t, "10.0.0.1", "10.0.0.2", sport, 9999, []byte(payload))})
	}
	for range 3 {
		add(1000, "zzz") // limited at its second packet
		add(2000, "zzz") // limited at its second packet
	}
	add(3000, "a foo") // matched
	add(3000, "zzz")
	add(4000, "zzz") // one packet: still classifying at the end
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 2, MaxPackets: 2, Patterns: set})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Stats().FlowsLimited; got != 2 {
		t.Errorf("FlowsLimited = %d, want 2", got)
	}
}

// TestByteLimitCounted: a flow whose payload spends the byte budget with
// no match is counted in Stats.FlowsLimited too; one that no pattern can
// match any more before the budget ("^foo" after a first "x") is not.
func TestByteLimitCounted(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	set := patternSet(t, patterns.Options{MaxBytes: 100}, map[string]string{"foo": "foo", "bar": "^bar"})
	var frames []testFrame
	add := func(sport uint16, payload []byte) {
		frames = append(frames, testFrame{t0.Add(time.Duration(len(frames)) * time.Millisecond),
			udpFrame(t, "10.0.0.1", "10.0.0.2", sport, 9999, payload)})
	}
	filler := make([]byte, 60)
	for i := range filler {
		filler[i] = 'z'
	}
	add(1000, filler)
	add(1000, filler) // 120 bytes: past the 100-byte budget, unknown
	add(2000, []byte("zz"))
	e, err := runEngine(t, Config{Source: SourceConfig{File: writeCapture(t, frames)}, Shards: 1, MaxPackets: 10, Patterns: set})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Stats().FlowsLimited; got != 1 {
		t.Errorf("FlowsLimited = %d, want 1 (the flow that spent its byte budget)", got)
	}
}
