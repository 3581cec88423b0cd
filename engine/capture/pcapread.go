package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"

	"l7sniff/decode"
)

// pcap magic numbers, as read little-endian (libpcap's sf-pcap.c).
const (
	pcapMagicMicro    = 0xa1b2c3d4
	pcapMagicNano     = 0xa1b23c4d
	pcapMagicModified = 0xa1b2cd34 // Alexey Kuznetsov's patched libpcap: 8 more bytes per record
)

// pcapLengths says in which order a record header holds the captured and
// the original length: files before version 2.3 hold the original first,
// and some 2.3 files were written either way.
type pcapLengths uint8

const (
	lengthsInOrder pcapLengths = iota
	lengthsSwapped
	lengthsMaybeSwapped
)

// pcapReader reads the classic pcap format in either byte order, with
// microsecond or nanosecond timestamps, every version libpcap reads.
type pcapReader struct {
	in      *fileInput
	order   binary.ByteOrder
	nanos   bool
	hdrLen  int // record header: 16 bytes, 24 in the modified format
	lengths pcapLengths
	link    decode.LinkType
	records int
}

// newPcapReader reads the 24-byte file header.
func newPcapReader(in *fileInput) (*pcapReader, error) {
	h, err := in.take(24)
	if err != nil {
		return nil, fmt.Errorf("pcap file header: %w", err)
	}
	r := &pcapReader{in: in, order: binary.LittleEndian, hdrLen: 16}
	magic := binary.LittleEndian.Uint32(h)
	if m := binary.BigEndian.Uint32(h); m == pcapMagicMicro || m == pcapMagicNano || m == pcapMagicModified {
		r.order, magic = binary.BigEndian, m
	}
	switch magic {
	case pcapMagicMicro:
	case pcapMagicNano:
		r.nanos = true
	case pcapMagicModified:
		r.hdrLen = 24
	default:
		return nil, errors.New("unknown magic number (expected a pcap or pcapng file)")
	}
	major, minor := r.order.Uint16(h[4:]), r.order.Uint16(h[6:])
	switch {
	case major == 2 && minor < 3, major == 543 && minor == 0: // 543.0: DG/UX tcpdump
		r.lengths = lengthsSwapped
	case major == 2 && minor == 3:
		r.lengths = lengthsMaybeSwapped
	case major == 2 && minor == 4:
	default:
		return nil, fmt.Errorf("pcap version %d.%d is not one libpcap reads", major, minor)
	}
	// The low 26 bits are the link type; the others say whether frames
	// carry an FCS (libpcap's LT_LINKTYPE).
	link := r.order.Uint32(h[20:]) & 0x03ffffff
	if link > 0xffff {
		return nil, fmt.Errorf("link type %d is out of range", link)
	}
	r.link = decode.LinkType(link)
	return r, nil
}

func (r *pcapReader) Next() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	var ci gopacket.CaptureInfo
	start := r.in.pos()
	fail := func(err error) ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
		return nil, ci, r.link, fmt.Errorf("record %d at byte %d: %w", r.records+1, start, err)
	}
	h, err := r.in.take(r.hdrLen)
	if err == io.EOF {
		return nil, ci, r.link, err
	}
	if err != nil {
		return fail(err)
	}
	sec, frac := r.order.Uint32(h), r.order.Uint32(h[4:])
	caplen, wirelen := r.order.Uint32(h[8:]), r.order.Uint32(h[12:])
	if r.lengths == lengthsSwapped || r.lengths == lengthsMaybeSwapped && caplen > wirelen {
		caplen, wirelen = wirelen, caplen
	}
	if caplen > DefaultSnaplen {
		return fail(fmt.Errorf("record holds %d bytes, more than the %d a record may hold", caplen, DefaultSnaplen))
	}
	data, err := r.in.take(int(caplen))
	if err != nil {
		return fail(err)
	}
	r.records++
	nsec := int64(frac)
	if !r.nanos {
		nsec *= 1000
	}
	ci.Timestamp = time.Unix(int64(sec), nsec)
	ci.CaptureLength, ci.Length = int(caplen), int(wirelen)
	return data, ci, r.link, nil
}
