// Package hyperscan is a minimal cgo binding to Hyperscan's stream mode,
// used only by the benchmarks that compare the automaton with it. It builds
// only with the "hyperscan" build tag (make bench-hyperscan installs
// libhyperscan-dev); Hyperscan is never a runtime dependency of l7sniff.
package hyperscan
