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
//
// TCP messages reassembly gave up on are said first, when there are any,
// so that the counters line is the last.
func printCounters(w io.Writer, st engine.Stats) {
	if r := st.Reassembly; r.Overflow+r.NoRoom+r.Gap > 0 {
		fmt.Fprintf(w, "TCP reassembly: %d messages reassembled, %d given up (%d past %d bytes, %d found no room, %d lost a segment)\n",
			r.Reassembled, r.Overflow+r.NoRoom+r.Gap, r.Overflow, engine.ReassemblyLimit, r.NoRoom, r.Gap)
	}
	line := fmt.Sprintf("l7sniff: %d packets, %d kernel drops, engine drops: %d flows evicted, %d ended flows not listed",
		st.Packets, st.KernelDropped, st.FlowsEvicted, st.FlowsLost)
	if st.Exporting {
		line += fmt.Sprintf(", %d IPFIX records", st.ExportDropped)
	}
	fmt.Fprintf(w, "%s; %d flows unknown at the packet or byte limit\n", line, st.FlowsLimited)
}
