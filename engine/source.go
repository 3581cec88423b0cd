package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcap"

	"l7sniff/decode"
)

// SourceConfig says where packets come from and how to capture them.
type SourceConfig struct {
	// Device is the interface to capture on ("any" for all); File a
	// capture file to read, "-" for standard input. Exactly one is set.
	Device string
	File   string
	// Snaplen is the number of bytes kept per packet (0 means 262144).
	Snaplen int
	// NoPromisc leaves the interface out of promiscuous mode (-p).
	NoPromisc bool
	// BufferSize is the kernel buffer size in bytes (0 keeps libpcap's).
	BufferSize int
	// Filter is the capture filter, a BPF expression ("" for none).
	Filter string
}

// DefaultSnaplen is tcpdump's default: whole packets.
const DefaultSnaplen = 262144

// Source is an open libpcap handle on a device or a file.
type Source struct {
	h      *pcap.Handle
	link   decode.LinkType
	name   string
	live   bool
	filter string
}

// Open opens the device or file cfg names and applies its capture filter.
func Open(cfg SourceConfig) (*Source, error) {
	var s *Source
	var err error
	if cfg.File != "" {
		s, err = openFile(cfg.File)
	} else {
		s, err = openLive(cfg)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Filter != "" {
		if err := s.SetFilter(cfg.Filter); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func openFile(path string) (*Source, error) {
	name := path
	var h *pcap.Handle
	var err error
	if path == "-" {
		name = "stdin"
		h, err = pcap.OpenOfflineFile(os.Stdin)
	} else {
		h, err = pcap.OpenOffline(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return &Source{h: h, link: decode.FromGopacket(h.LinkType()), name: name}, nil
}

func openLive(cfg SourceConfig) (*Source, error) {
	dev := cfg.Device
	if dev == "" {
		d, err := DefaultDevice()
		if err != nil {
			return nil, err
		}
		dev = d
	}
	in, err := pcap.NewInactiveHandle(dev)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dev, err)
	}
	defer in.CleanUp()
	snap := cfg.Snaplen
	if snap <= 0 {
		snap = DefaultSnaplen
	}
	steps := []error{
		in.SetSnapLen(snap),
		in.SetPromisc(!cfg.NoPromisc),
		in.SetImmediateMode(true),
		// A timeout lets the reader notice Close and update stats even
		// when no packet arrives.
		in.SetTimeout(100 * time.Millisecond),
	}
	if cfg.BufferSize > 0 {
		steps = append(steps, in.SetBufferSize(cfg.BufferSize))
	}
	if err := errors.Join(steps...); err != nil {
		return nil, fmt.Errorf("set up %s: %w", dev, err)
	}
	h, err := in.Activate()
	if err != nil {
		return nil, explainOpenError(dev, err)
	}
	return &Source{h: h, link: decode.FromGopacket(h.LinkType()), name: dev, live: true}, nil
}

// explainOpenError turns libpcap's terse refusals into what to do next.
func explainOpenError(dev string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "ermission") || strings.Contains(msg, "not permitted"):
		return fmt.Errorf("capture on %s: %w\n"+
			"  l7sniff needs the right to capture: run it as root, or give the binary the capabilities once with\n"+
			"    sudo setcap cap_net_raw,cap_net_admin=eip $(command -v l7sniff)\n"+
			"  or read a saved capture with -r FILE", dev, err)
	case strings.Contains(msg, "No such device") || strings.Contains(msg, "doesn't exist"):
		return fmt.Errorf("capture on %s: %w (l7sniff -D lists the devices)", dev, err)
	}
	return fmt.Errorf("capture on %s: %w", dev, err)
}

// DefaultDevice picks the device tcpdump would: the first one that is up
// and not a loopback.
func DefaultDevice() (string, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return "", fmt.Errorf("list devices: %w", err)
	}
	for _, d := range devs {
		if d.Flags&pcapIfUp != 0 && d.Flags&pcapIfLoopback == 0 && d.Flags&pcapIfRunning != 0 {
			return d.Name, nil
		}
	}
	if len(devs) > 0 {
		return devs[0].Name, nil
	}
	return "", errors.New("no capture device found (run as root, or use -r FILE)")
}

// Flags libpcap sets on pcap_if_t (pcap/pcap.h).
const (
	pcapIfLoopback = 0x1
	pcapIfUp       = 0x2
	pcapIfRunning  = 0x4
)

// Devices lists the capture devices as tcpdump -D does: name and
// description, including usbmonN buses when the usbmon module is loaded.
func Devices() ([]string, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	out := make([]string, len(devs))
	for i, d := range devs {
		var st []string
		if d.Flags&pcapIfUp != 0 {
			st = append(st, "Up")
		}
		if d.Flags&pcapIfRunning != 0 {
			st = append(st, "Running")
		}
		if d.Flags&pcapIfLoopback != 0 {
			st = append(st, "Loopback")
		}
		line := fmt.Sprintf("%d.%s", i+1, d.Name)
		if d.Description != "" {
			line += " (" + d.Description + ")"
		}
		if len(st) > 0 {
			line += " [" + strings.Join(st, ", ") + "]"
		}
		out[i] = line
	}
	return out, nil
}

// Name is the device name, the file name, or "stdin".
func (s *Source) Name() string { return s.name }

// Live reports whether the source is a device rather than a file.
func (s *Source) Live() bool { return s.live }

// LinkType is the link-layer type of the packets.
func (s *Source) LinkType() decode.LinkType { return s.link }

// Filter is the capture filter in force.
func (s *Source) Filter() string { return s.filter }

// SetFilter replaces the capture filter on the open handle: no reopen, no
// gap in the counters. A bad expression returns libpcap's error text and
// leaves the previous filter in place.
func (s *Source) SetFilter(expr string) error {
	if err := s.h.SetBPFFilter(expr); err != nil {
		return fmt.Errorf("capture filter %q: %w", expr, err)
	}
	s.filter = expr
	return nil
}

// Read returns the next packet. The data is only valid until the next
// Read. At the end of a file it returns io.EOF; on a live device a read
// timeout returns a nil error and no data.
func (s *Source) Read() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := s.h.ZeroCopyReadPacketData()
	switch {
	case err == nil:
		return data, ci, nil
	case errors.Is(err, pcap.NextErrorTimeoutExpired):
		return nil, ci, nil
	case errors.Is(err, io.EOF), errors.Is(err, pcap.NextErrorNoMorePackets):
		return nil, ci, io.EOF
	}
	return nil, ci, fmt.Errorf("read %s: %w", s.name, err)
}

// KernelStats returns what the kernel received and dropped (live only).
func (s *Source) KernelStats() (received, dropped uint64, ok bool) {
	if !s.live {
		return 0, 0, false
	}
	st, err := s.h.Stats()
	if err != nil {
		return 0, 0, false
	}
	return uint64(st.PacketsReceived), uint64(st.PacketsDropped + st.PacketsIfDropped), true
}

// Close releases the handle.
func (s *Source) Close() { s.h.Close() }
