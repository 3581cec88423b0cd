//go:build hyperscan

package hyperscan

/*
#cgo pkg-config: libhs
#include <hs/hs.h>
#include <stdlib.h>

static int onMatch(unsigned int id, unsigned long long from, unsigned long long to,
                   unsigned int flags, void *ctx) {
	return 0;
}

static hs_error_t scan(hs_stream_t *s, const char *data, unsigned int len, hs_scratch_t *scratch) {
	return hs_scan_stream(s, data, len, 0, scratch, onMatch, NULL);
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Database is a pattern set compiled for stream mode, with one scratch
// space (so one scanning goroutine).
type Database struct {
	db      *C.hs_database_t
	scratch *C.hs_scratch_t
}

// Compile compiles exprs (PCRE syntax, bytes as \xHH) with HS_FLAG_DOTALL
// and HS_FLAG_SINGLEMATCH, pattern i reporting id i.
func Compile(exprs []string) (*Database, error) {
	cs := make([]*C.char, len(exprs))
	flags := make([]C.uint, len(exprs))
	ids := make([]C.uint, len(exprs))
	for i, e := range exprs {
		cs[i] = C.CString(e)
		defer C.free(unsafe.Pointer(cs[i]))
		flags[i] = C.HS_FLAG_DOTALL | C.HS_FLAG_SINGLEMATCH | C.HS_FLAG_ALLOWEMPTY
		ids[i] = C.uint(i)
	}
	d := &Database{}
	var cerr *C.hs_compile_error_t
	if C.hs_compile_multi(&cs[0], &flags[0], &ids[0], C.uint(len(exprs)), C.HS_MODE_STREAM, nil, &d.db, &cerr) != C.HS_SUCCESS {
		err := fmt.Errorf("hyperscan: pattern %d: %s", cerr.expression, C.GoString(cerr.message))
		C.hs_free_compile_error(cerr)
		return nil, err
	}
	if C.hs_alloc_scratch(d.db, &d.scratch) != C.HS_SUCCESS {
		C.hs_free_database(d.db)
		return nil, fmt.Errorf("hyperscan: hs_alloc_scratch failed")
	}
	return d, nil
}

// Close frees the database and its scratch space.
func (d *Database) Close() {
	C.hs_free_scratch(d.scratch)
	C.hs_free_database(d.db)
}

// StreamSize is the bytes of state Hyperscan keeps per open stream.
func (d *Database) StreamSize() int {
	var n C.size_t
	C.hs_stream_size(d.db, &n)
	return int(n)
}

// Stream is one open Hyperscan stream.
type Stream struct{ s *C.hs_stream_t }

// Open opens a stream.
func (d *Database) Open() (Stream, error) {
	var s Stream
	if C.hs_open_stream(d.db, 0, &s.s) != C.HS_SUCCESS {
		return s, fmt.Errorf("hyperscan: hs_open_stream failed")
	}
	return s, nil
}

// Scan scans the next chunk of s, ignoring matches (SINGLEMATCH reports
// each pattern once).
func (d *Database) Scan(s Stream, chunk []byte) {
	if len(chunk) > 0 {
		C.scan(s.s, (*C.char)(unsafe.Pointer(&chunk[0])), C.uint(len(chunk)), d.scratch)
	}
}

// CloseStream closes s.
func (d *Database) CloseStream(s Stream) { C.hs_close_stream(s.s, d.scratch, nil, nil) }
