// Package capture is where the engine's packets come from and where a
// capture is written: a Source reads a device (libpcap, or a PACKET_MMAP
// fanout group of sockets on Linux), a pcap or pcapng file, or a pipe,
// behind one Read (Readers gives one stream per socket of a fanout
// group); CompileBPF compiles capture and view filters with libpcap;
// PcapWriter writes pcap and pcapng files (-w); DropTarget and
// DropPrivileges leave root once the capture is open.
//
// It is the only package of l7sniff that uses cgo (bpf.go, and libpcap
// through gopacket/pcap): the engine, the outputs and the UI build on it
// without linking C themselves. Files are read by l7sniff's own readers
// (pcapread.go, pcapngread.go) rather than libpcap's, for the reasons on
// Source.
package capture
