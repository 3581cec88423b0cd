package capture

import (
	"errors"
	"fmt"
	"io"

	"github.com/google/gopacket"

	"l7sniff/decode"
)

// maxBlock is the largest pcapng block l7sniff holds in memory (a packet
// block, a section or interface header; other blocks are skipped without
// being held). libpcap allows 16 MiB, but a packet block holds at most
// DefaultSnaplen bytes of packet and options never need the rest.
const maxBlock = 1 << 20

// RecordReader is a capture file format's reader. Next returns the next
// packet, its data aliasing a buffer that the following call reuses, or
// io.EOF at the end of the file; any other error names the record or
// block and its byte offset.
type RecordReader interface {
	Next() ([]byte, gopacket.CaptureInfo, decode.LinkType, error)
}

// errTruncated says a file ends inside a record or block: a capture still
// being written, or a copy cut short.
var errTruncated = errors.New("truncated: the file ends inside it")

// fileInput hands a capture file's bytes to the format readers without
// copying them: a view of the next n bytes points into the read buffer,
// which is as large as the largest record or block (so memory stays
// bounded whatever the file claims), and stays valid until the next call,
// the only place the buffer's contents move. It counts the bytes
// consumed so errors can say where the damage is. It keeps its own
// buffer rather than a bufio.Reader's Peek and Discard: a record is two
// views, and the two calls each were a fifth of the read path's time.
type fileInput struct {
	r   io.Reader
	buf []byte
	// buf[lo:hi] has been read and not consumed; off is the file offset
	// of buf[lo].
	lo, hi int
	off    int64
	// err is what the last read returned, kept for when the buffered
	// bytes run out.
	err error
}

func newFileInput(r io.Reader) *fileInput {
	return &fileInput{r: r, buf: make([]byte, maxBlock)}
}

// pos is the file offset of the next byte a view will start at.
func (in *fileInput) pos() int64 { return in.off }

// held is how many bytes have been read ahead and not consumed.
func (in *fileInput) held() int { return in.hi - in.lo }

// fill reads until n bytes (n ≤ maxBlock) are held or the input fails,
// first moving the held bytes to the front of the buffer.
func (in *fileInput) fill(n int) {
	if in.lo > 0 {
		in.hi = copy(in.buf, in.buf[in.lo:in.hi])
		in.lo = 0
	}
	for empty := 0; in.hi < n && in.err == nil; {
		m, err := in.r.Read(in.buf[in.hi:])
		in.hi += m
		in.err = err
		if m > 0 {
			empty = 0
		} else if empty++; empty == 100 && err == nil {
			in.err = io.ErrNoProgress
		}
	}
}

// peek returns the next n bytes (n ≤ maxBlock) without consuming them.
// At the very end of the input it returns io.EOF; inside a record,
// errTruncated.
func (in *fileInput) peek(n int) ([]byte, error) {
	if in.hi-in.lo < n {
		in.fill(n)
		if in.hi-in.lo < n {
			if errors.Is(in.err, io.EOF) && in.hi == in.lo {
				return nil, io.EOF
			}
			return nil, readError(in.err)
		}
	}
	return in.buf[in.lo : in.lo+n], nil
}

// take returns the next n bytes like peek and consumes them.
func (in *fileInput) take(n int) ([]byte, error) {
	b, err := in.peek(n)
	if err == nil {
		in.lo += n
		in.off += int64(n)
	}
	return b, err
}

// skip consumes the next n bytes without holding them.
func (in *fileInput) skip(n int64) error {
	for n > 0 {
		if in.lo == in.hi {
			if in.fill(1); in.lo == in.hi {
				return readError(in.err)
			}
		}
		step := int(min(n, int64(in.hi-in.lo)))
		in.lo += step
		in.off += int64(step)
		n -= int64(step)
	}
	return nil
}

// buffered reports whether the next n bytes have arrived, so a reader of
// a stream can look ahead without waiting for the writer.
func (in *fileInput) buffered(n int) bool { return in.hi-in.lo >= n }

// readError turns a short read inside a record into errTruncated and
// leaves the others (a stream being stopped, a read failing) as they are.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return fmt.Errorf("read: %w", err)
}
