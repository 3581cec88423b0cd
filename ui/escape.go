package ui

// printable maps one payload byte to what the follow-stream and hex
// views show: itself when it is printable ASCII, '.' otherwise.
func printable(b byte) byte {
	if b < 0x20 || b > 0x7e {
		return '.'
	}
	return b
}
