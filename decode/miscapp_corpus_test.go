package decode

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// miscKnownDifferences lists "capture#frame field" cells where the small
// protocols' dissectors deliberately differ from tshark, with the reason.
var miscKnownDifferences = map[string]string{}

// TestMiscAppAgainstTshark runs the SSH, DHCP, NTP, SIP and mail/FTP
// dissectors over every capture of the application corpus and compares
// each of their fields with tshark's truth, counting every cell where
// either side has a value. Every disagreement is printed.
func TestMiscAppAgainstTshark(t *testing.T) {
	corpus := corpusDir(t)
	list, err := os.Open(filepath.Join(corpus, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer list.Close()
	fields := map[string]*MiscField{}
	for i := range MiscFields {
		fields[MiscFields[i].Name] = &MiscFields[i]
	}
	agree := decodetest.Agreement{}
	var p Packet
	var m MiscApp
	var val []byte
	sc := bufio.NewScanner(list)
	for sc.Scan() {
		rel := sc.Text()
		if rel == "" || rel[0] == '#' {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		header, rows := readTruth(t, filepath.Join(corpus, "app", "truth", name+".tsv"))
		frames := readCapture(t, filepath.Join(corpus, rel))
		if len(frames) != len(rows) {
			t.Errorf("%s: %d frames, truth has %d rows", name, len(frames), len(rows))
			continue
		}
		states := map[FlowKey]*TextState{}
		for i, fr := range frames {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			st := states[p.Flow]
			if st == nil {
				st = new(TextState)
				states[p.Flow] = st
			}
			m.Dissect(&p, st)
			for col, column := range header {
				f := fields[column]
				if f == nil {
					continue
				}
				val = val[:0]
				for occ := 0; ; occ++ {
					n := len(val)
					if occ > 0 {
						val = append(val, ',')
					}
					var ok bool
					if val, ok = f.Occurrence(&m, p.Data, val, occ); !ok {
						val = val[:n]
						break
					}
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				if want == "" && len(val) == 0 {
					continue
				}
				key := name + "#" + itoa(i+1) + " " + column
				_, known := miscKnownDifferences[key]
				ok := string(val) == want || known
				agree.Add(column, ok)
				if !ok {
					t.Errorf("%s: got %q, tshark %q", key, val, want)
				}
			}
		}
	}
	t.Log(agree.Table())
}
