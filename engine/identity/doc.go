// Package identity names what a flow is for, beyond its protocol: the
// service a host name belongs to (rule files, one lookup per host) and the
// name a client resolved for an address (a bounded DNS answer cache).
//
// Both are read by the engine's ordered side, once per flow rather than
// once per packet, and both answer without allocating.
package identity
