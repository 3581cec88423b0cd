package capture

import (
	"bufio"
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
// bounded whatever the file claims), and stays valid until the next call.
// It counts the bytes consumed so errors can say where the damage is.
type fileInput struct {
	br *bufio.Reader
	// off is the file offset of the first byte not consumed; pending
	// bytes of the last view are consumed on the next call, so that view
	// is not overwritten before the caller is done with it.
	off     int64
	pending int
}

func newFileInput(r io.Reader) *fileInput {
	return &fileInput{br: bufio.NewReaderSize(r, maxBlock)}
}

// release consumes the bytes of the last take.
func (in *fileInput) release() error {
	n, err := in.br.Discard(in.pending)
	in.off += int64(n)
	in.pending = 0
	return err
}

// peek returns the next n bytes (n ≤ maxBlock) without consuming them.
// At the very end of the input it returns io.EOF; inside a record,
// errTruncated.
func (in *fileInput) peek(n int) ([]byte, error) {
	if err := in.release(); err != nil {
		return nil, readError(err)
	}
	b, err := in.br.Peek(n)
	if len(b) == n {
		return b, nil
	}
	if errors.Is(err, io.EOF) && len(b) == 0 {
		return nil, io.EOF
	}
	return nil, readError(err)
}

// take returns the next n bytes like peek and consumes them.
func (in *fileInput) take(n int) ([]byte, error) {
	b, err := in.peek(n)
	if err == nil {
		in.pending = n
	}
	return b, err
}

// skip consumes the next n bytes without holding them.
func (in *fileInput) skip(n int64) error {
	if err := in.release(); err != nil {
		return readError(err)
	}
	for n > 0 {
		step := int(min(n, 1<<30))
		got, err := in.br.Discard(step)
		in.off += int64(got)
		n -= int64(got)
		if err != nil {
			return readError(err)
		}
	}
	return nil
}

// buffered reports whether the next n bytes have arrived, so a reader of
// a stream can look ahead without waiting for the writer.
func (in *fileInput) buffered(n int) bool { return in.br.Buffered()-in.pending >= n }

// readError turns a short read inside a record into errTruncated and
// leaves the others (a stream being stopped, a read failing) as they are.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return fmt.Errorf("read: %w", err)
}
