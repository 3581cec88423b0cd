package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"l7sniff/engine"
	"l7sniff/engine/ipfix"
	"l7sniff/engine/output"
)

// ipfixOptions are the --ipfix flags.
type ipfixOptions struct {
	collectors stringList
	active     time.Duration
	refresh    time.Duration
	interval   time.Duration
	domain     int
}

func (o *ipfixOptions) register(fs *flag.FlagSet) {
	fs.Var(&o.collectors, "ipfix", "export flows over IPFIX to `HOST:PORT` (UDP; tcp://HOST:PORT for TCP; repeatable)")
	durationVar(fs, &o.active, "ipfix-active-timeout", ipfix.DefaultActiveTimeout, 0, "with --ipfix: also export flows still live every `DURATION` (0: only when they end)")
	durationVar(fs, &o.refresh, "ipfix-template-refresh", 60*time.Second, time.Millisecond, "with --ipfix over UDP: send the templates again every `DURATION`")
	durationVar(fs, &o.interval, "ipfix-interval", time.Second, time.Millisecond, "with --ipfix: send a partly filled message after `DURATION`")
	intVar(fs, &o.domain, "ipfix-domain", 0, 0, math.MaxUint32, "with --ipfix: observation domain `ID` in every message")
}

// apply adds the exporter to cfg when --ipfix was given. The returned
// function closes it for the paths where the engine never runs; after Run
// it does nothing.
func (o *ipfixOptions) apply(cfg *engine.Config, stderr io.Writer) (func(), error) {
	if len(o.collectors) == 0 {
		return func() {}, nil
	}
	x, err := ipfix.New(ipfix.Config{
		Collectors: o.collectors, DomainID: uint32(o.domain),
		Interval: o.interval, TemplateRefresh: o.refresh,
		Report: func(msg string) { fmt.Fprintln(stderr, "l7sniff:", output.Escape(msg)) },
	})
	if err != nil {
		return nil, err
	}
	cfg.Export, cfg.ActiveTimeout = x, o.active
	return x.Close, nil
}
