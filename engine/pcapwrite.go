package engine

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"syscall"

	"l7sniff/decode"
)

// PcapWriter writes packets as a classic pcap file (microsecond
// timestamps, host byte order, any link type). gopacket's pcapgo writer
// is not used because its 8-bit link type cannot say LINUX_SLL2 (276).
type PcapWriter struct {
	w        *bufio.Writer
	f        io.WriteCloser
	buffered bool
	hdr      [16]byte
}

// CreatePcap creates path (or writes stdout for "-") with mode perm,
// refusing to follow a symlink planted at path, and writes the file
// header. buffered false (-U) flushes after every packet.
func CreatePcap(path string, perm os.FileMode, link decode.LinkType, snaplen int, buffered bool) (*PcapWriter, error) {
	var f io.WriteCloser = os.Stdout
	if path != "-" {
		fd, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, perm)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
		f = fd
	}
	if snaplen <= 0 {
		snaplen = DefaultSnaplen
	}
	pw := &PcapWriter{w: bufio.NewWriterSize(f, 1<<16), f: f, buffered: buffered}
	var h [24]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0xa1b2c3d4)
	le.PutUint16(h[4:], 2)
	le.PutUint16(h[6:], 4)
	le.PutUint32(h[16:], uint32(snaplen))
	le.PutUint32(h[20:], uint32(link))
	if _, err := pw.w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return pw, nil
}

// WritePacket appends one record. ts is the capture time in Unix
// nanoseconds.
func (pw *PcapWriter) WritePacket(ts int64, data []byte, wireLen int) error {
	le := binary.LittleEndian
	le.PutUint32(pw.hdr[0:], uint32(ts/1e9))
	le.PutUint32(pw.hdr[4:], uint32(ts%1e9/1e3))
	le.PutUint32(pw.hdr[8:], uint32(len(data)))
	le.PutUint32(pw.hdr[12:], uint32(wireLen))
	pw.w.Write(pw.hdr[:])
	if _, err := pw.w.Write(data); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	if !pw.buffered {
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

// Close flushes and closes the file.
func (pw *PcapWriter) Close() error {
	err := pw.Flush()
	if pw.f != os.Stdout {
		if cerr := pw.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
