package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestSignalAbandonsPatternLoad: the pattern compile runs under the signal
// context, so a signal (a cancelled ctx) ends the run instead of waiting
// for the compile to finish.
func TestSignalAbandonsPatternLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "http.pat"), []byte("http\n^get /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := parseFlags([]string{"--patterns", dir, "-r", filepath.Join("testdata", "demo.pcap"), "--flows"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, o, io.Discard, io.Discard); !errors.Is(err, context.Canceled) {
		t.Fatalf("run under a cancelled context: %v, want context.Canceled from the pattern load", err)
	}
}
