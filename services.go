package main

import (
	"context"
	"fmt"
	"io"

	"l7sniff/engine"
	"l7sniff/engine/identity"
	"l7sniff/engine/output"
)

// loadServices reads the --services directories once, or returns nil for
// the built-in rules. Problems are reported with file:line and the rest of
// the rules still load.
func loadServices(o *options, stderr io.Writer) *identity.Services {
	if len(o.serviceDirs) == 0 {
		return nil
	}
	rules, errs := identity.LoadServices(o.serviceDirs...)
	for _, e := range errs {
		fmt.Fprintln(stderr, "l7sniff: service rule", output.Escape(e.Error()))
	}
	return rules
}

// watchServices reloads the --services directories while the capture
// runs: each clean reload's rules go to the engine; a broken one is
// reported and the rules in force stay.
func watchServices(ctx context.Context, o *options, e *engine.Engine, log io.Writer) (*identity.ServiceWatcher, error) {
	w, err := identity.NewServiceWatcher(ctx, o.serviceDirs...)
	if err != nil {
		return nil, err
	}
	reportServices(log, w.Status())
	e.WatchServices(w, func(r identity.ServiceReload) { reportServices(log, r) })
	return w, nil
}

// reportServices logs one reload of the service rules.
func reportServices(log io.Writer, r identity.ServiceReload) {
	if r.Version > 1 || len(r.Errors) > 0 {
		kept := ""
		if r.Kept {
			kept = " (earlier rules kept)"
		}
		fmt.Fprintf(log, "l7sniff: service rules v%d: %d services, %d errors%s\n", r.Version, r.Services.Len(), len(r.Errors), kept)
	}
	for _, le := range r.Errors {
		fmt.Fprintln(log, "l7sniff: service rule", output.Escape(le.Error()))
	}
}
