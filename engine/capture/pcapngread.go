package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"time"

	"github.com/google/gopacket"

	"l7sniff/decode"
)

// pcapng block types (draft-ietf-opsawg-pcapng).
const (
	ngSectionHeader  = 0x0a0d0d0a
	ngInterface      = 1
	ngObsoletePacket = 2
	ngSimplePacket   = 3
	ngEnhancedPacket = 6
)

// Fields and options of the blocks read, and the limits on them.
const (
	ngByteOrderMagic = 0x1a2b3c4d
	ngOptIfTsresol   = 9
	ngOptIfTsoffset  = 14
	// ngMaxInterfaces bounds a section's interfaces: each costs memory,
	// and a file could declare millions.
	ngMaxInterfaces = 1 << 16
	// The finest timestamp units counted: 2^-63 s, and 10^-19 s, the
	// largest power of ten a uint64 holds.
	ngMaxTsresolPower2 = 63
	ngMaxTsresolPower  = 19
)

// ngPacketBlock reports whether a block type holds a packet.
func ngPacketBlock(typ uint32) bool {
	return typ == ngEnhancedPacket || typ == ngSimplePacket || typ == ngObsoletePacket
}

// ngBlockName names a block type in error messages.
func ngBlockName(typ uint32) string {
	switch typ {
	case ngSectionHeader:
		return "section header"
	case ngInterface:
		return "interface description"
	case ngObsoletePacket:
		return "packet"
	case ngSimplePacket:
		return "simple packet"
	case ngEnhancedPacket:
		return "enhanced packet"
	}
	return fmt.Sprintf("type 0x%x", typ)
}

// ngIface is what a packet needs from its interface description.
type ngIface struct {
	link    decode.LinkType
	snaplen uint32 // 0: no limit
	// Timestamps count units of 10^-exp seconds, or 2^-exp when binary,
	// plus offset seconds (if_tsresol, if_tsoffset).
	exp    uint8
	binary bool
	div    uint64 // units per second
	offset int64
}

// time converts a packet block's timestamp.
func (f *ngIface) time(ts uint64) time.Time {
	sec, frac := ts/f.div, ts%f.div
	var nsec uint64
	switch {
	case f.binary:
		hi, lo := bits.Mul64(frac, 1e9)
		nsec, _ = bits.Div64(hi, lo, f.div)
	case f.exp <= 9:
		nsec = frac * pow10(9-f.exp)
	default:
		nsec = frac / pow10(f.exp-9)
	}
	return time.Unix(int64(sec)+f.offset, int64(nsec))
}

func pow10(n uint8) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// pcapngReader reads pcapng: any number of sections, each with its own
// byte order and interfaces; enhanced, simple and obsolete packet blocks;
// other blocks are skipped.
type pcapngReader struct {
	in     *fileInput
	order  binary.ByteOrder
	ifaces []ngIface
	blocks int // blocks read, for error messages
	// links are the distinct link types declared before the first packet.
	links []decode.LinkType
	seen  bool // a packet block has been read
}

// newPcapngReader reads the first section header and, when it has
// arrived (a stream is not waited for), every block ahead of the first
// packet, so the file's link types are known before it is read.
func newPcapngReader(in *fileInput, stream bool) (*pcapngReader, error) {
	r := &pcapngReader{in: in}
	if _, _, _, _, err := r.block(); err != nil {
		return nil, err
	}
	for {
		// A block header is 12 bytes with the first length.
		if stream && !in.buffered(12) {
			break
		}
		h, err := in.peek(12)
		if err != nil {
			break // the first read reports it
		}
		// On a stream, a section header may be in another byte order
		// than its length is read in here: left to the first read.
		typ := r.order.Uint32(h)
		if ngPacketBlock(typ) || stream && (typ == ngSectionHeader || !in.buffered(int(min(r.order.Uint32(h[4:]), maxBlock)))) {
			break
		}
		if _, _, _, _, err := r.block(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *pcapngReader) Next() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	for {
		data, ci, link, ok, err := r.block()
		if ok || err != nil {
			return data, ci, link, err
		}
	}
}

// block reads one block; ok says it was a packet.
func (r *pcapngReader) block() (data []byte, ci gopacket.CaptureInfo, link decode.LinkType, ok bool, err error) {
	start := r.in.pos()
	var typ uint32
	named := false // typ is known
	fail := func(err error) ([]byte, gopacket.CaptureInfo, decode.LinkType, bool, error) {
		kind := ""
		if named {
			kind = " (" + ngBlockName(typ) + ")"
		}
		return nil, ci, 0, false, fmt.Errorf("pcapng block %d%s at byte %d: %w", r.blocks+1, kind, start, err)
	}
	h, err := r.in.peek(12)
	if err == io.EOF {
		return nil, ci, 0, false, err
	}
	if err != nil {
		return fail(err)
	}
	if binary.LittleEndian.Uint32(h) == ngSectionHeader {
		// The section's byte order, which its own length is written in.
		switch uint32(ngByteOrderMagic) {
		case binary.LittleEndian.Uint32(h[8:]):
			r.order = binary.LittleEndian
		case binary.BigEndian.Uint32(h[8:]):
			r.order = binary.BigEndian
		default:
			typ, named = ngSectionHeader, true
			return fail(errors.New("byte-order magic is neither 0x1a2b3c4d nor its reverse"))
		}
	}
	typ, named = r.order.Uint32(h), true
	n := r.order.Uint32(h[4:])
	switch {
	case n < 12 || n%4 != 0:
		return fail(fmt.Errorf("block length %d is not a multiple of 4 of at least 12", n))
	case typ != ngSectionHeader && typ != ngInterface && !ngPacketBlock(typ):
		// Statistics, name resolution, secrets, custom blocks: skipped
		// without being held, so their size does not matter.
		if err := r.in.skip(int64(n) - 4); err != nil {
			return fail(err)
		}
		t, err := r.in.take(4)
		if err != nil {
			return fail(err)
		}
		if err := ngTail(r.order.Uint32(t), n); err != nil {
			return fail(err)
		}
		r.blocks++
		return nil, ci, 0, false, nil
	case n > maxBlock:
		return fail(fmt.Errorf("block of %d bytes is larger than the %d l7sniff reads", n, maxBlock))
	}
	b, err := r.in.take(int(n))
	if err != nil {
		return fail(err)
	}
	if err := ngTail(r.order.Uint32(b[n-4:]), n); err != nil {
		return fail(err)
	}
	body := b[8 : n-4]
	switch typ {
	case ngSectionHeader:
		err = r.section(body)
	case ngInterface:
		err = r.iface(body)
	default:
		data, ci, link, err = r.packet(typ, body)
		ok = err == nil
	}
	if err != nil {
		return fail(err)
	}
	r.blocks++
	return data, ci, link, ok, nil
}

// ngTail checks the length that ends a block against the one that starts it.
func ngTail(tail, n uint32) error {
	if tail != n {
		return fmt.Errorf("block length %d at its end differs from the %d at its start", tail, n)
	}
	return nil
}

// section starts a new section: its interfaces replace the last one's.
func (r *pcapngReader) section(body []byte) error {
	if len(body) < 16 {
		return fmt.Errorf("%d bytes, a section header needs 16", len(body))
	}
	if major := r.order.Uint16(body[4:]); major != 1 {
		return fmt.Errorf("pcapng version %d.%d is not one libpcap reads", major, r.order.Uint16(body[6:]))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

// iface reads an interface description: link type, snap length and the
// options that say how its timestamps count.
func (r *pcapngReader) iface(body []byte) error {
	if len(body) < 8 {
		return fmt.Errorf("%d bytes, an interface description needs 8", len(body))
	}
	if len(r.ifaces) == ngMaxInterfaces {
		return fmt.Errorf("more than %d interfaces in one section", ngMaxInterfaces)
	}
	f := ngIface{link: decode.LinkType(r.order.Uint16(body)), snaplen: r.order.Uint32(body[4:]), exp: 6, div: 1e6}
	for opts := body[8:]; len(opts) >= 4; {
		code, n := r.order.Uint16(opts), int(r.order.Uint16(opts[2:]))
		if code == 0 {
			break
		}
		if 4+n > len(opts) {
			return fmt.Errorf("option %d of %d bytes overruns the block", code, n)
		}
		v := opts[4 : 4+n]
		switch {
		case code == ngOptIfTsresol && n == 1:
			f.binary, f.exp = v[0]&0x80 != 0, v[0]&0x7f
			if f.binary && f.exp > ngMaxTsresolPower2 || !f.binary && f.exp > ngMaxTsresolPower {
				return fmt.Errorf("timestamp resolution %#x is finer than l7sniff counts", v[0])
			}
			f.div = pow10(f.exp)
			if f.binary {
				f.div = 1 << f.exp
			}
		case code == ngOptIfTsoffset && n == 8:
			f.offset = int64(r.order.Uint64(v))
		}
		opts = opts[min(4+(n+3)&^3, len(opts)):]
	}
	r.ifaces = append(r.ifaces, f)
	if !r.seen && !slices.Contains(r.links, f.link) {
		r.links = append(r.links, f.link)
	}
	return nil
}

// packet reads the three kinds of packet block.
func (r *pcapngReader) packet(typ uint32, body []byte) ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	var ci gopacket.CaptureInfo
	r.seen = true
	var id, caplen, wirelen uint32
	var ts uint64
	var data []byte
	switch typ {
	case ngSimplePacket:
		if len(body) < 4 {
			return nil, ci, 0, fmt.Errorf("%d bytes, a simple packet block needs 4", len(body))
		}
		// No captured length: the interface's snap length says how much
		// of the original is here.
		wirelen, data = r.order.Uint32(body), body[4:]
		caplen = uint32(min(uint64(wirelen), uint64(len(data))))
		if len(r.ifaces) > 0 && r.ifaces[0].snaplen != 0 {
			caplen = min(caplen, r.ifaces[0].snaplen)
		}
	case ngEnhancedPacket, ngObsoletePacket:
		if len(body) < 20 {
			return nil, ci, 0, fmt.Errorf("%d bytes, a packet block needs 20", len(body))
		}
		if typ == ngEnhancedPacket {
			id = r.order.Uint32(body)
		} else {
			id = uint32(r.order.Uint16(body))
		}
		ts = uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
		caplen, wirelen, data = r.order.Uint32(body[12:]), r.order.Uint32(body[16:]), body[20:]
		if uint64(caplen) > uint64(len(data)) {
			return nil, ci, 0, fmt.Errorf("captured length %d is longer than the block's %d bytes of packet data", caplen, len(data))
		}
	}
	if uint64(id) >= uint64(len(r.ifaces)) {
		return nil, ci, 0, fmt.Errorf("interface %d was not described in this section (%d are)", id, len(r.ifaces))
	}
	if caplen > DefaultSnaplen {
		return nil, ci, 0, fmt.Errorf("packet holds %d bytes, more than the %d a record may hold", caplen, DefaultSnaplen)
	}
	f := &r.ifaces[id]
	ci.Timestamp = time.Unix(0, 0)
	if typ != ngSimplePacket {
		ci.Timestamp = f.time(ts)
	}
	ci.CaptureLength, ci.Length, ci.InterfaceIndex = int(caplen), int(wirelen), int(id)
	return data[:caplen], ci, f.link, nil
}
