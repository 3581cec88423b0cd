package patterns

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long the Watcher waits after the last change before it
// rebuilds: long enough to see an editor's write-temp-then-rename (or
// git's checkout of many files) as one change, short enough to feel
// immediate.
const debounce = 150 * time.Millisecond

// Reload describes one Set published by a Watcher.
type Reload struct {
	Version uint64      // 1 for the initial load, then one more per rebuild
	Set     *Set        // the published set
	Errors  []LoadError // problems met building it (see Watcher)
	Time    time.Time   // when it was published
}

// Watcher keeps a Set built from pattern directories up to date. It
// watches the directories and their subdirectories with fsnotify; after a
// burst of changes settles it rebuilds the whole Set off the hot path and
// publishes it atomically. A file that is present but cannot be used
// (half-written, bad regex, unreadable) is reported and its previous
// pattern stays in the new Set; a deleted file's pattern goes away.
type Watcher struct {
	dw      *DirWatcher[Reload]
	version uint64 // guarded by the DirWatcher, which serialises builds
}

// NewWatcher loads dirs with opts and starts watching them. It fails when
// a directory cannot be watched at all; problems with files are reported
// in the published sets.
func NewWatcher(opts Options, dirs ...string) (*Watcher, error) {
	return NewWatcherContext(context.Background(), opts, dirs...)
}

// NewWatcherContext is NewWatcher whose loads stop when ctx is done: the
// first load then fails with ctx.Err(), and a later rebuild is abandoned
// (the current Set stays). Close also stops a rebuild in progress.
func NewWatcherContext(ctx context.Context, opts Options, dirs ...string) (*Watcher, error) {
	w := &Watcher{}
	build := func(ctx context.Context, prev *Reload, watchErrs []LoadError) (Reload, bool) {
		var old *Set
		if prev != nil {
			old = prev.Set
		}
		s := opts.build(ctx, scan(dirSources(dirs)), old)
		if ctx.Err() != nil {
			return Reload{}, false // abandoned half-way: the set is incomplete
		}
		s.errors = append(s.errors, watchErrs...)
		w.version++
		s.version = w.version
		return Reload{Version: s.version, Set: s, Errors: s.Errors(), Time: time.Now()}, true
	}
	dw, err := NewDirWatcher(ctx, "pattern", ".pat", dirs, build)
	if err != nil {
		return nil, err
	}
	w.dw = dw
	return w, nil
}

// Current returns the latest published Set; it never returns nil.
func (w *Watcher) Current() *Set { return w.dw.Current().Set }

// Updates delivers each published Set. It holds only the latest: a slow
// reader misses intermediate versions, never the newest. It is closed by
// Close.
func (w *Watcher) Updates() <-chan Reload { return w.dw.Updates() }

// Reload rebuilds and publishes the Set now, without waiting for a change.
// After Close, or when the Watcher's context is done, it publishes nothing
// and returns the current Set.
func (w *Watcher) Reload() Reload { return w.dw.Reload() }

// Close stops watching and closes Updates, abandoning a rebuild in
// progress. Current keeps returning the last Set.
func (w *Watcher) Close() error { return w.dw.Close() }

// DirWatcher keeps a value built from the files with one extension under
// some directories up to date: the pattern Set for Watcher, the service
// rules for the engine's identity. It watches the directories and their
// subdirectories with fsnotify; after a burst of changes settles
// (debounce) it calls build off the hot path and publishes the result
// atomically. R is what one build publishes (the value, its version and
// its problems); build reports false when it was abandoned (its context
// done), and the current R stays.
type DirWatcher[R any] struct {
	what    string // "pattern", "service rule": for messages
	ext     string // file name ending that matters (".pat")
	dirs    []string
	build   func(ctx context.Context, prev *R, watchErrs []LoadError) (R, bool)
	fsw     *fsnotify.Watcher
	current atomic.Pointer[R]
	updates chan R
	done    chan struct{}
	loopEnd sync.WaitGroup
	ctx     context.Context    // cancels a rebuild in progress
	cancel  context.CancelFunc // called by Close

	mu      sync.Mutex  // serialises rebuilds; guards the fields below
	pending []LoadError // watcher problems to report with the next build
	closed  bool

	// watchedMu is separate from mu so that the event loop can classify
	// events while a slow rebuild holds mu.
	watchedMu sync.Mutex
	watched   map[string]bool // directories under watch
}

// NewDirWatcher builds the first R from dirs and starts watching them for
// files ending in ext. It fails when a directory cannot be watched at all
// or the first build is abandoned; problems with files are the build's to
// report in what it publishes. watchErrs are the watcher's own problems
// (an event queue overflow, after which everything is rescanned).
func NewDirWatcher[R any](ctx context.Context, what, ext string, dirs []string,
	build func(ctx context.Context, prev *R, watchErrs []LoadError) (R, bool)) (*DirWatcher[R], error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start %s watcher: %w", what, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &DirWatcher[R]{
		ctx:     ctx,
		cancel:  cancel,
		what:    what,
		ext:     ext,
		dirs:    dirs,
		build:   build,
		fsw:     fsw,
		updates: make(chan R, 1),
		done:    make(chan struct{}),
		watched: map[string]bool{},
	}
	for _, d := range dirs {
		if err := fsw.Add(d); err != nil {
			cancel()
			fsw.Close()
			return nil, fmt.Errorf("watch %s directory %s: %w", what, d, err)
		}
	}
	if w.Reload(); w.current.Load() == nil {
		cancel()
		fsw.Close()
		return nil, fmt.Errorf("loading %ss: %w", what, ctx.Err())
	}
	w.loopEnd.Add(1)
	go w.loop()
	return w, nil
}

// Current returns the latest published R.
func (w *DirWatcher[R]) Current() R { return *w.current.Load() }

// Updates delivers each published R. It holds only the latest: a slow
// reader misses intermediate versions, never the newest. It is closed by
// Close.
func (w *DirWatcher[R]) Updates() <-chan R { return w.updates }

// Reload rebuilds and publishes now, without waiting for a change. After
// Close, or when the context is done, it publishes nothing and returns
// the current R (the zero R only while the first build is abandoned).
func (w *DirWatcher[R]) Reload() R {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.ctx.Err() != nil {
		return w.currentValue()
	}
	// Watch new subdirectories before reading them, so a file written
	// into one while we scan still triggers the next rebuild.
	for _, d := range w.dirs {
		w.watchTree(d)
	}
	r, ok := w.build(w.ctx, w.current.Load(), w.pending)
	if !ok {
		return w.currentValue()
	}
	w.pending = nil
	w.current.Store(&r)
	// Replace an update nobody has read yet: only the newest matters, and
	// this is the only sender, so the send below cannot block.
	select {
	case <-w.updates:
	default:
	}
	w.updates <- r
	return r
}

// currentValue is the current R, the zero R before the first build.
// Caller holds w.mu.
func (w *DirWatcher[R]) currentValue() R {
	if r := w.current.Load(); r != nil {
		return *r
	}
	var zero R
	return zero
}

// Close stops watching and closes Updates, abandoning a rebuild in
// progress. Current keeps returning the last R.
func (w *DirWatcher[R]) Close() error {
	w.cancel()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.done)
	err := w.fsw.Close()
	w.loopEnd.Wait()
	close(w.updates)
	return err
}

// watchTree adds a watch for every directory under root that scan reads.
// Errors are left for the build to report with the file they concern.
func (w *DirWatcher[R]) watchTree(root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != root {
			return filepath.SkipDir
		}
		w.watchedMu.Lock()
		defer w.watchedMu.Unlock()
		if !w.watched[p] && w.fsw.Add(p) == nil {
			w.watched[p] = true
		}
		return nil
	})
}

func (w *DirWatcher[R]) loop() {
	defer w.loopEnd.Done()
	timer := time.NewTimer(debounce)
	timer.Stop()
	for {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.relevant(ev) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			// Typically an event queue overflow: changes may have been
			// lost, so rescan everything and say so.
			w.mu.Lock()
			w.pending = append(w.pending, LoadError{File: strings.Join(w.dirs, ", "), Code: ErrWatch, Reason: fmt.Sprintf("watch: %v (rescanned)", err)})
			w.mu.Unlock()
			timer.Reset(debounce)
		case <-timer.C:
			w.Reload()
		case <-w.done:
			timer.Stop()
			return
		}
	}
}

// relevant reports whether ev can change what is built: a file with the
// watched extension that is not hidden (editors' swap and lock files
// are), a new directory, or a watched directory that went away.
func (w *DirWatcher[R]) relevant(ev fsnotify.Event) bool {
	base := filepath.Base(ev.Name)
	switch {
	case strings.HasPrefix(base, ".") || ev.Op == fsnotify.Chmod:
		return false
	case strings.HasSuffix(base, w.ext):
		return true
	case ev.Has(fsnotify.Create):
		return true // maybe a directory; a stray file costs one rebuild
	}
	w.watchedMu.Lock()
	defer w.watchedMu.Unlock()
	if w.watched[ev.Name] && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		delete(w.watched, ev.Name)
		return true
	}
	return false
}
