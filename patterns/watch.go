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
	opts    Options
	dirs    []string
	fsw     *fsnotify.Watcher
	current atomic.Pointer[Set]
	updates chan Reload
	done    chan struct{}
	loopEnd sync.WaitGroup
	ctx     context.Context    // cancels a rebuild in progress
	cancel  context.CancelFunc // called by Close

	mu      sync.Mutex // serialises rebuilds; guards the fields below
	version uint64
	pending []LoadError // watcher problems to report with the next set
	closed  bool

	// watchedMu is separate from mu so that the event loop can classify
	// events while a slow rebuild holds mu.
	watchedMu sync.Mutex
	watched   map[string]bool // directories under watch
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
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start pattern watcher: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &Watcher{
		ctx:     ctx,
		cancel:  cancel,
		opts:    opts,
		dirs:    dirs,
		fsw:     fsw,
		updates: make(chan Reload, 1),
		done:    make(chan struct{}),
		watched: map[string]bool{},
	}
	for _, d := range dirs {
		if err := fsw.Add(d); err != nil {
			cancel()
			fsw.Close()
			return nil, fmt.Errorf("watch pattern directory %s: %w", d, err)
		}
	}
	if w.Reload(); w.current.Load() == nil {
		cancel()
		fsw.Close()
		return nil, fmt.Errorf("loading patterns: %w", ctx.Err())
	}
	w.loopEnd.Add(1)
	go w.loop()
	return w, nil
}

// Current returns the latest published Set; it never returns nil.
func (w *Watcher) Current() *Set { return w.current.Load() }

// Updates delivers each published Set. It holds only the latest: a slow
// reader misses intermediate versions, never the newest. It is closed by
// Close.
func (w *Watcher) Updates() <-chan Reload { return w.updates }

// Reload rebuilds and publishes the Set now, without waiting for a change.
// After Close, or when the Watcher's context is done, it publishes nothing
// and returns the current Set.
func (w *Watcher) Reload() Reload {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.ctx.Err() != nil {
		return w.currentReload()
	}
	// Watch new subdirectories before reading them, so a file written
	// into one while we scan still triggers the next rebuild.
	for _, d := range w.dirs {
		w.watchTree(d)
	}
	s := w.opts.build(w.ctx, scan(dirSources(w.dirs)), w.current.Load())
	if w.ctx.Err() != nil {
		return w.currentReload() // abandoned half-way: the set is incomplete
	}
	s.errors = append(s.errors, w.pending...)
	w.pending = nil
	w.version++
	s.version = w.version
	w.current.Store(s)
	r := Reload{Version: s.version, Set: s, Errors: s.Errors(), Time: time.Now()}
	// Replace an update nobody has read yet: only the newest matters, and
	// this is the only sender, so the send below cannot block.
	select {
	case <-w.updates:
	default:
	}
	w.updates <- r
	return r
}

// currentReload describes the current Set, which may be nil only while
// the first load is being abandoned. Caller holds w.mu.
func (w *Watcher) currentReload() Reload {
	s := w.current.Load()
	if s == nil {
		return Reload{}
	}
	return Reload{Version: s.version, Set: s, Errors: s.Errors()}
}

// Close stops watching and closes Updates, abandoning a rebuild in
// progress. Current keeps returning the last Set.
func (w *Watcher) Close() error {
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
// Errors are left for scan to report with the file they concern.
func (w *Watcher) watchTree(root string) {
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

func (w *Watcher) loop() {
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

// relevant reports whether ev can change the Set: a .pat file that is not
// hidden (editors' swap and lock files are), a new directory, or a watched
// directory that went away.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	base := filepath.Base(ev.Name)
	switch {
	case strings.HasPrefix(base, ".") || ev.Op == fsnotify.Chmod:
		return false
	case strings.HasSuffix(base, ".pat"):
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
