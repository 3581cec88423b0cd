package decode

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// usbKnownDifferences lists the "capture#frame field" cells where l7sniff
// deliberately differs from tshark on the USB corpus, with the reason.
// Keep it short; the goal is an empty table.
var usbKnownDifferences = map[string]string{}

// TestUSBCorpusAgainstTshark decodes every USB capture of the corpus, in
// order and with a USBState as tshark keeps its conversations, and compares
// every usb.* column, frame.len/frame.cap_len, and the setup.* columns
// (the raw setup packet tshark found) with the truth tables.
func TestUSBCorpusAgainstTshark(t *testing.T) {
	fields := map[string]*Field{}
	for i := range usbFields {
		fields[usbFields[i].Name] = &usbFields[i]
	}
	compareCorpus(t, "usb", usbKnownDifferences, func(p *Packet, column string) (string, bool) {
		switch {
		case column == "frame.len":
			return strconv.Itoa(p.WireLen), true
		case column == "frame.cap_len":
			return strconv.Itoa(len(p.Data)), true
		case strings.HasPrefix(column, "setup."):
			return setupColumn(p, column), true
		case strings.HasPrefix(column, "usb."):
			f, ok := fields[column]
			if !ok {
				t.Errorf("truth column %s has no field in usbFields", column)
				return "", false
			}
			v, has := f.Append(nil, p)
			if !has {
				return "", true
			}
			return string(v), true
		}
		return "", false
	})
}

// setupColumn derives make-truth.sh's setup.* columns from p.USB.Setup.
func setupColumn(p *Packet, column string) string {
	u := &p.USB
	if !p.isUSB() || !u.HasSetup {
		return ""
	}
	s := &u.Setup
	switch column {
	case "setup.pos":
		return strconv.Itoa(s.Off)
	case "setup.hex":
		b := []byte{s.RequestType, s.Request, 0, 0, 0, 0, 0, 0}
		le.PutUint16(b[2:], s.Value)
		le.PutUint16(b[4:], s.Index)
		le.PutUint16(b[6:], s.Length)
		if !s.Saved && string(p.Data[s.Off:s.Off+8]) != string(b) {
			return "setup fields disagree with the bytes at Off"
		}
		return hex.EncodeToString(b)
	case "setup.bmRequestType":
		return fmt.Sprintf("0x%02x", s.RequestType)
	case "setup.bRequest":
		return strconv.Itoa(int(s.Request))
	case "setup.wValue":
		return strconv.Itoa(int(s.Value))
	case "setup.wIndex":
		return strconv.Itoa(int(s.Index))
	case "setup.wLength":
		return strconv.Itoa(int(s.Length))
	}
	return "unknown column " + column
}
