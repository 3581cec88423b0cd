package decode

import "sync"

// Field is one named value a packet can be asked for, named and printed as
// tshark 4.0 prints it ("ip.src", "tcp.flags" → "0x0018"), so that
// `-T fields -e NAME` output can be diffed against tshark's. A field can
// occur several times in a packet (every answer of a DNS response has a
// dns.a); occurrences are numbered from 0 in the order tshark lists them.
type Field struct {
	Name string
	Desc string
	// get appends the field's value for p to dst; ok is false when the
	// field is absent from the packet. Fields that occur once set get.
	get func(p *Packet, dst []byte) (out []byte, ok bool)
	// nth appends occurrence i; ok is false when there are not i+1.
	// Fields that can occur several times set nth instead of get.
	nth func(p *Packet, i int, dst []byte) (out []byte, ok bool)
	// level, set with nth for a field each level of encapsulation can
	// hold (levelField), appends its value at one level, so that
	// AppendAll visits the levels once instead of once per occurrence.
	level func(h *Headers, dst []byte) (out []byte, ok bool)
	// app marks an application dissector's field (register sets it).
	app bool
}

// Application reports whether f belongs to an application dissector, so
// that only a packet decoded down to its application layer (Decode,
// DecodeStream) has it; the others need DecodeHeaders alone.
func (f *Field) Application() bool { return f.app }

// Append appends f's first occurrence in p to dst and reports whether p
// has it.
func (f *Field) Append(dst []byte, p *Packet) ([]byte, bool) { return f.AppendNth(dst, p, 0) }

// AppendNth appends occurrence i (from 0) of f in p to dst and reports
// whether p has it.
func (f *Field) AppendNth(dst []byte, p *Packet, i int) ([]byte, bool) {
	if f.nth != nil {
		return f.nth(p, i, dst)
	}
	if i != 0 {
		return dst, false
	}
	return f.get(p, dst)
}

// AppendAll appends every occurrence of f in p to dst, joined by sep, as
// tshark prints with -E occurrence=a, and reports whether it appended
// anything. It formats each value once: the loop over AppendNth it
// stands for formats occurrence i again for each later i's probe.
func (f *Field) AppendAll(dst []byte, p *Packet, sep byte) ([]byte, bool) {
	start := len(dst)
	switch {
	case f.get != nil:
		if out, ok := f.get(p, dst); ok {
			dst = out
		}
	case f.level != nil:
		dst = p.appendLevels(dst, f.level, sep)
	default:
		for i := 0; ; i++ {
			n := len(dst)
			if i > 0 {
				dst = append(dst, sep)
			}
			var ok bool
			if dst, ok = f.nth(p, i, dst); !ok {
				dst = dst[:n]
				break
			}
		}
	}
	return dst, len(dst) > start
}

// fieldLists is every field, in a stable order: link to application, the
// application ones in the order their dissectors registered.
var fieldLists = sync.OnceValue(func() [][]Field {
	lists := [][]Field{netFields, tunnelFields, usbFields}
	for _, d := range dissectors {
		lists = append(lists, d.fields)
	}
	return lists
})

// fieldIndex is built on first use, after every dissector's init has
// registered its fields.
var fieldIndex = sync.OnceValue(func() map[string]*Field {
	m := make(map[string]*Field)
	for _, list := range fieldLists() {
		for i := range list {
			m[list[i].Name] = &list[i]
		}
	}
	return m
})

// LookupField returns the field called name.
func LookupField(name string) (*Field, bool) {
	f, ok := fieldIndex()[name]
	return f, ok
}

// AllFields returns every field, in a stable order (link to application).
func AllFields() []*Field {
	var out []*Field
	for _, list := range fieldLists() {
		for i := range list {
			out = append(out, &list[i])
		}
	}
	return out
}
