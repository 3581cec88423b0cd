package output

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// writeAligned writes n lines of tab-separated cells, line i appended to
// a buffer by line(i, buf) and ending in a newline, aligned as
// text/tabwriter aligns them with minwidth 0, padding 2, padchar ' ' and
// no flags: each tab-terminated cell padded with spaces to the widest
// cell of its column (in runes) plus 2, the text after a line's last tab
// as it is. Unlike tabwriter it does not hold the table until the end:
// every line is formatted twice, once to measure and once to write, so a
// report of a million flows holds one line at a time, not all of them
// (with tabwriter the report of a large capture was the peak of the
// process's memory). Every line must have the same number of tabs (one
// column block, as tabwriter would see it); the first write error ends
// it and is returned.
func writeAligned(w io.Writer, n int, line func(i int, buf []byte) []byte) error {
	var widths []int
	var buf []byte
	for i := range n {
		buf = line(i, buf[:0])
		for c, cell := 0, bytes.TrimSuffix(buf, []byte{'\n'}); ; c++ {
			j := bytes.IndexByte(cell, '\t')
			if j < 0 {
				break
			}
			if c == len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], utf8.RuneCount(cell[:j]))
			cell = cell[j+1:]
		}
	}
	var out []byte
	for i := range n {
		buf = line(i, buf[:0])
		out = out[:0]
		cell := bytes.TrimSuffix(buf, []byte{'\n'})
		for c := 0; ; c++ {
			j := bytes.IndexByte(cell, '\t')
			if j < 0 {
				break
			}
			out = append(out, cell[:j]...)
			for pad := widths[c] + 2 - utf8.RuneCount(cell[:j]); pad > 0; pad-- {
				out = append(out, ' ')
			}
			cell = cell[j+1:]
		}
		out = append(append(out, cell...), '\n')
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}
