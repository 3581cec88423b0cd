package ui

import "testing"

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
