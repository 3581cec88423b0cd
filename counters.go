package main

import (
	"fmt"
	"io"

	"l7sniff/engine"
)

// printCounters writes the line every mode ends with on stderr, so that
// nothing the run lost or gave up on goes unsaid, whatever was printed on
// stdout. The engine itself never drops a packet (a slow pipeline holds
// the capture back, which shows as kernel drops); what it drops are flows
// evicted from a full table, ended flows beyond the report's cap and
// IPFIX records a full export queue refused.
func printCounters(w io.Writer, st engine.Stats) {
	line := fmt.Sprintf("l7sniff: %d packets, %d kernel drops, engine drops: %d flows evicted, %d ended flows not listed",
		st.Packets, st.KernelDropped, st.FlowsEvicted, st.FlowsLost)
	if st.Exporting {
		line += fmt.Sprintf(", %d IPFIX records", st.ExportDropped)
	}
	fmt.Fprintf(w, "%s; %d flows unknown at the packet or byte limit\n", line, st.FlowsLimited)
}
