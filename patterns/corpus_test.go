package patterns

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"l7sniff/internal/corpustest"
)

// The whole collection takes seconds to compile; tests share one Set.
var collection = sync.OnceValues(func() (*Set, []LoadError) {
	dir := filepath.Join("..", "..", "shared", "corpus", "l7-protocols")
	return Load(filepath.Join(dir, "protocols"), filepath.Join(dir, "extra"), filepath.Join(dir, "file_types"), filepath.Join(dir, "malware"))
})

// TestCollectionCompatibility loads every .pat of the l7-protocols
// collection and prints, per file, whether it loaded and why not.
func TestCollectionCompatibility(t *testing.T) {
	dir := corpustest.Dir(t, "l7-protocols")
	set, errs := collection()
	byFile := map[string]LoadError{}
	for _, e := range errs {
		byFile[e.File] = e
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.pat"))
	if err != nil || len(files) < 113 {
		t.Fatalf("found %d .pat files (%v), want the whole collection", len(files), err)
	}
	var table strings.Builder
	table.WriteString("| file | protocol | status |\n|---|---|---|\n")
	loaded, pseudo, rejected := 0, 0, 0
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		name := strings.TrimSuffix(filepath.Base(f), ".pat")
		status := ""
		switch e, bad := byFile[f]; {
		case bad:
			rejected++
			status = "rejected: " + e.Error()
		case slices.ContainsFunc(set.Pseudo(), func(p *Pattern) bool { return p.File == f }):
			pseudo++
			status = "pseudo-protocol (never compiled)"
		case set.Lookup(name) != nil:
			loaded++
			status = "loaded"
		default:
			t.Errorf("%s: neither loaded nor reported", rel)
		}
		fmt.Fprintf(&table, "| %s | %s | %s |\n", rel, name, status)
	}
	t.Logf("l7-protocols compatibility: %d loaded, %d pseudo, %d rejected\n%s", loaded, pseudo, rejected, table.String())
	if len(errs) != rejected {
		t.Errorf("%d load errors for %d rejected files: %v", len(errs), rejected, errs)
	}
}

// TestStreamFootprint checks what a classifying flow holds: the 113
// protocols' component states packed in the 16-byte State, and the whole
// collection's, which need more bits, spilled beside it and still matched
// (TestSampleRecall runs on it).
func TestStreamFootprint(t *testing.T) {
	if n := unsafe.Sizeof(Stream{}); n > 32 {
		t.Errorf("Stream is %d bytes, want at most 32", n)
	}
	protocols := loadProtocols(t, DefaultMaxBytes)
	if st := protocols.Stats(); st.StateBits > 127 || protocols.machine.Spills() {
		t.Errorf("the protocols' states take %d bits (spilled %v), want them packed in 127", st.StateBits, protocols.machine.Spills())
	}
	all, _ := collection()
	if st := all.Stats(); st.StateBits <= 127 || !all.machine.Spills() {
		t.Errorf("the collection's states take %d bits (spilled %v): the test no longer covers spilling", st.StateBits, all.machine.Spills())
	}
	s := all.NewStream()
	if s.home == &all.home {
		t.Errorf("a spilled stream shares its set's home")
	}
	data, err := os.ReadFile(filepath.Join(corpustest.Dir(t, "l7-protocols"), "testing", "data", "bittorrent-a-1"))
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Feed(data); v.Name() != "bittorrent" {
		t.Errorf("a spilled stream classifies bittorrent-a-1 as %s", v.Name())
	}
}
