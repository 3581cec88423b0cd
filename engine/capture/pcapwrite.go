package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"l7sniff/decode"
)

// WriteConfig says how a capture file is written.
type WriteConfig struct {
	// Link is the link type of a pcap file's header when no packet says
	// otherwise (a file with no packets); the first packet's own link
	// type wins, so a source whose link type is only learnt from its
	// first packet (a pcapng stream) still gets a readable file.
	Link decode.LinkType
	// Snaplen goes into the header (0: DefaultSnaplen).
	Snaplen int
	// Buffered false (-U) flushes after every packet.
	Buffered bool
	// Pcapng writes pcapng, which can hold packets of several link
	// types (one interface block per type), instead of pcap.
	Pcapng bool
}

// WantsPcapng reports whether a -w path asks for pcapng by its name.
func WantsPcapng(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".pcapng")
}

// PcapWriter writes packets as a classic pcap file (microsecond
// timestamps, host byte order, any link type) or as pcapng. gopacket's
// pcapgo writers are not used because their 8-bit link type cannot say
// LINUX_SLL2 (276).
type PcapWriter struct {
	w       *bufio.Writer
	f       io.WriteCloser
	cfg     WriteConfig
	started bool              // pcap: the file header is out
	links   []decode.LinkType // pcapng: interface i has links[i]
	hdr     [32]byte
	packets int
}

// CreatePcap creates a pcap file for packets of one link type; see
// CreateCapture.
func CreatePcap(path string, perm os.FileMode, link decode.LinkType, snaplen int, buffered bool) (*PcapWriter, error) {
	return CreateCapture(path, perm, WriteConfig{Link: link, Snaplen: snaplen, Buffered: buffered})
}

// CreateCapture creates the capture file path (or writes stdout for "-")
// with mode perm; see createOutput for what it does with an existing
// path.
func CreateCapture(path string, perm os.FileMode, cfg WriteConfig) (*PcapWriter, error) {
	var f io.WriteCloser = os.Stdout
	if path != "-" {
		fd, err := createOutput(path, perm)
		if err != nil {
			return nil, err
		}
		f = fd
	}
	if cfg.Snaplen <= 0 {
		cfg.Snaplen = DefaultSnaplen
	}
	pw := &PcapWriter{w: bufio.NewWriterSize(f, 1<<16), f: f, cfg: cfg}
	if cfg.Pcapng {
		pw.writeSectionHeader()
	}
	if err := pw.flushIfUnbuffered(); err != nil {
		f.Close()
		return nil, err
	}
	return pw, nil
}

// createOutput opens path for a new capture. It refuses a symlink: the
// file is opened while still root, and a link planted where the capture
// goes (in /tmp, say) would make l7sniff overwrite whatever it points
// to. An existing regular file is replaced by a new one with mode perm
// rather than truncated, so a capture never inherits a looser mode (or
// writes through a hard link into another file). Other existing files
// (a FIFO, /dev/null) are written as they are.
func createOutput(path string, perm os.FileMode) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil {
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			return nil, fmt.Errorf("create %s: it is a symbolic link, and l7sniff refuses to write through one "+
				"(a link planted where the capture goes would make it overwrite the file the link points to); "+
				"give the real path", path)
		case fi.Mode().IsRegular():
			if err := os.Remove(path); err != nil {
				return nil, fmt.Errorf("replace %s: %w", path, err)
			}
		default:
			f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NOFOLLOW, 0)
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", path, err)
			}
			return f, nil
		}
	}
	// O_EXCL: whatever appears at path between the check and here
	// (a symlink included) makes the create fail rather than be used.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, perm)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, nil
}

// Chown gives the file to uid:gid (the user l7sniff continues as after
// leaving root), so that user owns what it captured; stdout is left
// alone.
func (pw *PcapWriter) Chown(uid, gid int) error {
	f, ok := pw.f.(*os.File)
	if !ok || f == os.Stdout {
		return nil
	}
	if err := f.Chown(uid, gid); err != nil {
		return fmt.Errorf("chown %s: %w", f.Name(), err)
	}
	return nil
}

// WritePacket appends one record of the writer's link type. ts is the
// capture time in Unix nanoseconds.
func (pw *PcapWriter) WritePacket(ts int64, data []byte, wireLen int) error {
	return pw.WriteFrame(ts, pw.cfg.Link, data, wireLen)
}

// WriteFrame appends one record of link type link, for sources that mix
// them (pcapng): in pcapng a new link type gets its interface block
// first; a pcap file holds the link type of its first packet only. ts is
// the capture time in Unix nanoseconds.
func (pw *PcapWriter) WriteFrame(ts int64, link decode.LinkType, data []byte, wireLen int) error {
	le := binary.LittleEndian
	sec, usec := uint32(ts/1e9), uint32(ts%1e9/1e3)
	if pw.cfg.Pcapng {
		iface := pw.interfaceFor(link)
		pad := (4 - len(data)%4) % 4
		total := uint32(32 + len(data) + pad)
		// Enhanced Packet Block with the default microsecond resolution.
		us := uint64(sec)*1e6 + uint64(usec)
		le.PutUint32(pw.hdr[0:], 6)
		le.PutUint32(pw.hdr[4:], total)
		le.PutUint32(pw.hdr[8:], uint32(iface))
		le.PutUint32(pw.hdr[12:], uint32(us>>32))
		le.PutUint32(pw.hdr[16:], uint32(us))
		le.PutUint32(pw.hdr[20:], uint32(len(data)))
		le.PutUint32(pw.hdr[24:], uint32(wireLen))
		pw.w.Write(pw.hdr[:28])
		pw.w.Write(data)
		pw.w.Write(pw.hdr[28 : 28+pad]) // padding: bytes 28-31 are never set, so zero
		le.PutUint32(pw.hdr[0:], total)
		if _, err := pw.w.Write(pw.hdr[:4]); err != nil {
			return fmt.Errorf("write capture: %w", err)
		}
		pw.packets++
		return pw.flushIfUnbuffered()
	}
	if !pw.started {
		pw.cfg.Link = link
		pw.writeFileHeader()
	} else if link != pw.cfg.Link {
		return fmt.Errorf("write capture: packet %d has link type %d but the pcap file holds %d, and pcap holds one link type: "+
			"write pcapng instead (-w FILE.pcapng)", pw.packets+1, link, pw.cfg.Link)
	}
	le.PutUint32(pw.hdr[0:], sec)
	le.PutUint32(pw.hdr[4:], usec)
	le.PutUint32(pw.hdr[8:], uint32(len(data)))
	le.PutUint32(pw.hdr[12:], uint32(wireLen))
	pw.w.Write(pw.hdr[:16])
	if _, err := pw.w.Write(data); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	pw.packets++
	return pw.flushIfUnbuffered()
}

// writeFileHeader writes the pcap file header.
func (pw *PcapWriter) writeFileHeader() {
	var h [24]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0xa1b2c3d4)
	le.PutUint16(h[4:], 2)
	le.PutUint16(h[6:], 4)
	le.PutUint32(h[16:], uint32(pw.cfg.Snaplen))
	le.PutUint32(h[20:], uint32(pw.cfg.Link))
	pw.w.Write(h[:])
	pw.started = true
}

// writeSectionHeader writes pcapng's Section Header Block: version 1.0,
// section length unknown (-1), no options.
func (pw *PcapWriter) writeSectionHeader() {
	var h [28]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0x0a0d0d0a)
	le.PutUint32(h[4:], 28)
	le.PutUint32(h[8:], 0x1a2b3c4d)
	le.PutUint16(h[12:], 1)
	le.PutUint64(h[16:], ^uint64(0))
	le.PutUint32(h[24:], 28)
	pw.w.Write(h[:])
}

// interfaceFor returns the pcapng interface that holds link, writing its
// Interface Description Block the first time the link type appears.
func (pw *PcapWriter) interfaceFor(link decode.LinkType) int {
	for i, l := range pw.links {
		if l == link {
			return i
		}
	}
	var h [20]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 1)
	le.PutUint32(h[4:], 20)
	le.PutUint16(h[8:], uint16(link))
	le.PutUint32(h[12:], uint32(pw.cfg.Snaplen))
	le.PutUint32(h[16:], 20)
	pw.w.Write(h[:])
	pw.links = append(pw.links, link)
	return len(pw.links) - 1
}

func (pw *PcapWriter) flushIfUnbuffered() error {
	if !pw.cfg.Buffered {
		return pw.Flush()
	}
	return nil
}

// Flush writes buffered records to the file.
func (pw *PcapWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	return nil
}

// Close writes the header of a pcap file that got no packet, flushes
// and closes the file.
func (pw *PcapWriter) Close() error {
	if !pw.cfg.Pcapng && !pw.started {
		pw.writeFileHeader()
	}
	err := pw.Flush()
	if pw.f != os.Stdout {
		err = errors.Join(err, pw.f.Close())
	}
	return err
}
