package engine

import (
	"testing"

	"l7sniff/decode"
	"l7sniff/decode/decodetest"
	"l7sniff/engine/capture"
)

// TestTunnelledTwins wraps every IP frame of the demo capture in VXLAN,
// GRE and GTP-U and checks that each flow inside the tunnel is found and
// classified as its plain twin is: same inner endpoints, same verdict,
// same port guess, keyed by the tunnel's identity.
func TestTunnelledTwins(t *testing.T) {
	_, recs := readCapture(t, demoPcap)
	flowsOf := func(file string) map[string]FlowView {
		e, err := runEngine(t, Config{Source: SourceConfig{File: file}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]FlowView{}
		for _, f := range e.Flows() {
			if f.Key.Proto == decode.IPProtoTCP || f.Key.Proto == decode.IPProtoUDP {
				out[f.Proto+" "+f.A()+" "+f.B()] = f
			}
		}
		return out
	}
	plain := flowsOf(demoPcap)
	apps := map[string]int{}
	for _, f := range plain {
		apps[f.App]++
	}
	if apps["http"] == 0 || apps["ssl"] == 0 {
		t.Fatalf("the demo capture's plain flows lack HTTP or TLS verdicts: %v", apps)
	}
	for _, tun := range []struct {
		name string
		kind decode.Layer
		wrap func(uint32, []byte) []byte
	}{
		{"vxlan", decode.LayerVXLAN, decodetest.InVXLAN},
		{"gre", decode.LayerGRE, decodetest.InGRE},
		{"gtpu", decode.LayerGTP, decodetest.InGTPU},
	} {
		t.Run(tun.name, func(t *testing.T) {
			var frames []testFrame
			for _, r := range recs {
				if len(r.data) < 14 {
					continue
				}
				if etype := uint16(r.data[12])<<8 | uint16(r.data[13]); etype != 0x0800 && etype != 0x86dd {
					continue
				}
				frames = append(frames, testFrame{r.ci.Timestamp, tun.wrap(77, r.data)})
			}
			wrapped := flowsOf(writeCapture(t, frames))
			agree := 0
			for k, want := range plain {
				got, ok := wrapped[k]
				switch {
				case !ok:
					t.Errorf("%s: no such flow inside the tunnel", k)
				case got.App != want.App || got.PortGuess != want.PortGuess:
					t.Errorf("%s: verdict %s (guess %s) inside %s, %s (guess %s) plain", k, got.App, got.PortGuess, tun.name, want.App, want.PortGuess)
				case got.Key.Tunnel != (decode.TunnelID{Kind: tun.kind, ID: 77}):
					t.Errorf("%s: tunnel id %+v", k, got.Key.Tunnel)
				default:
					agree++
				}
			}
			t.Logf("%s: %d of %d flows classified as their plain twin", tun.name, agree, len(plain))
		})
	}
}

// TestTunnelBPFOuter checks that filters see a tunnelled frame as libpcap
// does, by its outer headers (the flow and the summary are the inner
// conversation's; a filter expression is about the wire).
func TestTunnelBPFOuter(t *testing.T) {
	frame := decodetest.InVXLAN(5, decodetest.EthIPv4TCP(60))
	for expr, want := range map[string]bool{
		"udp port 4789":      true,
		"host 192.0.2.1":     true,
		"tcp port 80":        false,
		"host 10.0.0.1":      false,
		"udp and len >= 100": true,
	} {
		f, err := capture.CompileBPF(decode.LinkEthernet, 65535, expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := f.Match(frame, len(frame)); got != want {
			t.Errorf("%q matches the VXLAN frame: %v, want %v (libpcap's answer)", expr, got, want)
		}
	}
}
