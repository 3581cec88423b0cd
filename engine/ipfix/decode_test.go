package ipfix

import (
	"encoding/binary"
	"fmt"
)

// This file is an IPFIX collector's decoder written from RFC 7011 alone,
// independent of the encoder: it shares no code or constants with it, so
// a misunderstanding of the RFC in one shows up against the other.

// ieKey names an information element: enterprise number and element id.
type ieKey struct {
	pen uint32
	id  uint16
}

type tmplField struct {
	key    ieKey
	length uint16 // 65535: variable length
}

type tmpl struct {
	fields []tmplField
	scope  int // scope fields, for options templates
}

// decodedMsg is one message as a collector sees it.
type decodedMsg struct {
	length, exportTime, seq, domain uint32
	templates                       []uint16 // template ids defined here
	sets                            []decodedSet
	records                         []decodedRecord // data records, in order
}

type decodedSet struct {
	id      uint16
	length  int
	padding []byte
}

type decodedRecord struct {
	template uint16
	values   map[ieKey][]byte
}

// collectorState is what a collector keeps between messages of a session.
type collectorState struct {
	templates map[uint16]tmpl
}

func newCollectorState() *collectorState {
	return &collectorState{templates: map[uint16]tmpl{}}
}

// decode parses one message.
func (st *collectorState) decode(b []byte) (*decodedMsg, error) {
	if len(b) < 16 {
		return nil, fmt.Errorf("message of %d bytes", len(b))
	}
	m := &decodedMsg{
		length:     uint32(binary.BigEndian.Uint16(b[2:4])),
		exportTime: binary.BigEndian.Uint32(b[4:8]),
		seq:        binary.BigEndian.Uint32(b[8:12]),
		domain:     binary.BigEndian.Uint32(b[12:16]),
	}
	if v := binary.BigEndian.Uint16(b[0:2]); v != 10 {
		return nil, fmt.Errorf("version %d", v)
	}
	if int(m.length) != len(b) {
		return nil, fmt.Errorf("header length %d, message %d bytes", m.length, len(b))
	}
	for off := 16; off < len(b); {
		if len(b)-off < 4 {
			return nil, fmt.Errorf("set header cut at %d", off)
		}
		id := binary.BigEndian.Uint16(b[off:])
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < 4 || off+n > len(b) {
			return nil, fmt.Errorf("set %d at %d: length %d", id, off, n)
		}
		set := decodedSet{id: id, length: n}
		body := b[off+4 : off+n]
		var err error
		switch {
		case id == 2 || id == 3:
			err = st.templateSet(m, body, id == 3, &set)
		case id >= 256:
			err = st.dataSet(m, id, body, &set)
		default:
			err = fmt.Errorf("reserved set id %d", id)
		}
		if err != nil {
			return nil, err
		}
		m.sets = append(m.sets, set)
		off += n
	}
	return m, nil
}

func (st *collectorState) templateSet(m *decodedMsg, b []byte, options bool, set *decodedSet) error {
	for len(b) >= 4 {
		id := binary.BigEndian.Uint16(b)
		count := int(binary.BigEndian.Uint16(b[2:]))
		if id < 256 {
			break // padding
		}
		b = b[4:]
		t := tmpl{}
		if options {
			if len(b) < 2 {
				return fmt.Errorf("options template %d cut", id)
			}
			t.scope = int(binary.BigEndian.Uint16(b))
			b = b[2:]
			if t.scope == 0 || t.scope > count {
				return fmt.Errorf("options template %d: scope count %d of %d", id, t.scope, count)
			}
		}
		for range count {
			if len(b) < 4 {
				return fmt.Errorf("template %d cut", id)
			}
			f := tmplField{key: ieKey{id: binary.BigEndian.Uint16(b)}, length: binary.BigEndian.Uint16(b[2:])}
			b = b[4:]
			if f.key.id&0x8000 != 0 {
				if len(b) < 4 {
					return fmt.Errorf("template %d: enterprise number cut", id)
				}
				f.key.id &^= 0x8000
				f.key.pen = binary.BigEndian.Uint32(b)
				b = b[4:]
			}
			t.fields = append(t.fields, f)
		}
		st.templates[id] = t
		m.templates = append(m.templates, id)
	}
	set.padding = b
	return nil
}

func (st *collectorState) dataSet(m *decodedMsg, id uint16, b []byte, set *decodedSet) error {
	t, ok := st.templates[id]
	if !ok {
		return fmt.Errorf("data set %d before its template", id)
	}
	// The smallest record: fixed fields, plus a length byte per
	// variable-length one. Less than that left is padding.
	minLen := 0
	for _, f := range t.fields {
		if f.length == 0xffff {
			minLen++
		} else {
			minLen += int(f.length)
		}
	}
	for len(b) >= minLen && len(b) > 0 {
		r := decodedRecord{template: id, values: map[ieKey][]byte{}}
		for _, f := range t.fields {
			n := int(f.length)
			if f.length == 0xffff {
				if len(b) < 1 {
					return fmt.Errorf("record cut before a length")
				}
				n, b = int(b[0]), b[1:]
				if n == 255 {
					if len(b) < 2 {
						return fmt.Errorf("record cut in a long length")
					}
					n, b = int(binary.BigEndian.Uint16(b)), b[2:]
				}
			}
			if len(b) < n {
				return fmt.Errorf("record cut: want %d bytes, %d left", n, len(b))
			}
			r.values[f.key] = b[:n]
			b = b[n:]
		}
		m.records = append(m.records, r)
	}
	set.padding = b
	return nil
}
