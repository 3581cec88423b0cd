package decode

// Field is one named value a packet can be asked for, named and printed as
// tshark 4.0 prints it ("ip.src", "tcp.flags" → "0x0018"), so that
// `-T fields -e NAME` output can be diffed against tshark's.
type Field struct {
	Name string
	Desc string
	// get appends the field's value for p to dst; ok is false when the
	// field is absent from the packet.
	get func(p *Packet, dst []byte) (out []byte, ok bool)
}

// Append appends f's value in p to dst and reports whether p has it.
func (f *Field) Append(dst []byte, p *Packet) ([]byte, bool) { return f.get(p, dst) }

var fieldIndex = func() map[string]*Field {
	m := make(map[string]*Field)
	for _, list := range [][]Field{netFields, usbFields} {
		for i := range list {
			m[list[i].Name] = &list[i]
		}
	}
	return m
}()

// LookupField returns the field called name.
func LookupField(name string) (*Field, bool) {
	f, ok := fieldIndex[name]
	return f, ok
}

// AllFields returns every field, in a stable order (link to application).
func AllFields() []*Field {
	out := make([]*Field, 0, len(fieldIndex))
	for _, list := range [][]Field{netFields, usbFields} {
		for i := range list {
			out = append(out, &list[i])
		}
	}
	return out
}
