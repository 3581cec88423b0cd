package decode

import (
	"encoding/binary"
	"strings"
	"testing"
)

// usbmonRec builds a little-endian usbmon record: hdrLen 48 or 64 bytes of
// header, then data. setup, when not nil, fills bytes 40-47 with flag 0.
type usbmonRec struct {
	hdrLen   int
	id       uint64
	event    byte
	transfer uint8
	ep, dev  uint8
	bus      uint16
	setup    []byte
	status   int32
	urbLen   uint32
	dataLen  uint32 // written as len_cap; defaults to len(data)
	data     []byte
}

func (r usbmonRec) bytes() []byte {
	b := make([]byte, r.hdrLen, r.hdrLen+len(r.data))
	le := binary.LittleEndian
	le.PutUint64(b, r.id)
	b[8], b[9], b[10], b[11] = r.event, r.transfer, r.ep, r.dev
	le.PutUint16(b[12:], r.bus)
	b[14], b[15] = '-', '<'
	if r.setup != nil {
		b[14] = 0
		copy(b[40:], r.setup)
	}
	if len(r.data) > 0 {
		b[15] = 0
	}
	le.PutUint64(b[16:], 1700000000)
	le.PutUint32(b[24:], 123456)
	le.PutUint32(b[28:], uint32(r.status))
	le.PutUint32(b[32:], r.urbLen)
	n := r.dataLen
	if n == 0 {
		n = uint32(len(r.data))
	}
	le.PutUint32(b[36:], n)
	return append(b, r.data...)
}

// usbpcapRec builds a USBPcap control record with the given stage.
func usbpcapRec(info, stage uint8, ep uint8, setup, data []byte) []byte {
	b := make([]byte, 28)
	le := binary.LittleEndian
	le.PutUint16(b, 28)
	le.PutUint64(b[2:], 0xfffffa8001234560)
	le.PutUint16(b[14:], 0x000b)
	b[16] = info
	le.PutUint16(b[17:], 1)
	le.PutUint16(b[19:], 3)
	b[21], b[22] = ep, USBControl
	le.PutUint32(b[23:], uint32(len(setup)+len(data)))
	b[27] = stage
	b = append(b, setup...)
	return append(b, data...)
}

var (
	getDeviceDescriptor = []byte{0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00}
	getConfigDescriptor = []byte{0x80, 0x06, 0x00, 0x02, 0x00, 0x00, 0x22, 0x00}
	setIdle             = []byte{0x21, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}
	// A configuration with one HID boot keyboard interface and its
	// interrupt IN endpoint 1.
	hidConfig = []byte{
		0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x00, 0xa0, 0x32,
		0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00,
		0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
		0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0a,
	}
)

func TestUSBSummaryAndFields(t *testing.T) {
	tests := []struct {
		name    string
		link    LinkType
		data    []byte
		summary string
		fields  map[string]string
		problem ProblemKind
	}{{
		name: "submit GET_DESCRIPTOR",
		link: LinkUSBLinuxMmap,
		data: usbmonRec{hdrLen: 64, id: 0xffff8800aa000100, event: 'S', transfer: USBControl, ep: 0x80, dev: 28, bus: 2,
			setup: getDeviceDescriptor, status: -115, urbLen: 18}.bytes(),
		summary: "USB 2.28.0 host→dev CONTROL Submit GET_DESCRIPTOR DEVICE",
		fields: map[string]string{"usb.urb_id": "0xffff8800aa000100", "usb.urb_type": "'S'", "usb.setup_flag": `'\0'`,
			"usb.data_flag": "'<'", "usb.bmRequestType": "0x80", "usb.setup.bRequest": "6", "usb.setup.wValue": "",
			"usb.setup.wLength": "18", "usb.urb_status": "-115", "usb.interval": "0", "usb.iso.numdesc": "0"},
	}, {
		name:    "bulk complete",
		link:    LinkUSBLinux,
		data:    usbmonRec{hdrLen: 48, event: 'C', transfer: USBBulk, ep: 0x02, dev: 28, bus: 2, urbLen: 31}.bytes(),
		summary: "USB 2.28.2 BULK Complete status=0 len=31",
		fields: map[string]string{"usb.transfer_type": "0x03", "usb.endpoint_address": "0x02", "usb.endpoint_address.direction": "0",
			"usb.endpoint_address.number": "2", "usb.interval": "", "usb.iso.numdesc": "", "usb.bmRequestType": ""},
	}, {
		name:    "error event",
		link:    LinkUSBLinux,
		data:    usbmonRec{hdrLen: 48, event: 'E', transfer: USBControl, ep: 0x00, dev: 7, bus: 3, status: -19}.bytes(),
		summary: "USB 3.7.0 dev→host CONTROL Error status=-19 ENODEV len=0",
		fields:  map[string]string{"usb.urb_type": "'E'", "usb.urb_status": "-19"},
	}, {
		name: "vendor request shows every setup field",
		link: LinkUSBLinux,
		data: usbmonRec{hdrLen: 48, event: 'S', transfer: USBControl, ep: 0x00, dev: 2, bus: 1,
			setup: []byte{0x40, 0x0c, 0x88, 0x00, 0x01, 0x00, 0x01, 0x00}, data: []byte{0x42}}.bytes(),
		summary: "USB 1.2.0 host→dev CONTROL Submit VENDOR 0x0c",
		fields:  map[string]string{"usb.setup.bRequest": "12", "usb.setup.wValue": "0x0088", "usb.setup.wIndex": "1", "usb.setup.wLength": "1"},
	}, {
		name: "hub request goes to the hub dissector",
		link: LinkUSBLinux,
		data: usbmonRec{hdrLen: 48, event: 'S', transfer: USBControl, ep: 0x80, dev: 1, bus: 1,
			setup: []byte{0xa3, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00}}.bytes(),
		summary: "USB 1.1.0 host→dev CONTROL Submit HUB GET_PORT_STATUS",
		fields:  map[string]string{"usb.bmRequestType": "0xa3", "usb.setup.bRequest": "", "usb.setup.wLength": ""},
	}, {
		name:    "truncated 64-byte header keeps the 48 bytes it has",
		link:    LinkUSBLinuxMmap,
		data:    usbmonRec{hdrLen: 64, event: 'C', transfer: USBInterrupt, ep: 0x81, dev: 4, bus: 1, urbLen: 8}.bytes()[:50],
		summary: "USB 1.4.1 INTERRUPT Complete status=0 len=8",
		fields:  map[string]string{"usb.interval": "", "usb.urb_len": "8"},
		problem: Truncated,
	}, {
		name: "record claiming a huge length",
		link: LinkUSBLinux,
		data: usbmonRec{hdrLen: 48, event: 'C', transfer: USBBulk, ep: 0x81, dev: 5, bus: 1, urbLen: 0xffffffff,
			dataLen: 0xffffffff, data: []byte("USBS0123")}.bytes(),
		summary: "USB 1.5.1 BULK Complete status=0 len=4294967295",
		fields:  map[string]string{"usb.data_len": "4294967295"},
		problem: LenOverrun,
	}, {
		name:    "USBPcap setup stage",
		link:    LinkUSBPcap,
		data:    usbpcapRec(0, stageSetup, 0x80, getDeviceDescriptor, nil),
		summary: "USB 1.3.0 host→dev CONTROL Submit GET_DESCRIPTOR DEVICE",
		fields: map[string]string{"usb.usbpcap_header_len": "28", "usb.irp_id": "0xfffffa8001234560", "usb.function": "0x000b",
			"usb.irp_info.direction": "0x00", "usb.control_stage": "0", "usb.urb_id": "", "usb.urb_type": "", "usb.setup.wLength": "18"},
	}, {
		name:    "USBPcap header length below the minimum",
		link:    LinkUSBPcap,
		data:    append([]byte{0x05, 0x00}, usbpcapRec(1, 3, 0x80, nil, []byte{1, 2})[2:]...),
		summary: "USB 1.3.0 dev→host CONTROL Complete len=2",
		problem: BadHeaderLen,
	}}
	var p Packet
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			Decode(tc.link, tc.data, len(tc.data), &p)
			if got := string(p.appendUSBSummary(nil)); got != tc.summary {
				t.Errorf("summary %q, want %q", got, tc.summary)
			}
			for name, want := range tc.fields {
				if got := fieldValue(t, &p, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if p.Problem.Kind != tc.problem {
				t.Errorf("problem %v (%s), want kind %d", p.Problem.Kind, p.Problem, tc.problem)
			}
			if p.Payload.End() > len(p.Data) {
				t.Errorf("payload %+v past %d captured bytes", p.Payload, len(p.Data))
			}
		})
	}
}

func TestUSBTooShortForAHeader(t *testing.T) {
	var p Packet
	Decode(LinkUSBLinux, make([]byte, 20), 20, &p)
	if p.isUSB() || p.Problem.Kind != Truncated || p.Problem.Layer != LayerUSB {
		t.Errorf("layers %b problem %s", p.Layers, p.Problem)
	}
	Decode(LinkUSBPcap, make([]byte, 26), 26, &p)
	if p.isUSB() || p.Problem.Kind != Truncated || p.Problem.Layer != LayerUSBPcap {
		t.Errorf("layers %b problem %s", p.Layers, p.Problem)
	}
}

func TestUSBTree(t *testing.T) {
	var p Packet
	data := usbmonRec{hdrLen: 64, event: 'S', transfer: USBControl, ep: 0x80, dev: 28, bus: 2,
		setup: getDeviceDescriptor, status: -115, urbLen: 18}.bytes()
	Decode(LinkUSBLinuxMmap, data, len(data), &p)
	tb := &treeBuilder{p: &p}
	tb.usb()
	want := map[string]Range{
		"USB URB (Linux usbmon)": {0, 64},
		"URB id":                 {0, 8},
		"Bus":                    {12, 2},
		"URB status":             {28, 4},
		"Setup packet":           {40, 8},
		"bmRequestType":          {40, 1},
		"wLength":                {46, 2},
		"Interval":               {48, 4},
	}
	seen := map[string]Node{}
	for _, n := range tb.nodes {
		if _, dup := seen[n.Label]; !dup {
			seen[n.Label] = n
		}
	}
	for label, r := range want {
		n, ok := seen[label]
		if !ok {
			t.Errorf("no node %q", label)
			continue
		}
		if n.Bytes != r {
			t.Errorf("%s: bytes %+v, want %+v", label, n.Bytes, r)
		}
	}
	if v := seen["Setup packet"].Value; v != "GET_DESCRIPTOR DEVICE" {
		t.Errorf("setup packet value %q", v)
	}
	if v := seen["URB status"].Value; !strings.Contains(v, "EINPROGRESS") {
		t.Errorf("status value %q", v)
	}

	// A record claiming thousands of isochronous descriptors lists the
	// ones captured and no more.
	iso := usbmonRec{hdrLen: 64, event: 'C', transfer: USBIsochronous, ep: 0x81, dev: 2, bus: 1, data: make([]byte, 40)}.bytes()
	binary.LittleEndian.PutUint32(iso[44:], 100000)
	Decode(LinkUSBLinuxMmap, iso, len(iso), &p)
	tb = &treeBuilder{p: &p}
	tb.usb()
	descs := 0
	for _, n := range tb.nodes {
		if strings.HasPrefix(n.Label, "ISO descriptor ") {
			descs++
		}
		if n.Bytes.End() > len(iso) {
			t.Errorf("%s points past the data: %+v", n.Label, n.Bytes)
		}
	}
	if descs != 2 {
		t.Errorf("%d ISO descriptor nodes, want the 2 captured", descs)
	}

	// Nothing for packets that are not USB.
	Decode(LinkEthernet, make([]byte, 60), 60, &p)
	tb = &treeBuilder{p: &p}
	tb.usb()
	if len(tb.nodes) != 0 {
		t.Errorf("USB nodes for an Ethernet frame: %+v", tb.nodes)
	}
}

// TestUSBStateLearnsInterfaceClass checks that a HID request loses its
// usb.setup.* fields to the HID dissector only once a configuration
// descriptor described the interface, as in tshark.
func TestUSBStateLearnsInterfaceClass(t *testing.T) {
	var s USBState
	var p Packet
	frame := func(r usbmonRec) {
		r.hdrLen, r.transfer, r.dev, r.bus = 64, USBControl, 7, 3
		b := r.bytes()
		Decode(LinkUSBLinuxMmap, b, len(b), &p)
		s.Track(&p)
	}
	frame(usbmonRec{id: 1, event: 'S', setup: setIdle})
	if got := fieldValue(t, &p, "usb.setup.bRequest"); got != "10" {
		t.Fatalf("before the configuration: bRequest %q, want 10", got)
	}
	frame(usbmonRec{id: 2, event: 'S', ep: 0x80, setup: getConfigDescriptor})
	frame(usbmonRec{id: 2, event: 'C', ep: 0x80, data: hidConfig})
	frame(usbmonRec{id: 3, event: 'S', setup: setIdle})
	if got := fieldValue(t, &p, "usb.setup.bRequest"); got != "" {
		t.Errorf("after the configuration: bRequest %q, want it absent", got)
	}
	if p.USB.Class != classHID || string(p.appendUSBSummary(nil)) != "USB 3.7.0 host→dev CONTROL Submit HID SET_IDLE" {
		t.Errorf("class %#x, summary %q", p.USB.Class, p.appendUSBSummary(nil))
	}
	// A request to the interrupt endpoint's owner resolves through it.
	frame(usbmonRec{id: 4, event: 'S', setup: []byte{0x22, 0x01, 0, 0, 0x81, 0, 0, 0}})
	if p.USB.Class != classHID {
		t.Errorf("endpoint request class %#x, want HID", p.USB.Class)
	}
}

// TestUSBStateOldUSBPcapSplitsControlOut checks that the data stage of an
// old USBPcap control OUT gets the setup packet of its setup stage.
func TestUSBStateOldUSBPcapSplitsControlOut(t *testing.T) {
	var s USBState
	var p Packet
	setReport := []byte{0x21, 0x09, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00}
	b := usbpcapRec(0, stageSetup, 0x00, setReport, nil)
	Decode(LinkUSBPcap, b, len(b), &p)
	s.Track(&p)
	if got := fieldValue(t, &p, "usb.setup.wValue"); got != "0x0200" {
		t.Errorf("setup stage wValue %q", got)
	}
	b = usbpcapRec(1, stageData, 0x00, nil, []byte{0x01})
	Decode(LinkUSBPcap, b, len(b), &p)
	s.Track(&p)
	if !p.USB.HasSetup || !p.USB.Setup.Saved || p.USB.Setup.Request != 9 || p.USB.Event != USBSubmit {
		t.Errorf("data stage: %+v", p.USB)
	}
}

func TestUSBDecodeAllocatesNothing(t *testing.T) {
	frames := map[string]struct {
		link LinkType
		data []byte
	}{
		"usbmon": {LinkUSBLinuxMmap, usbmonRec{hdrLen: 64, event: 'S', transfer: USBControl, ep: 0x80, dev: 28, bus: 2,
			setup: getDeviceDescriptor, urbLen: 18}.bytes()},
		"usbmon bulk": {LinkUSBLinux, usbmonRec{hdrLen: 48, event: 'S', transfer: USBBulk, ep: 0x02, dev: 28, bus: 2,
			urbLen: 31, data: []byte("USBC0123456789012345678901234567")}.bytes()},
		"usbpcap": {LinkUSBPcap, usbpcapRec(0, stageSetup, 0x80, getDeviceDescriptor, nil)},
	}
	var p Packet
	buf := make([]byte, 0, 256)
	for name, f := range frames {
		if n := testing.AllocsPerRun(100, func() { Decode(f.link, f.data, len(f.data), &p) }); n != 0 {
			t.Errorf("%s: Decode allocates %.1f times", name, n)
		}
		if n := testing.AllocsPerRun(100, func() { buf = p.appendUSBSummary(buf[:0]) }); n != 0 {
			t.Errorf("%s: summary allocates %.1f times", name, n)
		}
		if n := testing.AllocsPerRun(100, func() {
			for i := range usbFields {
				buf, _ = usbFields[i].Append(buf[:0], &p)
			}
		}); n != 0 {
			t.Errorf("%s: fields allocate %.1f times", name, n)
		}
	}
}
