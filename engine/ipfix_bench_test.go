package engine_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/capture"
	"l7sniff/engine/ipfix"
	"l7sniff/engine/output"
	"l7sniff/patterns"
)

// BenchmarkIPFIXExport is what `l7sniff -r FILE --flows` costs with and
// without --ipfix to a local collector, side by side (goal: export adds
// less than 5%). Each op runs both, in alternating order, so that load
// from elsewhere on the machine hits both alike; the metrics are the
// medians and the overhead between them. The capture is
// $L7SNIFF_BENCH_PCAP (`make bench-ipfix` uses the benchmark capture), or
// one made here: 2,000 concurrent IPv4 and IPv6 flows of 100 packets over
// 200 s of capture time, so that 60 s active timeouts fire as well as the
// end-of-capture export.
func BenchmarkIPFIXExport(b *testing.B) {
	path := os.Getenv("L7SNIFF_BENCH_PCAP")
	if path == "" {
		path = filepath.Join(b.TempDir(), "flows.pcap")
		writeFlowCapture(b, path, 2000, 100)
	}
	set, _ := patterns.Default()
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := sink.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	var plain, export []float64
	var records, dropped uint64
	for i := 0; b.Loop(); i++ {
		for _, withExport := range []bool{i%2 == 0, i%2 != 0} {
			start := time.Now()
			st := runFlowsReport(b, path, set, withExport, sink.LocalAddr().String())
			ms := float64(time.Since(start)) / 1e6
			if withExport {
				export = append(export, ms)
				records += st.Exported
				dropped += st.ExportDropped
			} else {
				plain = append(plain, ms)
			}
		}
	}
	p, x := median(plain), median(export)
	b.ReportMetric(p, "flows-ms")
	b.ReportMetric(x, "flows+ipfix-ms")
	b.ReportMetric(100*(x-p)/p, "overhead-%")
	b.ReportMetric(float64(records)/float64(len(export)), "records/op")
	b.ReportMetric(float64(dropped)/float64(len(export)), "dropped/op")
}

// runFlowsReport does what `l7sniff -r path --flows [--ipfix sink]` does.
func runFlowsReport(b *testing.B, path string, set *patterns.Set, export bool, sink string) engine.Stats {
	cfg := engine.Config{Source: engine.SourceConfig{File: path}, Patterns: set, ActiveTimeout: ipfix.DefaultActiveTimeout}
	if export {
		x, err := ipfix.New(ipfix.Config{Collectors: []string{sink}})
		if err != nil {
			b.Fatal(err)
		}
		cfg.Export = x
	}
	e, err := engine.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	st := e.Stats()
	if err := output.WriteFlowReport(io.Discard, e.Flows(), st); err != nil {
		b.Fatal(err)
	}
	return st
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}

// writeFlowCapture writes flows×rounds TCP packets evenly over 200 s of
// capture time: each round, every flow sends one packet, client and
// server taking turns.
func writeFlowCapture(b *testing.B, path string, flows, rounds int) {
	w, err := capture.CreatePcap(path, 0o600, decode.LinkEthernet, capture.DefaultSnaplen, true)
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n")
	frame := make([]byte, 0, 256)
	ts := int64(1_700_000_000e9)
	step := int64(200e9) / int64(flows*rounds)
	for r := range rounds {
		for f := range flows {
			v6 := f%4 == 0
			fromClient := r%2 == 0
			frame = appendTCPFrame(frame[:0], v6, uint32(f), fromClient, payload)
			if err := w.WritePacket(ts, frame, len(frame)); err != nil {
				b.Fatal(err)
			}
			ts += step
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// appendTCPFrame builds Ethernet + IPv4/IPv6 + TCP (ACK|PSH) for flow n
// between a client 10.x / 2001:db8::x and a server on port 80.
func appendTCPFrame(b []byte, v6 bool, n uint32, fromClient bool, payload []byte) []byte {
	client, server := make([]byte, 4), []byte{192, 0, 2, 80}
	binary.BigEndian.PutUint32(client, 10<<24|n)
	if v6 {
		c6, s6 := make([]byte, 16), make([]byte, 16)
		copy(c6, []byte{0x20, 0x01, 0x0d, 0xb8})
		copy(s6, []byte{0x20, 0x01, 0x0d, 0xb8, 0xff})
		binary.BigEndian.PutUint32(c6[12:], n)
		s6[15] = 80
		client, server = c6, s6
	}
	src, dst := client, server
	sport, dport := uint16(1024+n%60000), uint16(80)
	if !fromClient {
		src, dst, sport, dport = server, client, dport, sport
	}
	etype := uint16(0x0800)
	if v6 {
		etype = 0x86dd
	}
	b = append(b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	b = binary.BigEndian.AppendUint16(b, etype)
	tcpLen := 20 + len(payload)
	if v6 {
		b = append(b, 0x60, 0, 0, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(tcpLen))
		b = append(b, 6, 64)
	} else {
		b = append(b, 0x45, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(20+tcpLen))
		b = append(b, 0, 0, 0x40, 0, 64, 6, 0, 0)
	}
	b = append(b, src...)
	b = append(b, dst...)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = append(b, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0)
	return append(b, payload...)
}
