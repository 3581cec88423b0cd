// Package output turns what the engine reports into text for people and
// programs: the per-packet line (AppendEscaped over decode's summary),
// `-T fields` and `-T json` (FieldFormat, FieldWriter, with tshark's field
// names and l7sniff's own), the `--flows` report in text and JSON
// (WriteFlowReport, WriteFlowJSON), and Escape, the one terminal escaper
// that every string not written by l7sniff goes through before reaching
// a terminal, in the headless modes and in the UI alike.
//
// It imports the engine (PacketInfo, FlowView, Stats); the engine knows
// nothing of it, so tests that drive the engine's collector into these
// writers live in package engine_test.
package output
