package ui

import (
	"hash/fnv"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"l7sniff/decode"
	"l7sniff/engine"
)

// rowInfo is what a colouring rule looks at: the decoded packet and its
// flow's verdict.
type rowInfo struct {
	p   *decode.Packet
	app string
}

// colour is a foreground/background pair for the dark and light themes;
// an empty string leaves the terminal's own colour.
type colour struct {
	fg, bg lipgloss.AdaptiveColor
	bold   bool
}

func c(dark, light string) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Dark: dark, Light: light}
}

// rule colours a packet row when match holds. Rules are tried in order and
// the first match wins, as in Wireshark's "View › Coloring Rules", whose
// defaults and order these follow.
type rule struct {
	name   string
	desc   string
	match  func(r *rowInfo) bool
	colour colour
}

// rules is the one table of packet colouring rules: adding a rule is
// adding a line.
var rules = []rule{
	{"bad", "malformed or truncated headers", isBad, colour{c("#ffd7d7", "#ffffff"), c("#870000", "#d70000"), true}},
	{"tcp-rst", "TCP reset", tcpFlag(decode.TCPRst), colour{c("#ff5f5f", "#af0000"), c("", ""), true}},
	{"icmp", "ICMP and ICMPv6", isICMP, colour{c("#d7afff", "#8700af"), c("", ""), false}},
	{"arp", "ARP and RARP", has(decode.LayerARP), colour{c("#ffd75f", "#875f00"), c("", ""), false}},
	{"routing", "OSPF, BGP, RIP, VRRP, IGMP", isRouting, colour{c("#d7d787", "#5f5f00"), c("", ""), false}},
	{"http", "HTTP by verdict, else port 80", appOrPort("http", 80, 8080), colour{c("#87ff87", "#006f00"), c("", ""), false}},
	{"dns", "DNS by verdict, else port 53", appOrPort("dns", 53, 5353), colour{c("#87d7ff", "#005f87"), c("", ""), false}},
	{"tcp-synfin", "TCP SYN or FIN", tcpFlag(decode.TCPSyn | decode.TCPFin), colour{c("#a8a8a8", "#6c6c6c"), c("", ""), false}},
	{"broadcast", "broadcast and multicast", isBroadcast, colour{c("#8a8a8a", "#808080"), c("", ""), false}},
	{"usb", "USB transfers", isUSB, colour{c("#87d7d7", "#005f5f"), c("", ""), false}},
}

func isBad(r *rowInfo) bool { return !r.p.Problem.OK() }

func has(l decode.Layer) func(*rowInfo) bool {
	return func(r *rowInfo) bool { return r.p.Has(l) }
}

func tcpFlag(bits uint16) func(*rowInfo) bool {
	return func(r *rowInfo) bool {
		return r.p.Has(decode.LayerTCP) && !r.p.Quoted && r.p.TCP.Flags&bits != 0
	}
}

func isICMP(r *rowInfo) bool { return r.p.Has(decode.LayerICMPv4) || r.p.Has(decode.LayerICMPv6) }

func isUSB(r *rowInfo) bool { return r.p.Has(decode.LayerUSB) || r.p.Has(decode.LayerUSBPcap) }

func isRouting(r *rowInfo) bool {
	if proto, ok := r.p.Flow.IPProto(); ok {
		switch proto {
		case decode.IPProtoIGMP, decode.IPProtoOSPF, decode.IPProtoVRRP:
			return true
		}
	}
	return port(r.p, 179) || port(r.p, 520)
}

// appOrPort matches a flow classified as app, or, while its flow has no
// verdict yet (or none will come), one on the protocol's ports; a flow the
// payload says is something else is not painted by its port (BitTorrent
// on 8080 is not HTTP).
func appOrPort(app string, ports ...uint16) func(*rowInfo) bool {
	return func(r *rowInfo) bool {
		switch r.app {
		case app:
			return true
		case "", engine.AppClassifying, engine.AppUnknown:
		default:
			return false
		}
		for _, n := range ports {
			if port(r.p, n) {
				return true
			}
		}
		return false
	}
}

// port reports whether either end of the packet's TCP or UDP flow uses n.
func port(p *decode.Packet, n uint16) bool {
	k := &p.Flow
	return (k.IsIP(decode.IPProtoTCP) || k.IsIP(decode.IPProtoUDP)) && (k.PortA == n || k.PortB == n)
}

func isBroadcast(r *rowInfo) bool {
	p := r.p
	if p.Has(decode.LayerEthernet) && p.Eth.Dst[0]&1 != 0 {
		return true // group bit: broadcast or multicast
	}
	if p.Has(decode.LayerIPv4) {
		d := p.IPv4.Dst
		return d == [4]byte{255, 255, 255, 255} || d[0] >= 224 && d[0] < 240
	}
	return p.Has(decode.LayerIPv6) && p.IPv6.Dst[0] == 0xff
}

// appPalette colours verdicts that have no colour of their own: a
// protocol gets the same colour every run (by a hash of its name).
var appPalette = []lipgloss.AdaptiveColor{
	c("#5fd7ff", "#005f87"), c("#afff5f", "#4e8700"), c("#ffaf5f", "#af5f00"),
	c("#d787ff", "#5f00af"), c("#5fffaf", "#00875f"), c("#ff87af", "#af005f"),
	c("#ffd700", "#875f00"), c("#87afff", "#0000af"), c("#d7ff87", "#5f8700"),
	c("#ff8787", "#870000"),
}

// appColours fixes the colours of the protocols people see most, matched
// to the row rules so an HTTP row and its verdict agree.
var appColours = map[string]lipgloss.AdaptiveColor{
	"http": c("#87ff87", "#006f00"), "dns": c("#87d7ff", "#005f87"),
	"ssl": c("#ffaf87", "#af5f00"), "ssh": c("#ff87ff", "#870087"),
	"bittorrent": c("#ffd75f", "#875f00"),
}

// Theme holds the styles every view draws with. It is built once for a
// renderer, so styles are resolved for that terminal's colour profile and
// background.
type Theme struct {
	noColor bool
	r       *lipgloss.Renderer
	rows    []lipgloss.Style // parallel to rules
	apps    map[string]lipgloss.Style

	// Text roles: titles and labels, the selected row (reversed, so it
	// shows without colour), the hex dump's marked bytes, the paused
	// badge, verdicts, validation and errors, the sparkline, and the two
	// directions of a followed stream.
	Title, Label, Dim, Bold lipgloss.Style
	Selected, Mark, Paused  lipgloss.Style
	Unknown, Classifying    lipgloss.Style
	Mismatch                lipgloss.Style
	OK, Error, Spark        lipgloss.Style
	Client, Server          lipgloss.Style
}

// NewTheme builds the theme for a renderer: dark or light, and without
// colours when noColor is set (NO_COLOR). Without colours, emphasis still
// uses bold and reverse video, which NO_COLOR allows, so the selection
// and the hex highlight stay visible.
func NewTheme(r *lipgloss.Renderer, dark, noColor bool) *Theme {
	r.SetHasDarkBackground(dark)
	if noColor && r.ColorProfile() == termenv.Ascii {
		// NO_COLOR drops lipgloss to the Ascii profile, which also drops
		// bold and reverse; keep those, the colours below are empty.
		r.SetColorProfile(termenv.ANSI)
	}
	t := &Theme{noColor: noColor, r: r, apps: map[string]lipgloss.Style{}}
	fg := func(col lipgloss.AdaptiveColor) lipgloss.Style {
		if noColor {
			return r.NewStyle()
		}
		return r.NewStyle().Foreground(col)
	}
	for _, ru := range rules {
		s := fg(ru.colour.fg).Bold(ru.colour.bold)
		if !noColor && ru.colour.bg.Dark != "" {
			s = s.Background(ru.colour.bg)
		}
		t.rows = append(t.rows, s)
	}
	t.Title = fg(c("#ffffff", "#000000")).Bold(true)
	t.Label = fg(c("#8a8a8a", "#6c6c6c"))
	t.Dim = fg(c("#6c6c6c", "#9e9e9e")).Faint(noColor)
	t.Bold = r.NewStyle().Bold(true)
	t.Selected = r.NewStyle().Reverse(true)
	t.Mark = fg(c("#000000", "#ffffff")).Reverse(noColor)
	if !noColor {
		t.Mark = t.Mark.Background(c("#ffd700", "#d78700"))
	}
	t.Paused = fg(c("#ffd700", "#875f00")).Bold(true).Reverse(true)
	t.Unknown = fg(c("#808080", "#8a8a8a")).Faint(noColor)
	t.Classifying = fg(c("#ffd75f", "#875f00")).Italic(true)
	t.Mismatch = fg(c("#ff5fd7", "#d7005f")).Bold(true).Underline(noColor)
	t.OK = fg(c("#5fff5f", "#008700"))
	t.Error = fg(c("#ff5f5f", "#d70000")).Bold(true)
	t.Spark = fg(c("#5fd7ff", "#005f87"))
	t.Client = fg(c("#ff8787", "#af0000"))
	t.Server = fg(c("#87afff", "#0000af"))
	return t
}

// ruleFor returns the index of the first rule that matches, -1 for none.
func ruleFor(p *decode.Packet, app string) int {
	ri := rowInfo{p, app}
	for i := range rules {
		if rules[i].match(&ri) {
			return i
		}
	}
	return -1
}

// Row returns the style of rule i (from ruleFor); -1 is the plain style.
func (t *Theme) Row(i int) lipgloss.Style {
	if i < 0 {
		return t.r.NewStyle()
	}
	return t.rows[i]
}

// App returns the style of a verdict: a protocol's own colour, or the
// distinct looks of "unknown" and "classifying".
func (t *Theme) App(app string) lipgloss.Style {
	switch app {
	case "unknown", "":
		return t.Unknown
	case "classifying":
		return t.Classifying
	}
	if s, ok := t.apps[app]; ok {
		return s
	}
	col, ok := appColours[app]
	if !ok {
		h := fnv.New32a()
		h.Write([]byte(app))
		col = appPalette[h.Sum32()%uint32(len(appPalette))]
	}
	s := t.r.NewStyle()
	if !t.noColor {
		s = s.Foreground(col)
	}
	t.apps[app] = s
	return s
}
