// Command benchgen writes the throughput benchmark's capture (see package
// benchgen):
//
//	benchgen -o FILE [-n PACKETS] [-flows N] [-seed S] [-syn]
//
// (-syn: every packet opens a new TCP flow with a SYN, for measuring a
// flow's memory),
//
// or replays one endlessly to standard output as one pcap stream, each
// pass shifted later in time so flows end and new ones start as on a
// real link (the memory soak feeds it to `l7sniff -r -`):
//
//	benchgen -loop FILE [-for DURATION]
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"

	"l7sniff/engine/internal/benchgen"
)

func main() {
	var cfg benchgen.Config
	out := flag.String("o", "", "write the capture to `FILE`")
	flag.IntVar(&cfg.Packets, "n", 2_000_000, "number of `PACKETS`")
	flag.IntVar(&cfg.Flows, "flows", 50_000, "concurrent flows")
	flag.BoolVar(&cfg.SYNs, "syn", false, "make every packet the SYN of a new TCP flow (flow-table memory)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "pseudo-random `SEED` (same seed, same file)")
	loop := flag.String("loop", "", "replay capture `FILE` to stdout in a loop")
	dur := flag.Duration("for", 0, "with -loop: stop after `DURATION` (0: until stdout closes)")
	flag.Parse()
	if *loop != "" {
		err := benchgen.Loop(os.Stdout, *loop, *dur)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchgen:", err)
			os.Exit(1)
		}
		return
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -o FILE or -loop FILE is required")
		os.Exit(2)
	}
	if err := run(*out, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func run(path string, cfg benchgen.Config) error {
	// Write to a temporary name so an interrupted run never leaves a
	// truncated capture that a later `make bench` would take as done.
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	st, err := benchgen.Write(f, cfg)
	if err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchgen: %s: %d packets, %d bytes (%.2f GB), %d flows started, %.1f s of capture time\n",
		path, st.Packets, st.Bytes, float64(st.Bytes)/1e9, st.FlowsStarted, st.Duration.Seconds())
	fmt.Fprintf(os.Stderr, "benchgen: IP sizes 40-135: %.1f%%, 136-1418: %.1f%%, 1419-1500: %.1f%%\n",
		pct(st.Sizes[0], st.Packets), pct(st.Sizes[1], st.Packets), pct(st.Sizes[2], st.Packets))
	names := make([]string, 0, len(st.ByProto))
	for n := range st.ByProto {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return st.ByProto[names[i]] > st.ByProto[names[j]] })
	fmt.Fprint(os.Stderr, "benchgen: flows:")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, " %s %d", n, st.ByProto[n])
	}
	fmt.Fprintln(os.Stderr)
	return nil
}

func pct(n, of int) float64 { return 100 * float64(n) / float64(max(of, 1)) }
