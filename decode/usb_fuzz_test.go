package decode

import (
	"os"
	"path/filepath"
	"testing"
)

// usbFuzzLinks are the link types FuzzDecodeUSB picks from.
var usbFuzzLinks = [...]LinkType{LinkUSBLinux, LinkUSBLinuxMmap, LinkUSBPcap}

// FuzzDecodeUSB feeds arbitrary bytes as usbmon (189, 220) and USBPcap
// (249) records, in pairs so that USBState sees a request and a response.
// Decode, Track, the tree, the summary and every usb.* field must survive
// them. Seeds are the first frames of every corpus USB capture (when the
// corpus is there) and a few built records.
func FuzzDecodeUSB(f *testing.F) {
	seed := func(lt LinkType, a, b []byte) {
		for i, l := range usbFuzzLinks {
			if l == lt {
				f.Add(uint8(i), a, b, uint16(0))
			}
		}
	}
	seed(LinkUSBLinuxMmap,
		usbmonRec{hdrLen: 64, id: 2, event: 'S', transfer: USBControl, ep: 0x80, setup: getConfigDescriptor}.bytes(),
		usbmonRec{hdrLen: 64, id: 2, event: 'C', transfer: USBControl, ep: 0x80, data: hidConfig}.bytes())
	seed(LinkUSBLinux,
		usbmonRec{hdrLen: 48, event: 'E', transfer: USBControl, status: -19}.bytes(),
		usbmonRec{hdrLen: 48, event: 'C', transfer: USBIsochronous, ep: 0x81, data: make([]byte, 40)}.bytes())
	seed(LinkUSBPcap,
		usbpcapRec(0, stageSetup, 0, []byte{0x21, 0x09, 0, 2, 0, 0, 1, 0}, nil),
		usbpcapRec(1, stageData, 0, nil, []byte{1}))
	if dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus", "usb", "pcap")); err == nil {
		if _, err := os.Stat(dir); err == nil {
			caps, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, c := range caps {
				frames := readCapture(f, c)
				for i := 0; i+1 < len(frames) && i < 20; i += 2 {
					seed(frames[i].link, frames[i].data, frames[i+1].data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, link uint8, a, b []byte, extra uint16) {
		lt := usbFuzzLinks[int(link)%len(usbFuzzLinks)]
		var s USBState
		var p Packet
		var buf []byte
		for _, data := range [][]byte{a, b} {
			Decode(lt, data, len(data)+int(extra), &p)
			s.Track(&p)
			p.Tree()
			buf = p.appendUSBSummary(buf[:0])
			for i := range usbFields {
				buf, _ = usbFields[i].Append(buf[:0], &p)
			}
			if p.Payload.Off < 0 || p.Payload.End() > len(p.Data) {
				t.Fatalf("payload %+v outside %d bytes", p.Payload, len(p.Data))
			}
		}
	})
}
