package ui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// demoSNI is the name the demo capture's TLS client asks for.
const demoSNI = "demo.l7sniff.test"

// TestTLSAndSSHEndToEnd runs the binary on the demo capture in tmux, in
// colour at 160×40 and without (NO_COLOR) at 80×24: the SSH and TLS rows
// show their application Info (the TLS 1.3 flight after the ServerHello
// too), the ClientHello's detail
// tree has the SNI, and selecting it highlights exactly the SNI's bytes
// in the hex pane, hex and ASCII alike. The highlight is read from the
// screen's attributes (tmux capture-pane -e); the truth is where the name
// sits in the frame's bytes, found without the decoder.
func TestTLSAndSSHEndToEnd(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	capture, _ := filepath.Abs(demoCapture)
	seq, want := demoSNIBytes(t)
	for _, c := range []struct {
		w, h     int
		env      string
		ssh, tls []string
	}{
		{160, 40, "COLORTERM=truecolor",
			[]string{"SSH", "Client: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10)", "Server: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10)"},
			[]string{"TLS", "Client Hello (SNI=demo.l7sniff.test)", "Server Hello, Change Cipher Spec, Application Data", "Change Cipher Spec, Application Data"}},
		// At 80 columns the protocol leads the Info column, which is
		// cut to the 30 columns left.
		{80, 24, "NO_COLOR=1",
			[]string{"SSH Client: Protocol (SSH-2.0-…", "SSH Server: Protocol (SSH-2.0-…"},
			[]string{"TLS Client Hello (SNI=demo.l7s…", "TLS Server Hello, Change Ciphe…", "TLS Change Cipher Spec, Applic…"}},
	} {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			tm := startTmux(t, c.w, c.h, "env "+c.env+" "+bin+" --no-drop -r "+capture+"; sleep 60")
			tm.waitText("(file, ended)")
			// The first connection's first packets: g leaves the tail.
			tm.filter("tcp port 22")
			tm.keys("g")
			tm.waitText(c.ssh...)
			tm.filter("tcp port 443")
			tm.keys("g")
			tm.waitText(c.tls...)
			tm.filter("tcp port 443 and tcp[13] & 8 != 0") // PSH: the ClientHello first
			tm.keys("g", "Enter")
			tm.waitText(fmt.Sprintf("Packet %d ", seq))
			tm.selectNode("Server Name: " + demoSNI)
			s := tm.waitText(fmt.Sprintf("bytes %d–%d of the selected field", want[0], want[len(want)-1]))
			hexMarked, asciiMarked := markedBytes(tm.run("capture-pane", "-e", "-p", "-t", "t"))
			if !slices.Equal(hexMarked, want) || !slices.Equal(asciiMarked, want) {
				t.Errorf("highlighted bytes: hex %v, ASCII %v; the SNI is %v\n%s", hexMarked, asciiMarked, want, s)
			}
		})
	}
}

// demoSNIBytes finds the packet of the demo capture that carries the SNI
// and the offsets of the name's bytes in its frame.
func demoSNIBytes(t *testing.T) (uint64, []int) {
	t.Helper()
	r := demoEngine(t).Ring()
	_, first, last := r.Len()
	for seq := first; seq <= last; seq++ {
		v, _ := r.Get(seq)
		if i := bytes.Index(v.Data, []byte(demoSNI)); i >= 0 {
			if bytes.Count(v.Data, []byte(demoSNI)) != 1 {
				t.Fatalf("packet %d holds the name more than once", seq)
			}
			var at []int
			for k := range len(demoSNI) {
				at = append(at, i+k)
			}
			return seq, at
		}
	}
	t.Fatal("no packet of the demo capture holds " + demoSNI)
	return 0, nil
}

// filter sets the view filter and waits until the list applies it.
func (t *tmuxTerm) filter(expr string) {
	t.tb.Helper()
	t.keys("/", "C-u")
	t.text(expr)
	t.keys("Enter")
	t.waitText(fmt.Sprintf("view filter %q:", expr))
}

// selectNode moves the detail view's selection down until the selected
// line (the one drawn with ">") holds label.
func (t *tmuxTerm) selectNode(label string) {
	t.tb.Helper()
	// The selected line and the hex pane's title with its byte range:
	// neighbours can share a label (two TCP No-operation options).
	sel := func(s string) string {
		var cur string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, ">") || strings.HasPrefix(l, "── hex ──") {
				cur += l + "\n"
			}
		}
		return cur
	}
	for range 500 {
		s := t.screen()
		cur := sel(s)
		if strings.Contains(cur, label) {
			return
		}
		t.keys("j")
		t.waitFor(5*time.Second, "the selection to move", func(s string) bool { return sel(s) != cur })
	}
	t.tb.Fatalf("no node %q in the tree", label)
}

// hexRow is a hex dump line: its offset, then 16 cells.
var hexRow = regexp.MustCompile(`^([0-9a-f]{4})  `)

// markedBytes reads the hex pane of a screen captured with attributes
// (capture-pane -e) and returns the offsets of the bytes whose hex cell
// and whose ASCII cell are highlighted: drawn in reverse video or on a
// background colour. A hex cell counts when both its digits are.
func markedBytes(screen string) (hex, ascii []int) {
	for _, line := range strings.Split(screen, "\n") {
		text, marked := cells(line)
		m := hexRow.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		off, _ := strconv.ParseInt(m[1], 16, 32)
		for k := range 16 {
			// The layout of decode.AppendHexRow: "oooo  ", 16 cells of
			// "hh " with one more space after the eighth, a space, then
			// the ASCII column.
			col := 6 + 3*k
			if k >= 8 {
				col++
			}
			if col+1 < len(marked) && marked[col] && marked[col+1] {
				hex = append(hex, int(off)+k)
			}
			if a := 56 + k; a < len(marked) && marked[a] {
				ascii = append(ascii, int(off)+k)
			}
		}
	}
	return hex, ascii
}

// cells strips the SGR sequences from a captured line, returning its text
// and, per character, whether it is highlighted.
func cells(line string) (string, []bool) {
	var text strings.Builder
	var marked []bool
	reverse, bg := false, false
	for i := 0; i < len(line); {
		if strings.HasPrefix(line[i:], "\x1b[") {
			j := i + 2
			for j < len(line) && (line[j] >= '0' && line[j] <= '9' || line[j] == ';' || line[j] == ':') {
				j++
			}
			if j < len(line) && line[j] == 'm' {
				reverse, bg = sgr(line[i+2:j], reverse, bg)
			}
			i = j + 1
			continue
		}
		r, n := rune(line[i]), 1
		if r >= 0x80 {
			for _, rr := range line[i:] {
				r = rr
				break
			}
			n = len(string(r))
		}
		text.WriteRune(r)
		marked = append(marked, reverse || bg)
		i += n
	}
	return text.String(), marked
}

// sgr applies one Select Graphic Rendition sequence's parameters to the
// two attributes that mark a cell.
func sgr(params string, reverse, bg bool) (bool, bool) {
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	if len(ps) == 0 {
		return false, false
	}
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i])
		switch {
		case n == 0:
			reverse, bg = false, false
		case n == 7:
			reverse = true
		case n == 27:
			reverse = false
		case n >= 40 && n <= 47 || n >= 100 && n <= 107:
			bg = true
		case n == 49:
			bg = false
		case n == 38 || n == 48:
			// Extended colour: 5;n or 2;r;g;b follow.
			if n == 48 {
				bg = true
			}
			if i+1 < len(ps) && ps[i+1] == "5" {
				i += 2
			} else if i+1 < len(ps) && ps[i+1] == "2" {
				i += 4
			}
		}
	}
	return reverse, bg
}
