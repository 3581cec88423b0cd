package identity

import (
	"encoding/binary"
	"testing"
)

// stunMessage builds a STUN message with the given attributes (type,
// value), padded as RFC 8489 §14 says.
func stunMessage(attrs ...any) []byte {
	var body []byte
	for i := 0; i < len(attrs); i += 2 {
		v := []byte(attrs[i+1].(string))
		body = binary.BigEndian.AppendUint16(body, attrs[i].(uint16))
		body = binary.BigEndian.AppendUint16(body, uint16(len(v)))
		body = append(body, v...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	m := []byte{0x01, 0x13}
	m = binary.BigEndian.AppendUint16(m, uint16(len(body)))
	m = binary.BigEndian.AppendUint32(m, 0x2112a442)
	m = append(m, "123456789012"...)
	return append(m, body...)
}

func TestSTUNRealm(t *testing.T) {
	withRealm := stunMessage(uint16(0x0009), "\x00\x00\x04\x01unauthorized", uint16(0x0014), "turner.facebook")
	framed := append(binary.BigEndian.AppendUint16(nil, uint16(len(withRealm))), withRealm...)
	for _, c := range []struct {
		name  string
		b     []byte
		realm string
		stun  bool
	}{
		{name: "realm after another attribute", b: withRealm, realm: "turner.facebook", stun: true},
		{name: "RFC 4571 framing over TCP", b: framed, realm: "turner.facebook", stun: true},
		{name: "no realm", b: stunMessage(uint16(0x0006), "user"), stun: true},
		{name: "attribute longer than the message", b: withRealm[:len(withRealm)-8], stun: true},
		{name: "no magic cookie", b: append([]byte{0, 1, 0, 0, 1, 2, 3, 4}, make([]byte, 12)...)},
		{name: "short", b: []byte{0, 1, 0}},
	} {
		realm, stun := STUNRealm(c.b)
		if string(realm) != c.realm || stun != c.stun {
			t.Errorf("%s: realm %q stun %v, want %q %v", c.name, realm, stun, c.realm, c.stun)
		}
	}
}

// chlo builds a gQUIC CHLO message with the given tags in order.
func chlo(prefix string, tags ...string) []byte {
	b := append([]byte(prefix), "CHLO"...)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(tags)/2))
	b = append(b, 0, 0)
	end := 0
	var values []byte
	for i := 0; i < len(tags); i += 2 {
		end += len(tags[i+1])
		b = append(b, tags[i]...)
		b = binary.LittleEndian.AppendUint32(b, uint32(end))
		values = append(values, tags[i+1]...)
	}
	return append(b, values...)
}

func TestGQUICSNI(t *testing.T) {
	header := "\x0dQ043\x01\x02\x03\x04\x05\x06\x07\x08\x01" // flags, CID, version, packet number: the CHLO follows
	for _, c := range []struct {
		name string
		b    []byte
		sni  string
	}{
		{"SNI after PAD", chlo(header, "PAD\x00", "\x00\x00\x00", "SNI\x00", "www.youtube.com", "VER\x00", "Q043"), "www.youtube.com"},
		{"no SNI", chlo(header, "PAD\x00", "\x00\x00", "VER\x00", "Q043"), ""},
		{"offset past the data", chlo(header, "SNI\x00", "www.youtube.com")[:len(header)+8+8+5], ""},
		{"no CHLO", []byte(header + "hello"), ""},
	} {
		sni, ok := GQUICSNI(c.b)
		if string(sni) != c.sni || ok != (c.sni != "") {
			t.Errorf("%s: %q %v, want %q", c.name, sni, ok, c.sni)
		}
	}
}

// FuzzPayloadNames checks that neither reader panics or reads past what
// it is given, and that a name they return lies inside the input.
func FuzzPayloadNames(f *testing.F) {
	f.Add(stunMessage(uint16(0x0014), "example.org"))
	f.Add(chlo("x", "SNI\x00", "example.org"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, got := range [][]byte{first(STUNRealm(b)), first(GQUICSNI(b))} {
			if len(got) > len(b) {
				t.Fatalf("name of %d bytes from %d", len(got), len(b))
			}
		}
	})
}

func first(b []byte, _ bool) []byte { return b }
