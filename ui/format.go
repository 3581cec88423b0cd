package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// fit pads or truncates s (already escaped, possibly styled) to exactly
// w cells, so table columns line up whatever a field holds.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	switch {
	case n > w:
		return ansi.Truncate(s, w, "…")
	case n < w:
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitEndpoint is fit for an address and port ("10.0.0.1:443",
// "[2001:db8::1]:443"): when it must be cut, the host is, so the port
// still shows.
func fitEndpoint(s string, w int) string {
	i := strings.LastIndexByte(s, ':')
	if ansi.StringWidth(s) <= w || !hasPort(s, i) || w-(len(s)-i) < 2 {
		return fit(s, w)
	}
	return ansi.Truncate(s[:i], w-(len(s)-i), "…") + s[i:]
}

// hasPort reports whether s ends in a port after the colon at i: digits,
// after an IPv4 address, a name or a bracketed IPv6 address (not the
// last group of a MAC or a bare IPv6 address).
func hasPort(s string, i int) bool {
	if i <= 0 || i == len(s)-1 || strings.Trim(s[i+1:], "0123456789") != "" {
		return false
	}
	return s[i-1] == ']' || !strings.Contains(s[:i], ":")
}

// fitRight is fit for numbers: right-aligned.
func fitRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return fit(s, w)
}

// siBytes formats a byte count as people read it: 1.2 kB, 34 MB.
func siBytes(n uint64) string {
	return si(float64(n), "B")
}

// si formats v with an SI prefix and unit ("12.3 Mbit/s").
func si(v float64, unit string) string {
	prefixes := []string{"", "k", "M", "G", "T"}
	i := 0
	for v >= 999.5 && i < len(prefixes)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + unit
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + prefixes[i] + unit
}

// count formats a counter with thousands separators.
func count(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// duration formats a flow's duration compactly: 850ms, 12.3s, 4m05s.
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m" + pad2(int(d.Seconds())%60) + "s"
	}
	return strconv.Itoa(int(d.Hours())) + "h" + pad2(int(d.Minutes())%60) + "m"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// clamp keeps v within [lo, hi]; hi < lo yields lo.
func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// fitHost is fit for a host name: when it must be cut, its start is, so
// the end that names the owner stays ("….googlevideo.com"). The cut is
// made at a label boundary when that still leaves two labels, otherwise
// mid-label.
func fitHost(h string, w int) string {
	if ansi.StringWidth(h) <= w || w < 4 || len(h) != ansi.StringWidth(h) {
		return fit(h, w)
	}
	tail := h[len(h)-(w-1):]
	if i := strings.IndexByte(tail, '.'); i >= 0 && strings.Contains(tail[i+1:], ".") {
		tail = tail[i:]
	}
	return fit("…"+tail, w)
}
