package ui

import "testing"

func TestSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{"a\x1b[2Jb", "a.[2Jb"},      // an escape sequence loses its ESC
		{"x\r\ny\x07", "x..y."},      // controls and BEL
		{"\xff\xfeok", `\xff\xfeok`}, // not UTF-8
		{"10.0.0.1 → 10.0.0.2", "10.0.0.1 → 10.0.0.2"},
		{"ab\u202ecd", `ab\xe2\x80\xaecd`}, // bidi override
		{"\u009b31m", ".31m"},              // C1 CSI
	} {
		if got := safe(c.in); got != c.want {
			t.Errorf("safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDeviceName(t *testing.T) {
	for in, want := range map[string]string{
		"1.eth0 [Up, Running]":                       "eth0",
		"12.usbmon1 (Raw USB traffic, bus number 1)": "usbmon1",
		"any": "any",
	} {
		if got := deviceName(in); got != want {
			t.Errorf("deviceName(%q) = %q, want %q", in, got, want)
		}
	}
}
