// Command benchrun times l7sniff against tcpdump and tshark on one capture
// and watches l7sniff's memory over a long replay; `make bench` and
// `make soak` run it and it prints Markdown tables for BENCH.md.
//
//	benchrun compare -pcap FILE -l7sniff BIN [-runs N]
//	benchrun soak -pcap FILE -l7sniff BIN -benchgen BIN [-for 5m]
//
// compare runs each command in turn, the fast ones -runs times, and keeps
// each one's best wall time (the least disturbed by other load) and its
// largest peak RSS (getrusage's ru_maxrss, the figure /usr/bin/time -v
// reports as "Maximum resident set size").
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/gopacket/pcapgo"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchrun compare|soak [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compare":
		err = compare(os.Args[2:])
	case "soak":
		err = soak(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q (compare or soak)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// fieldList is the -e list both l7sniff and tshark get in the -T fields
// comparison: fields of every layer the decoder knows.
var fieldList = []string{"frame.number", "frame.len", "eth.src", "eth.dst", "ip.src", "ip.dst", "ip.proto",
	"ip.ttl", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len",
	"udp.srcport", "udp.dstport"}

// command is one contender.
type command struct {
	name string
	args []string
	runs int
}

// result is a command's best run.
type result struct {
	wall      time.Duration
	cpu       time.Duration // user + system of the best run
	maxRSSKiB int64
}

func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	pcap := fs.String("pcap", "", "capture `FILE`")
	bin := fs.String("l7sniff", "bin/l7sniff", "l7sniff `BINARY`")
	runs := fs.Int("runs", 3, "runs of each fast command (tshark and tcpdump's text output run once)")
	fs.Parse(args)
	if *pcap == "" {
		return fmt.Errorf("compare: -pcap FILE is required")
	}
	pkts, bytes, err := count(*pcap)
	if err != nil {
		return err
	}
	var l7Fields, tsFields []string
	for _, f := range fieldList {
		l7Fields = append(l7Fields, "-e", f)
		tsFields = append(tsFields, "-e", f)
	}
	cmds := []command{
		{"l7sniff -r FILE --flows", []string{*bin, "-r", *pcap, "--flows"}, *runs},
		{"tcpdump -w /dev/null -r FILE (libpcap alone)", []string{"tcpdump", "-w", "/dev/null", "-r", *pcap}, *runs},
		{"tcpdump -n -r FILE", []string{"tcpdump", "-n", "-r", *pcap}, 1},
		{"tshark -n -r FILE", []string{"tshark", "-n", "-r", *pcap}, 1},
		{"l7sniff -r FILE -T fields -e …", append([]string{*bin, "-r", *pcap, "-T", "fields"}, l7Fields...), *runs},
		{"tshark -r FILE -T fields -e …", append([]string{"tshark", "-r", *pcap, "-T", "fields"}, tsFields...), 1},
	}
	load := loadavg()
	res := make([]result, len(cmds))
	// Rounds interleave the commands so a burst of outside load hurts
	// them alike.
	for round := range *runs {
		for i, c := range cmds {
			if round >= c.runs {
				continue
			}
			r, err := timeRun(c.args)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			fmt.Fprintf(os.Stderr, "benchrun: %-48s %7.2f s  %8.1f MiB\n", c.name, r.wall.Seconds(), float64(r.maxRSSKiB)/1024)
			if res[i].wall == 0 || r.wall < res[i].wall {
				res[i].wall, res[i].cpu = r.wall, r.cpu
			}
			res[i].maxRSSKiB = max(res[i].maxRSSKiB, r.maxRSSKiB)
		}
	}
	fmt.Printf("Capture: `%s`, %d packets, %d bytes. %s. Load average before the run: %s.\n\n",
		*pcap, pkts, bytes, machine(), load)
	fmt.Println("| command | wall s | CPU s | pps | Mbit/s | peak RSS MiB | runs |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for i, c := range cmds {
		r := res[i]
		s := r.wall.Seconds()
		fmt.Printf("| `%s` | %.2f | %.2f | %s | %.0f | %.1f | %d |\n", c.name, s, r.cpu.Seconds(),
			group(int64(float64(pkts)/s)), float64(bytes)*8/s/1e6, float64(r.maxRSSKiB)/1024, c.runs)
	}
	l7, ts, l7f, tsf := res[0].wall.Seconds(), res[3].wall.Seconds(), res[4].wall.Seconds(), res[5].wall.Seconds()
	fmt.Printf("\nl7sniff --flows: %.1f× tshark, %.2f Mpps (ndpiReader's reference: 171k pps → %.1f×). "+
		"-T fields: %.1f× tshark -T fields.\n", ts/l7, float64(pkts)/l7/1e6, float64(pkts)/l7/171e3, tsf/l7f)
	fmt.Printf("\nFields: `%s`\n", strings.Join(fieldList, " "))
	return nil
}

// timeRun runs a command with stdout to /dev/null and reports its wall
// time and rusage.
func timeRun(args []string) (result, error) {
	cmd := exec.Command(args[0], args[1:]...)
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return result{}, err
	}
	defer null.Close()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = null, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%v: %s", err, lastLine(stderr.String()))
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return result{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), maxRSSKiB: ru.Maxrss}, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// count returns the packets and wire bytes in a capture.
func count(path string) (pkts, bytes int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	for {
		_, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			return pkts, bytes, nil
		}
		if err != nil {
			return pkts, bytes, fmt.Errorf("%s: %w", path, err)
		}
		pkts++
		bytes += int64(ci.Length)
	}
}

func soak(args []string) error {
	fs := flag.NewFlagSet("soak", flag.ExitOnError)
	pcap := fs.String("pcap", "", "capture `FILE` to replay in a loop")
	bin := fs.String("l7sniff", "bin/l7sniff", "l7sniff `BINARY`")
	gen := fs.String("benchgen", "", "benchgen `BINARY` (for -loop)")
	dur := fs.Duration("for", 5*time.Minute, "how long to replay")
	every := fs.Duration("every", 10*time.Second, "RSS sampling interval")
	warm := fs.Duration("warmup", 90*time.Second, "samples before this are warm-up")
	fs.Parse(args)
	if *pcap == "" || *gen == "" {
		return fmt.Errorf("soak: -pcap FILE and -benchgen BIN are required")
	}
	// benchgen -loop | l7sniff -r - --flows, the pipe made here so the
	// l7sniff process is ours to sample.
	feed := exec.Command(*gen, "-loop", *pcap, "-for", dur.String())
	sniff := exec.Command(*bin, "-r", "-", "--flows")
	pipe, err := feed.StdoutPipe()
	if err != nil {
		return err
	}
	sniff.Stdin = pipe
	var report bytes.Buffer
	sniff.Stdout, sniff.Stderr, feed.Stderr = &report, os.Stderr, os.Stderr
	load := loadavg()
	if err := feed.Start(); err != nil {
		return err
	}
	if err := sniff.Start(); err != nil {
		return err
	}
	start := time.Now()
	type sample struct {
		at  time.Duration
		rss int64 // KiB
	}
	var samples []sample
	done := make(chan error, 1)
	go func() { done <- sniff.Wait() }()
	tick := time.NewTicker(*every)
	defer tick.Stop()
	var runErr error
wait:
	for {
		select {
		case runErr = <-done:
			break wait
		case <-tick.C:
			if rss, err := vmRSS(sniff.Process.Pid); err == nil {
				samples = append(samples, sample{time.Since(start), rss})
				fmt.Fprintf(os.Stderr, "benchrun: soak %5.0f s  RSS %7.1f MiB\n", time.Since(start).Seconds(), float64(rss)/1024)
			}
		}
	}
	feed.Wait()
	if runErr != nil {
		return fmt.Errorf("l7sniff: %w", runErr)
	}
	var warmMax, afterMax, warmEnd int64
	for _, s := range samples {
		if s.at < *warm {
			warmMax = max(warmMax, s.rss)
			warmEnd = s.rss
		} else {
			afterMax = max(afterMax, s.rss)
		}
	}
	last := int64(0)
	if len(samples) > 0 {
		last = samples[len(samples)-1].rss
	}
	fmt.Printf("%s. Load average before the run: %s.\n\n", machine(), load)
	fmt.Println("| time s | RSS MiB |")
	fmt.Println("| ---: | ---: |")
	for _, s := range samples {
		fmt.Printf("| %.0f | %.1f |\n", s.at.Seconds(), float64(s.rss)/1024)
	}
	growth := 0.0
	if warmEnd > 0 {
		growth = 100 * float64(afterMax-warmEnd) / float64(warmEnd)
	}
	fmt.Printf("\nRSS at the end of warm-up (%v): %.1f MiB; highest after it: %.1f MiB; last: %.1f MiB; growth after warm-up: %+.1f%%.\n",
		*warm, float64(warmEnd)/1024, float64(afterMax)/1024, float64(last)/1024, growth)
	fmt.Printf("\nl7sniff's closing report: %s\n", lastLine(report.String()))
	return nil
}

// vmRSS reads a process's resident set size in KiB.
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %s, %d cores, %s", time.Now().UTC().Format("2006-01-02 15:04 UTC"), cpu, runtime.NumCPU(), runtime.Version())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// group writes n with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
