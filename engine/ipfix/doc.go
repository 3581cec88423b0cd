// Package ipfix exports flow records to IPFIX collectors (RFC 7011):
// Record is one uniflow data record, the message writer lays records,
// templates and application-name options out in messages (record.go),
// and Exporter queues records and sends them over UDP or TCP to each
// collector, reporting and retrying a collector that is down
// (exporter.go).
//
// It knows nothing of the engine: the engine turns a flow into Records
// (engine/flowexport.go) and hands them to Exporter.Export, so no code
// here reads or writes the engine's flow state.
package ipfix
