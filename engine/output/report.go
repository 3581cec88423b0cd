package output

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"l7sniff/engine"
)

// WriteFlowReport prints the flows and per-protocol totals the way
// ndpiReader does at the end of a run: one line per flow (5-tuple,
// packets, bytes, duration, verdict, port guess, identity: host and where
// it came from, ALPN, TLS version, service; mismatch flag), then the
// totals by protocol and by service, biggest first.
// The first write error ends the report and is returned.
func WriteFlowReport(out io.Writer, flows []engine.FlowView, st engine.Stats) error {
	sortFlows(flows)
	w := &stickyWriter{w: out}
	// One line at a time (writeAligned), not tabwriter's whole table.
	writeAligned(w, len(flows)+1, func(i int, b []byte) []byte {
		if i == 0 {
			return append(b, "#\tproto\tA\tB\tpkts A→B\tpkts B→A\tbytes\tduration\tverdict\tport guess\thost\thost source\talpn\ttls\tservice\tnote\n"...)
		}
		return appendFlowLine(b, &flows[i-1])
	})
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "protocol\tflows\tpackets\tbytes\t")
	for _, a := range totals(flows) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", Escape(a.Name), a.Flows, a.Packets, a.Bytes)
	}
	tw.Flush()
	if services := serviceTotals(flows); len(services) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "service\tflows\tpackets\tbytes\t")
		for _, a := range services {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", orDash(a.Name), a.Flows, a.Packets, a.Bytes)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\n%d packets, %d bytes, %d flows (%d evicted early, %d not listed)\n",
		st.Packets, st.Bytes, len(flows), st.FlowsEvicted, st.FlowsLost)
	if st.FlowsUndecided+st.TCPDuplicates+st.TCPReordered+st.TCPGaps > 0 {
		fmt.Fprintf(w, "classification: %d flows ended before a verdict (unknown); TCP segments: %d duplicates skipped, %d reordered, %d gaps skipped\n",
			st.FlowsUndecided, st.TCPDuplicates, st.TCPReordered, st.TCPGaps)
	}
	if st.KernelOK {
		fmt.Fprintf(w, "%d packets received by filter, %d dropped by kernel\n", st.KernelReceived, st.KernelDropped)
	}
	if st.Exporting {
		fmt.Fprintf(w, "%d IPFIX records exported, %d dropped\n", st.Exported, st.ExportDropped)
	}
	if w.err != nil {
		return fmt.Errorf("flow report: %w", w.err)
	}
	return nil
}

// appendFlowLine appends flow f's line of the report, its cells
// separated by tabs. It appends rather than formats (writeAligned makes
// every line twice).
func appendFlowLine(b []byte, f *engine.FlowView) []byte {
	b = strconv.AppendUint(b, f.ID, 10)
	for _, c := range [...]string{f.Proto, Escape(f.A()), Escape(f.B())} {
		b = append(append(b, '\t'), c...)
	}
	for _, n := range [...]uint64{f.Packets[0], f.Packets[1], f.TotalBytes()} {
		b = strconv.AppendUint(append(b, '\t'), n, 10)
	}
	note := ""
	if f.Mismatch {
		note = "MISMATCH"
	}
	for _, c := range [...]string{f.Duration().Round(time.Millisecond).String(), Escape(f.App), f.PortGuess,
		orDash(Escape(f.Host)), orDash(f.HostSource), orDash(Escape(f.ALPN)), orDash(f.TLSVersion), orDash(f.Service), note} {
		b = append(append(b, '\t'), c...)
	}
	return append(b, '\n')
}

// stickyWriter passes writes on until one fails and then fails them all
// with that error, so a report made of many prints checks once, at the
// end.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// WriteFlowJSON prints the same report as one JSON document; apps (from
// Engine.Apps) go into its stats as they always have.
func WriteFlowJSON(w io.Writer, flows []engine.FlowView, st engine.Stats, apps []engine.AppStat) error {
	sortFlows(flows)
	type jsonFlow struct {
		ID        uint64    `json:"id"`
		Proto     string    `json:"proto"`
		A         string    `json:"a"`
		B         string    `json:"b"`
		PacketsAB uint64    `json:"packets_ab"`
		PacketsBA uint64    `json:"packets_ba"`
		BytesAB   uint64    `json:"bytes_ab"`
		BytesBA   uint64    `json:"bytes_ba"`
		First     time.Time `json:"first"`
		Last      time.Time `json:"last"`
		State     string    `json:"state,omitempty"`
		App       string    `json:"app"`
		Pattern   string    `json:"pattern,omitempty"`
		PortGuess string    `json:"port_guess,omitempty"`
		Mismatch  bool      `json:"mismatch"`
		// The flow's identity (see engine.FlowView).
		Host        string `json:"host,omitempty"`
		HostSource  string `json:"host_source,omitempty"`
		Service     string `json:"service,omitempty"`
		ALPNOffered string `json:"alpn_offered,omitempty"`
		ALPN        string `json:"alpn,omitempty"`
		TLSVersion  string `json:"tls_version,omitempty"`
		QUICVersion string `json:"quic_version,omitempty"`
	}
	// encoding/json passes C1 controls (U+0080–U+009F) raw, so strings
	// from outside are escaped as in the text report.
	type jsonStats struct {
		engine.Stats
		Apps []engine.AppStat
	}
	out := struct {
		Flows    []jsonFlow       `json:"flows"`
		Totals   []engine.AppStat `json:"totals"`
		Services []engine.AppStat `json:"service_totals"`
		Stats    jsonStats        `json:"stats"`
	}{Totals: escapeNames(totals(flows)), Services: serviceTotals(flows), Stats: jsonStats{st, escapeNames(slices.Clone(apps))}}
	out.Stats.Source, out.Stats.CaptureFilter = Escape(st.Source), Escape(st.CaptureFilter)
	for _, f := range flows {
		out.Flows = append(out.Flows, jsonFlow{f.ID, f.Proto, Escape(f.A()), Escape(f.B()), f.Packets[0], f.Packets[1], f.Bytes[0], f.Bytes[1],
			f.First, f.Last, f.State, Escape(f.App), Escape(f.Pattern), f.PortGuess, f.Mismatch,
			Escape(f.Host), f.HostSource, f.Service, Escape(f.ALPNOffered), Escape(f.ALPN), f.TLSVersion, f.QUICVersion})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// escapeNames escapes the verdict names of apps in place and returns it.
func escapeNames(apps []engine.AppStat) []engine.AppStat {
	for i := range apps {
		apps[i].Name = Escape(apps[i].Name)
	}
	return apps
}

// sortFlows orders flows by first packet, then id, so reports are stable.
func sortFlows(flows []engine.FlowView) {
	sort.Slice(flows, func(i, j int) bool {
		if !flows[i].First.Equal(flows[j].First) {
			return flows[i].First.Before(flows[j].First)
		}
		return flows[i].ID < flows[j].ID
	})
}

// totals sums flows by verdict, biggest first.
func totals(flows []engine.FlowView) []engine.AppStat {
	return totalsBy(flows, func(f *engine.FlowView) string { return f.App })
}

// serviceTotals sums flows by service, biggest first, the flows without
// one under ""; it is empty when no flow has a service. Service names
// come from rule files, which allow only [a-z0-9._-].
func serviceTotals(flows []engine.FlowView) []engine.AppStat {
	for i := range flows {
		if flows[i].Service != "" {
			return totalsBy(flows, func(f *engine.FlowView) string { return f.Service })
		}
	}
	return nil
}

// orDash shows an empty report cell as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// totalsBy sums flows by the name key gives them, biggest first.
func totalsBy(flows []engine.FlowView, key func(*engine.FlowView) string) []engine.AppStat {
	m := map[string]*engine.AppStat{}
	for i := range flows {
		f := &flows[i]
		k := key(f)
		a := m[k]
		if a == nil {
			a = &engine.AppStat{Name: k}
			m[k] = a
		}
		a.Flows++
		a.Packets += f.TotalPackets()
		a.Bytes += f.TotalBytes()
	}
	out := make([]engine.AppStat, 0, len(m))
	for _, a := range m {
		out = append(out, *a)
	}
	engine.SortApps(out)
	return out
}
