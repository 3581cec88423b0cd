package benchgen

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Loop writes the pcap file at path to w again and again as one pcap
// stream (one file header, then the records of every pass), each pass
// shifted in time by the file's span so capture time keeps moving
// forward, and with the clients' ports changed (checksums adjusted) so
// each pass's flows are new ones while those of earlier passes go idle
// and expire, as on a link that never stops. It stops after d (0: until
// w fails, e.g. a closed pipe). Only microsecond pcap files in the
// writer's byte order are accepted, which is what Write produces.
func Loop(w io.Writer, path string, d time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := make([]byte, 24)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if binary.LittleEndian.Uint32(hdr) != 0xa1b2c3d4 {
		return fmt.Errorf("%s: not a little-endian microsecond pcap file", path)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	deadline := time.Now().Add(d)
	var shift, first, last uint64 // microseconds
	rec := make([]byte, 16)
	data := make([]byte, 0, 1<<16)
	for pass := 0; ; pass++ {
		if _, err := f.Seek(24, io.SeekStart); err != nil {
			return err
		}
		br := bufio.NewReaderSize(f, 1<<20)
		for n := 0; ; n++ {
			if _, err := io.ReadFull(br, rec); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return fmt.Errorf("read %s: %w", path, err)
			}
			ts := uint64(binary.LittleEndian.Uint32(rec[0:]))*1e6 + uint64(binary.LittleEndian.Uint32(rec[4:]))
			if pass == 0 && n == 0 {
				first = ts
			}
			last = max(last, ts)
			ts += shift
			binary.LittleEndian.PutUint32(rec[0:], uint32(ts/1e6))
			binary.LittleEndian.PutUint32(rec[4:], uint32(ts%1e6))
			size := int(binary.LittleEndian.Uint32(rec[8:]))
			if size > 1<<18 {
				return fmt.Errorf("read %s: record of %d bytes", path, size)
			}
			data = data[:size]
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			if pass > 0 {
				renumber(data, uint16(pass))
			}
			if _, err := bw.Write(rec); err != nil {
				return err
			}
			if _, err := bw.Write(data); err != nil {
				return err
			}
			if d > 0 && n%65536 == 0 && time.Now().After(deadline) {
				return bw.Flush()
			}
		}
		// The next pass starts a millisecond after this one ended.
		shift += last - first + 1000
		last = 0
	}
}

// renumber gives the client's port of an Ethernet/IP/TCP-or-UDP frame of
// the generated capture a value that depends on pass, and updates the
// transport checksum incrementally (RFC 1624). Clients are the hosts in
// 10/8 and fd00::/8.
func renumber(frame []byte, pass uint16) {
	if len(frame) < 14 {
		return
	}
	var l4 int
	var clientIsSrc bool
	var proto byte
	switch binary.BigEndian.Uint16(frame[12:]) {
	case 0x0800:
		if len(frame) < 34 {
			return
		}
		l4 = 14 + int(frame[14]&0x0f)*4
		proto, clientIsSrc = frame[23], frame[26] == 10
	case 0x86dd:
		l4 = 14 + 40
		proto, clientIsSrc = frame[20], len(frame) > 22 && frame[22] == 0xfd
	default:
		return
	}
	ck := l4 + 16 // TCP checksum
	if proto == 17 {
		ck = l4 + 6
	}
	if (proto != 6 && proto != 17) || len(frame) < ck+2 {
		return
	}
	at := l4 + 2
	if clientIsSrc {
		at = l4
	}
	old := binary.BigEndian.Uint16(frame[at:])
	port := old ^ (pass * 0x9e37)
	if port < 1024 {
		port |= 0x8000
	}
	binary.BigEndian.PutUint16(frame[at:], port)
	sum := uint32(^binary.BigEndian.Uint16(frame[ck:])) + uint32(^old) + uint32(port)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(frame[ck:], ^uint16(sum))
}
