package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// l7sniffBinary builds l7sniff once per test run and returns its path, so tests
// can run it as a user would (exit codes, signals, stdout vs stderr).
func l7sniffBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "l7sniff-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "l7sniff")
		buildOut, buildErr = exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}
