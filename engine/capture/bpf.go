package capture

/*
#cgo LDFLAGS: -lpcap
#include <pcap.h>
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"l7sniff/decode"
)

// BPF is a compiled filter expression run in user space, as libpcap does
// for files. It is compiled here rather than with gopacket's pcap.NewBPF
// because gopacket's link type is 8 bits wide and cannot name
// LINKTYPE_LINUX_SLL2 (276).
//
// Match uses a header kept in the BPF (a local would escape to the heap
// through cgo on every packet), so Match serves one goroutine at a time;
// readers that share a BPF call match with a header of their own.
type BPF struct {
	expr string
	prog C.struct_bpf_program
	hdr  matchHeader
}

// compileMu serialises pcap_compile, which older libpcaps made
// non-reentrant through a global parser state.
var compileMu sync.Mutex

// CompileBPF compiles expr for packets of link type link. A syntax error
// comes back with libpcap's own message.
func CompileBPF(link decode.LinkType, snaplen int, expr string) (*BPF, error) {
	if snaplen <= 0 {
		snaplen = DefaultSnaplen
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	p := C.pcap_open_dead(C.int(link), C.int(snaplen))
	if p == nil {
		return nil, errors.New("pcap_open_dead failed")
	}
	defer C.pcap_close(p)
	cexpr := C.CString(expr)
	defer C.free(unsafe.Pointer(cexpr))
	b := &BPF{expr: expr}
	if C.pcap_compile(p, &b.prog, cexpr, 1, C.PCAP_NETMASK_UNKNOWN) < 0 {
		return nil, fmt.Errorf("filter %q: %s", expr, C.GoString(C.pcap_geterr(p)))
	}
	runtime.SetFinalizer(b, func(b *BPF) { C.pcap_freecode(&b.prog) })
	return b, nil
}

// String returns the expression.
func (b *BPF) String() string { return b.expr }

// Match reports whether a packet passes the filter. wireLen is the
// packet's original length (the filter can test it with "len").
func (b *BPF) Match(data []byte, wireLen int) bool {
	return b.match(&b.hdr, data, wireLen)
}

// matchHeader is the record header a match hands libpcap. Passed to C it
// escapes, so a caller that filters every packet keeps one of its own
// (match), and filtering allocates nothing.
type matchHeader = C.struct_pcap_pkthdr

// match is Match with the caller's header.
func (b *BPF) match(hdr *matchHeader, data []byte, wireLen int) bool {
	if len(data) == 0 {
		return false
	}
	hdr.caplen = C.bpf_u_int32(len(data))
	hdr.len = C.bpf_u_int32(wireLen)
	return C.pcap_offline_filter(&b.prog, hdr, (*C.u_char)(unsafe.Pointer(&data[0]))) != 0
}

// bpfInsn is one classic BPF instruction, laid out as libpcap's struct
// bpf_insn and the kernel's struct sock_filter, which are the same.
type bpfInsn struct {
	Code   uint16
	Jt, Jf uint8
	K      uint32
}

// instructions returns a copy of the compiled program, for a kernel
// socket filter (SO_ATTACH_FILTER).
func (b *BPF) instructions() []bpfInsn {
	n := int(b.prog.bf_len)
	out := make([]bpfInsn, n)
	if n > 0 {
		copy(out, unsafe.Slice((*bpfInsn)(unsafe.Pointer(b.prog.bf_insns)), n))
	}
	runtime.KeepAlive(b)
	return out
}
