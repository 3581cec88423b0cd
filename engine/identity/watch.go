package identity

import (
	"context"
	"time"

	"l7sniff/patterns"
)

// ServiceReload describes one rule set a ServiceWatcher published.
type ServiceReload struct {
	Version uint64 // 1 for the initial load, then one more per rebuild
	// Services are the rules in force: what this load read when it met
	// no problem, else the rules of the last load that met none (the
	// first load's, whatever it met, when there is no such load).
	Services *Services
	// Errors are this load's problems, each "file:line: reason"; when
	// there are any, Kept says Services are the earlier rules.
	Errors []RuleError
	Kept   bool
	Time   time.Time // when it was published
}

// ServiceWatcher keeps service rules loaded from directories up to date,
// as patterns.Watcher does pattern files (the same watcher: debounce,
// subdirectories, hidden files ignored): after a burst of changes to
// *.rules files settles it reloads every file and publishes the result.
// A load with a problem (a broken line, an unreadable file) is reported
// and the rules in force stay, so a half-written file never drops a
// service; a deleted file's rules go away with the next clean load.
type ServiceWatcher struct {
	dw      *patterns.DirWatcher[ServiceReload]
	version uint64 // guarded by the DirWatcher, which serialises builds
}

// NewServiceWatcher loads dirs and starts watching them. It fails when a
// directory cannot be watched; problems with files are reported in the
// published reloads.
func NewServiceWatcher(ctx context.Context, dirs ...string) (*ServiceWatcher, error) {
	w := &ServiceWatcher{}
	build := func(ctx context.Context, prev *ServiceReload, watchErrs []patterns.LoadError) (ServiceReload, bool) {
		s, errs := LoadServices(dirs...)
		for _, le := range watchErrs {
			errs = append(errs, RuleError{File: le.File, Line: le.Line, Reason: le.Reason})
		}
		w.version++
		r := ServiceReload{Version: w.version, Services: s, Errors: errs, Time: time.Now()}
		if len(errs) > 0 && prev != nil {
			r.Services, r.Kept = prev.Services, true
		}
		return r, true
	}
	dw, err := patterns.NewDirWatcher(ctx, "service rule", RuleExt, dirs, build)
	if err != nil {
		return nil, err
	}
	w.dw = dw
	return w, nil
}

// Current returns the rules in force; never nil.
func (w *ServiceWatcher) Current() *Services { return w.dw.Current().Services }

// Status returns the latest reload: its version, problems and time.
func (w *ServiceWatcher) Status() ServiceReload { return w.dw.Current() }

// Updates delivers each reload, only the latest when the reader is slow;
// it is closed by Close.
func (w *ServiceWatcher) Updates() <-chan ServiceReload { return w.dw.Updates() }

// Reload reloads and publishes now, without waiting for a change.
func (w *ServiceWatcher) Reload() ServiceReload { return w.dw.Reload() }

// Close stops watching and closes Updates.
func (w *ServiceWatcher) Close() error { return w.dw.Close() }
