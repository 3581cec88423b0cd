package decode

import (
	"encoding/hex"
	"fmt"
	"path/filepath"
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
	dir := filepath.Join(corpusDir(t), "usb")
	caps, _ := filepath.Glob(filepath.Join(dir, "pcap", "*"))
	if len(caps) == 0 {
		t.Fatalf("no captures in %s", dir)
	}
	fields := map[string]*Field{}
	for i := range usbFields {
		fields[usbFields[i].Name] = &usbFields[i]
	}
	agree := agreement{}
	var p Packet
	var buf []byte
	failures := 0
	for _, c := range caps {
		name := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
		header, rows := readTruth(t, filepath.Join(dir, "truth", name+".tsv"))
		frames := readCapture(t, c)
		if len(frames) != len(rows) {
			t.Errorf("%s: %d frames, truth has %d rows", name, len(frames), len(rows))
			continue
		}
		var state USBState
		for i, fr := range frames {
			Decode(fr.link, fr.data, fr.wireLen, &p)
			p.Number = i + 1
			state.Track(&p)
			for col, column := range header {
				var got string
				switch {
				case column == "frame.len":
					got = strconv.Itoa(p.WireLen)
				case column == "frame.cap_len":
					got = strconv.Itoa(len(p.Data))
				case strings.HasPrefix(column, "setup."):
					got = setupColumn(&p, column)
				case strings.HasPrefix(column, "usb."):
					f, ok := fields[column]
					if !ok {
						t.Errorf("truth column %s has no field in usbFields", column)
						continue
					}
					var has bool
					if buf, has = f.Append(buf[:0], &p); has {
						got = string(buf)
					}
				default:
					continue
				}
				want := ""
				if col < len(rows[i]) {
					want = rows[i][col]
				}
				key := fmt.Sprintf("%s#%d %s", name, i+1, column)
				_, known := usbKnownDifferences[key]
				agree.add(column, got == want || known)
				if got != want && !known {
					failures++
					if failures <= 40 {
						t.Errorf("%s: got %q, tshark %q", key, got, want)
					}
				}
			}
		}
	}
	agree.log(t)
	if failures > 40 {
		t.Errorf("... %d mismatches in all", failures)
	}
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
