package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"l7sniff/engine"
	"l7sniff/engine/output"
)

// headerLines is the header's height: source and filters, counters and
// rate, protocol shares, pattern set.
const headerLines = 4

// header is what the top of the screen shows; it is refreshed from
// engine snapshots a few times a second.
type header struct {
	st       engine.Stats
	apps     []engine.AppStat // traffic by verdict, for the share bar
	services []engine.AppStat // traffic by service, biggest first
	patterns string           // the pattern set's status line
	patErr   bool
	fps      int // redraws a second, shown with --debug (-1: not measured)
}

// sparkChars are the eight heights of a sparkline cell.
var sparkChars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last width values, scaled to the largest; seconds
// without packets are blank.
func sparkline(vals []float64, width int) string {
	if len(vals) > width {
		vals = vals[len(vals)-width:]
	}
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range vals {
		if v <= 0 || top == 0 {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(sparkChars[min(int(v/top*float64(len(sparkChars)-1)+0.5), len(sparkChars)-1)])
	}
	return b.String()
}

// shareFills tell segments of the share bar apart without colour.
var shareFills = []string{"█", "▓", "▒", "░"}

// shareBar draws the traffic by verdict as one bar of width cells and a
// legend, biggest first; the segment and its legend share a colour and a
// fill character.
func shareBar(th *Theme, apps []engine.AppStat, width int) string {
	var total uint64
	for _, a := range apps {
		total += a.Bytes
	}
	if total == 0 {
		return th.Label.Render("protocols ") + th.Dim.Render("no classified traffic yet")
	}
	barW := clamp(width/3, 10, 40)
	var bar, legend strings.Builder
	// Segment ends are rounded from the running total, so the segments
	// always add up to the bar's width.
	var cum uint64
	end := 0
	for i, a := range apps {
		cum += a.Bytes
		start := end
		end = int(float64(cum)/float64(total)*float64(barW) + 0.5)
		fill := shareFills[i%len(shareFills)]
		st := th.App(a.Name)
		bar.WriteString(st.Render(strings.Repeat(fill, end-start)))
		fmt.Fprintf(&legend, " %s %s %d%%", st.Render(fill), st.Render(output.Escape(a.Name)), a.Bytes*100/total)
	}
	return th.Label.Render("protocols ") + bar.String() + legend.String()
}

// reloadStatus is the pattern set's status line after a reload, e.g.
// "patterns v7: 112 loaded, 1 error: http.pat:12: missing closing )".
func reloadStatus(r engine.PatternReload) (string, bool) {
	s := fmt.Sprintf("patterns v%d: %d loaded", r.Version, r.Loaded)
	switch n := len(r.Errors); n {
	case 0:
		s += ", no errors"
	default:
		e := r.Errors[0]
		e.File = filepath.Base(e.File)
		s += fmt.Sprintf(", %d error%s: %s", n, map[bool]string{true: "s"}[n > 1], e.Error())
	}
	return output.Escape(s) + " · " + r.Time.Format("15:04:05"), len(r.Errors) > 0
}

// builtinStatus is the pattern line when the set is the built-in one,
// which has nothing to reload.
func builtinStatus(n int) string {
	return fmt.Sprintf("patterns: built-in set, %d loaded (start with --patterns DIR to edit and reload)", n)
}

// view draws the header; arrived is how many packets came since the
// display was paused, -1 when it is not.
func (h *header) view(th *Theme, width int, viewFilter string, arrived int) string {
	st := &h.st
	kind := "file"
	if st.Live {
		kind = "live"
	}
	if st.Done {
		kind += ", ended"
	}
	cf, vf := output.Escape(st.CaptureFilter), output.Escape(viewFilter)
	if cf == "" {
		cf = th.Dim.Render("none")
	}
	if vf == "" {
		vf = th.Dim.Render("none")
	}
	l1 := th.Title.Render("l7sniff ") + output.Escape(st.Source) + th.Label.Render(" ("+kind+")") +
		th.Label.Render(" │ capture ") + cf + th.Label.Render(" │ view ") + vf
	if arrived >= 0 {
		l1 = th.Paused.Render(fmt.Sprintf(" PAUSED · %s new ", count(uint64(arrived)))) + " " + l1
	}
	counters := th.Label.Render("pkts ") + count(st.Packets) + th.Label.Render(" · ") + siBytes(st.Bytes) +
		th.Label.Render(" · flows ") + count(uint64(st.FlowsActive)) + th.Label.Render(" live, ") +
		count(st.FlowsExpired+st.FlowsEvicted) + th.Label.Render(" ended")
	if st.KernelOK {
		drop := count(st.KernelDropped)
		if st.KernelDropped > 0 {
			drop = th.Error.Render(drop)
		}
		counters += th.Label.Render(" · kernel drops ") + drop
	}
	if st.RingEvicted > 0 {
		counters += th.Label.Render(" · history evicted ") + count(st.RingEvicted)
	}
	if st.FlowsEvicted > 0 {
		counters += th.Label.Render(" · flows evicted ") + count(st.FlowsEvicted)
	}
	if st.Exporting {
		counters += th.Label.Render(" · ipfix ") + count(st.Exported)
		if st.ExportDropped > 0 {
			counters += th.Error.Render(" (" + count(st.ExportDropped) + " dropped)")
		}
	}
	rate := fmt.Sprintf(" │ %s pps %s ", count(uint64(st.PPS)), si(st.BPS, "bit/s"))
	fps := ""
	if h.fps >= 0 {
		fps = th.Label.Render(fmt.Sprintf(" │ ui %d fps", h.fps))
	}
	spark := max(width-ansi.StringWidth(counters+rate+fps), 0)
	l2 := counters + th.Label.Render(rate) + th.Spark.Render(sparkline(st.History[:], min(spark, 60))) + fps
	return strings.Join([]string{fit(l1, width), fit(l2, width), h.sharesLine(th, width), h.patternLine(th, width)}, "\n")
}

// topServices is how many services the header names.
const topServices = 3

// sharesLine is the protocol share bar and, at its right, the biggest
// services by bytes ("services youtube 40 MB · github 2.1 MB"): as many
// whole ones as fit in half the width; the bar's legend is cut first.
func (h *header) sharesLine(th *Theme, width int) string {
	var svc strings.Builder
	sw := 0
	for i, s := range h.services[:min(len(h.services), topServices)] {
		sep := " · "
		if i == 0 {
			sep = " │ services "
		}
		entry := output.Escape(s.Name) + " " + siBytes(s.Bytes)
		n := ansi.StringWidth(sep + entry)
		if sw+n > width/2 {
			break
		}
		svc.WriteString(th.Label.Render(sep) + entry)
		sw += n
	}
	return fit(shareBar(th, h.apps, width-sw), width-sw) + svc.String()
}

// patternLine is the pattern set's status, red after a failed reload.
func (h *header) patternLine(th *Theme, width int) string {
	if h.patErr {
		return th.Error.Render(fit(h.patterns, width))
	}
	return th.Label.Render(fit(h.patterns, width))
}
