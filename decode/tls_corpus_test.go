package decode

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"l7sniff/decode/decodetest"
)

// appTruthColumns are the truth columns this test compares: the TLS and
// QUIC ones. Each cell where tshark or the dissector has a value counts.
var appTruthColumns = map[string]bool{}

func init() {
	for _, n := range TLSFieldNames {
		appTruthColumns[n] = true
	}
	for _, n := range QUICFieldNames {
		appTruthColumns[n] = true
	}
}

// tlsKnownDifferences lists "capture#frame field" cells where the
// dissector differs from tshark on purpose, with the reason.
var tlsKnownDifferences = map[string]string{}

// appDissectors is the state the corpus test keeps per flow, standing in
// for the engine's flow table: TCP sequence tracking per direction and the
// TLS and QUIC connection state.
type appDissectors struct {
	tcp  map[FlowKey]*testTCPFlow
	quic map[FlowKey]*QUICConn
}

type testTCPFlow struct {
	next     [2]uint32
	synced   [2]bool
	tls      TLSConn
	isTLS    bool
	segments int
}

// dissect runs the TLS or QUIC dissector on p and appends each compared
// column's value to vals.
func (a *appDissectors) dissect(p *Packet, tls *TLS, q *QUIC) (hasTLS, hasQUIC bool) {
	pl := p.PayloadBytes()
	dir := 0
	if !p.FromA {
		dir = 1
	}
	switch {
	case p.Has(LayerTCP) && !p.Quoted:
		f := a.tcp[p.Flow]
		if f == nil {
			f = &testTCPFlow{}
			a.tcp[p.Flow] = f
		}
		seq := p.TCP.Seq
		if p.TCP.Flags&0x02 != 0 { // SYN
			f.next[dir], f.synced[dir] = seq+1, true
			return
		}
		if len(pl) == 0 {
			return
		}
		if !f.synced[dir] {
			f.next[dir], f.synced[dir] = seq, true
		}
		d := int32(f.next[dir] - seq)
		if d > 0 { // retransmitted bytes
			if int(d) >= len(pl) {
				return
			}
			pl = pl[d:]
		}
		base := p.Payload.Off + max(int(d), 0)
		f.next[dir] = seq + uint32(p.Payload.Len)
		// tshark dissects TLS on its TLS ports from the start; elsewhere
		// only when another protocol hands over (STARTTLS, HTTP CONNECT,
		// SOCKS, MySQL, RDP, Gnutella's upgrade): a later segment starting
		// with a Hello stands in for that hand-over here.
		if !f.isTLS && f.segments < 16 {
			f.isTLS = TLSPort(p.TCP.SrcPort) || TLSPort(p.TCP.DstPort) ||
				f.segments > 0 && LooksLikeTLSHello(pl)
			f.segments++
		}
		if !f.isTLS {
			return
		}
		f.tls.Feed(dir, pl, base, tls)
		return tls.NumRecords > 0, false
	case p.Has(LayerUDP) && p.Quoted:
		// An ICMP error quoting a datagram: tshark dissects the quoted
		// header without the connection's state.
		if o := p.UDP.Off + udpLen; o < len(p.Data) && LooksLikeQUIC(p.Data[o:]) {
			var c QUICConn
			c.Dissect(p.Data[o:], o, q)
			return false, q.NumPackets > 0
		}
	case p.Has(LayerUDP):
		c := a.quic[p.Flow]
		if c == nil && !LooksLikeQUIC(pl) {
			return
		}
		if c == nil {
			c = &QUICConn{}
			a.quic[p.Flow] = c
		}
		c.Dissect(pl, p.Payload.Off, q)
		return false, q.NumPackets > 0
	}
	return
}

// TestTLSQUICCorpusAgainstTshark runs every capture of the app corpus
// through the TLS and QUIC dissectors and compares their fields with
// tshark's truth, printing per-field agreement and the disagreements.
func TestTLSQUICCorpusAgainstTshark(t *testing.T) {
	corpus := corpusDir(t)
	list, err := os.Open(filepath.Join(corpus, "app", "captures.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer list.Close()
	agree := decodetest.Agreement{}
	var p Packet
	var tls TLS
	var q QUIC
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
		a := appDissectors{tcp: map[FlowKey]*testTCPFlow{}, quic: map[FlowKey]*QUICConn{}}
		for i, fr := range frames {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			hasTLS, hasQUIC := a.dissect(&p, &tls, &q)
			for col, column := range header {
				if !appTruthColumns[column] {
					continue
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				got := appTLSQUICValue(column, p.Data, hasTLS, hasQUIC, &tls, &q)
				if got == "" && want == "" {
					continue
				}
				key := fmt.Sprintf("%s#%d %s", name, i+1, column)
				_, known := tlsKnownDifferences[key]
				agree.Add(column, got == want || known)
				if got != want && !known {
					if shown++; shown <= 100000 {
						t.Logf("%s: got %q, tshark %q", key, trimCell(got), trimCell(want))
					}
				}
			}
		}
	}
	t.Log(agree.Table())
	if shown > 150 {
		t.Logf("... %d disagreements in all", shown)
	}
}

func trimCell(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// appTLSQUICValue formats one column from the dissectors' output.
func appTLSQUICValue(column string, data []byte, hasTLS, hasQUIC bool, tls *TLS, q *QUIC) string {
	var b []byte
	for f, n := range TLSFieldNames {
		if n != column {
			continue
		}
		if hasTLS {
			b, _ = tls.AppendField(b, TLSField(f), ',')
		}
		if hasQUIC {
			b, _ = q.TLS.AppendField(b, TLSField(f), ',')
		}
		return string(b)
	}
	for f, n := range QUICFieldNames {
		if n == column && hasQUIC {
			b, _ = q.AppendField(b, data, QUICField(f), ',')
		}
	}
	return string(b)
}
