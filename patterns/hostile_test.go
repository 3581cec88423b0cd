package patterns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathologicalPatternsAreBounded loads patterns built to explode a DFA
// or the parser next to a good one: each bad one becomes a LoadError with
// file and line, quickly and in bounded memory, and the good one works.
func TestPathologicalPatternsAreBounded(t *testing.T) {
	dir := t.TempDir()
	blowup := "(a|b)*a" + strings.Repeat("(a|b)", 24) // 2^25 DFA states if built eagerly
	files := map[string]string{
		"blowup.pat": "blowup\n" + blowup + "\n",
		"huge.pat":   "huge\n(.{1000}){1000}\n",
		"http.pat":   "http\n^get /\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, errs := Load(dir)
	bad := map[string]bool{}
	for _, e := range errs {
		if e.Line != 2 {
			t.Errorf("%v: want the regex's line, 2", &e)
		}
		bad[filepath.Base(e.File)] = true
	}
	if !bad["blowup.pat"] || !bad["huge.pat"] {
		t.Errorf("errors %v: want blowup.pat and huge.pat rejected", errs)
	}
	if set.Lookup("http") == nil {
		t.Fatal("the good pattern did not survive its neighbours")
	}
	st := set.NewStream()
	if v := st.Feed([]byte("GET / HTTP/1.1\r\n")); v.Name() != "http" {
		t.Errorf("verdict %s, want http", v.Name())
	}
}
