package decode

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
	"l7sniff/internal/corpustest"
)

// tlsKnown lists where the TLS and QUIC dissectors differ from tshark on
// purpose, keyed "capture field-prefix" (every frame), with the reason,
// as the top-level app test's list (app_fields_test.go) does.
var tlsKnown = map[string]string{
	"doq tls.":                               tlsKeylog,
	"doq quic.dcid":                          "ICMP errors quote the connection's short headers; tshark knows their DCID from the connection, l7sniff decodes a quote without the flow's state",
	"quic-33 tls.":                           tlsKeylog,
	"quic-v2 tls.":                           tlsKeylog,
	"KakaoTalk_chat tls.":                    tlsTwoSynAcks,
	"tls_multiple_synack_different_seq tls.": tlsTwoSynAcks,
	"quic-forcing-vn-with-data tls.":         "after Version Negotiation tshark decrypts none of the client's Initials; l7sniff derives the new version's keys (RFC 9000 §6) and shows the ClientHello",
}

const (
	tlsKeylog     = "the capture embeds its TLS secrets (pcapng DSB) and tshark decrypts Handshake and 1-RTT packets with them (EncryptedExtensions' ALPN, Certificate, Finished); l7sniff decrypts Initial packets only"
	tlsTwoSynAcks = "the server answered the SYN twice with different ISNs; tshark takes the later one and dissects none of the server's data; l7sniff follows the data"
)

// tlsIsKnown reports whether a cell is in tlsKnown.
func tlsIsKnown(capture, field string) bool {
	for k := range tlsKnown {
		c, prefix, _ := strings.Cut(k, " ")
		if c == capture && strings.HasPrefix(field, prefix) {
			return true
		}
	}
	return false
}

// TestTLSQUICCorpusAgainstTshark decodes every capture of the app corpus
// in order with per-flow dissector state (decode.AppConn, as the engine's
// collector keeps it), without the engine's TCP reassembly (TLSConn does
// its own), and compares the tls.* and quic.* fields with tshark's truth:
// every cell where either has a value counts. It prints the per-field
// agreement and the disagreements, and fails below 95% for a field.
func TestTLSQUICCorpusAgainstTshark(t *testing.T) {
	corpus := corpustest.Dir(t)
	list, err := os.Open(filepath.Join(corpus, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer list.Close()
	columns := map[string]bool{}
	for _, n := range TLSFieldNames {
		columns[n] = true
	}
	for _, n := range QUICFieldNames {
		columns[n] = true
	}
	agree := decodetest.Agreement{}
	var p Packet
	shown := 0
	sc := bufio.NewScanner(list)
	for sc.Scan() {
		rel := strings.TrimSpace(sc.Text())
		if rel == "" || strings.HasPrefix(rel, "#") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		header, rows := readTruth(t, filepath.Join(corpus, "app", "truth", name+".tsv"))
		frames := readCapture(t, filepath.Join(corpus, rel))
		if len(frames) != len(rows) {
			t.Errorf("%s: %d frames, truth has %d rows", name, len(frames), len(rows))
			continue
		}
		conns := map[FlowKey]*AppConn{}
		for i, fr := range frames {
			DecodeHeaders(fr.link, fr.data, fr.wireLen, &p)
			c := conns[p.Flow]
			if c == nil {
				c = new(AppConn)
				conns[p.Flow] = c
			}
			DecodeStream(fr.link, fr.data, fr.wireLen, &p, &Stream{Conn: c})
			for col, column := range header {
				if !columns[column] {
					continue
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				got := fieldValue(t, &p, column)
				if got == "" && want == "" {
					continue
				}
				key := fmt.Sprintf("%s#%d %s", name, i+1, column)
				known := tlsIsKnown(name, column)
				agree.Add(column, got == want || known)
				if got != want && !known {
					if shown++; shown <= 2000 {
						t.Logf("%s: got %q, tshark %q", key, trimCell(got), trimCell(want))
					}
				}
			}
		}
	}
	t.Log(agree.Table())
	if shown > 200 {
		t.Logf("... %d disagreements in all", shown)
	}
	for field, c := range agree {
		if pct := 100 * float64(c[1]) / float64(c[0]); pct < 95 {
			t.Errorf("%s: %.2f%% agreement with tshark, below 95%%", field, pct)
		}
	}
}

func trimCell(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
