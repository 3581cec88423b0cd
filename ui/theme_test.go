package ui

import (
	"testing"

	"l7sniff/decode"
)

// TestColourRulesHeedVerdict: port rules stand in only until the payload
// has spoken. The demo's BitTorrent flow on 8080 is not painted as HTTP,
// its HTTP flows on 80 are, and a flow still classifying on 80 is too.
func TestColourRulesHeedVerdict(t *testing.T) {
	e := demoEngine(t)
	name := func(seq uint64, app string) string {
		t.Helper()
		v, ok := e.Ring().Get(seq)
		if !ok {
			t.Fatalf("packet %d not kept", seq)
		}
		var p decode.Packet
		decode.Decode(v.Link, v.Data, v.WireLen, &p)
		if app == "" {
			app = v.App
		}
		if i := ruleFor(&p, app); i >= 0 {
			return rules[i].name
		}
		return "none"
	}
	// 296: the BitTorrent handshake on 8080 (no SYN/FIN to colour it).
	if v, _ := e.Ring().Get(296); v.App != "bittorrent" || !v.Mismatch {
		t.Fatalf("packet 296 is %q (mismatch %v), want the bittorrent flow on 8080", v.App, v.Mismatch)
	}
	if got := name(296, ""); got == "http" {
		t.Errorf("bittorrent on 8080 painted %q", got)
	}
	if got := name(296, "classifying"); got != "http" {
		t.Errorf("a flow on 8080 still classifying painted %q, want http by its port", got)
	}
	if got := name(6, ""); got != "http" {
		t.Errorf("HTTP request painted %q", got)
	}
}
