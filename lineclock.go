package main

import "time"

// appendClock appends t's time of day as t.AppendFormat(dst,
// "15:04:05.000000") does, without interpreting the layout on every line.
func appendClock(dst []byte, t time.Time) []byte {
	h, m, s := t.Clock()
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.')
	us := t.Nanosecond() / 1000
	for d := 100000; d > 0; d /= 10 {
		dst = append(dst, byte('0'+us/d%10))
	}
	return dst
}
