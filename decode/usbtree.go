package decode

import "strconv"

// usb adds the USB record's header fields, its setup packet, isochronous
// descriptors and data, each with the bytes it came from.
func (t *treeBuilder) usb() {
	p := t.p
	u := &p.USB
	switch {
	case p.Has(LayerUSB):
		t.usbmon(u)
	case p.Has(LayerUSBPcap):
		t.usbpcap(u)
	default:
		return
	}
	if u.HasSetup {
		t.usbSetup(u)
	}
	if u.Class != USBClassUnknown {
		t.field("Interface class (from earlier descriptors)", usbClassName(u.Class), 0, 0)
	}
	if u.Data.Len > 0 {
		t.field("Data", strconv.Itoa(u.Data.Len)+" bytes", u.Data.Off, u.Data.Len)
	}
}

func (t *treeBuilder) usbmon(u *USB) {
	t.layer("USB URB (Linux usbmon)", string(t.p.appendUSBSummary(nil)), 0, u.HeaderLen)
	t.field("URB id", hexString(u.URBID, 16), 0, 8)
	t.field("URB type", string(appendQuotedChar(nil, u.Event))+" "+usbEventName(u.Event), 8, 1)
	t.usbTransfer(u, 9)
	t.usbEndpoint(u, 10)
	t.field("Device", strconv.Itoa(int(u.Device)), 11, 1)
	t.field("Bus", strconv.Itoa(int(u.Bus)), 12, 2)
	t.field("Setup flag", flagMeaning(u.SetupFlag, "relevant"), 14, 1)
	t.field("Data flag", flagMeaning(u.DataFlag, "present"), 15, 1)
	t.field("Timestamp", strconv.FormatInt(u.TsSec, 10)+"."+pad6(u.TsUsec), 16, 12)
	status := strconv.Itoa(int(u.Status))
	if name, meaning := usbStatusName(u.Status); name != "" {
		status += " " + name + " (" + meaning + ")"
	}
	t.field("URB status", status, 28, 4)
	t.field("URB length", strconv.FormatUint(uint64(u.URBLen), 10), 32, 4)
	t.field("Data length", strconv.FormatUint(uint64(u.DataLen), 10), 36, 4)
	switch {
	case u.HasISO:
		t.field("ISO error count", strconv.FormatUint(uint64(u.ISOErrors), 10), 40, 4)
		t.field("ISO descriptors", strconv.FormatUint(uint64(u.ISODescs), 10), 44, 4)
	case !u.HasSetup:
		t.field("Setup header (unused)", "", 40, 8)
	}
	if u.Mmapped {
		t.field("Interval", strconv.Itoa(int(u.Interval)), 48, 4)
		t.field("Start frame", strconv.Itoa(int(u.StartFrame)), 52, 4)
		t.field("Transfer flags", hexString(uint64(u.TransferFlags), 8), 56, 4)
		t.field("ISO descriptors (ndesc)", strconv.FormatUint(uint64(u.NumDesc), 10), 60, 4)
	}
	if u.HasISO {
		t.usbmonISODescs(u)
	}
}

// usbmonISODescs lists the isochronous descriptors that were captured; a
// record claiming more than it holds lists what is there.
func (t *treeBuilder) usbmonISODescs(u *USB) {
	b := t.p.Data
	for i, off := uint32(0), u.HeaderLen; i < u.ISODescs && off+isoDescLen <= len(b); i, off = i+1, off+isoDescLen {
		status := int32(le.Uint32(b[off:]))
		v := "status " + strconv.Itoa(int(status)) +
			", offset " + strconv.FormatUint(uint64(le.Uint32(b[off+4:])), 10) +
			", length " + strconv.FormatUint(uint64(le.Uint32(b[off+8:])), 10)
		t.sub("ISO descriptor "+strconv.Itoa(int(i)), v, off, isoDescLen)
	}
}

func (t *treeBuilder) usbpcap(u *USB) {
	t.layer("USBPcap", string(t.p.appendUSBSummary(nil)), 0, u.HeaderLen)
	t.field("Header length", strconv.Itoa(u.HeaderLen), 0, 2)
	t.field("IRP id", hexString(u.IRPID, 16), 2, 8)
	status := hexString(uint64(u.USBDStatus), 8)
	if name := usbdStatusName(u.USBDStatus); name != "" {
		status += " " + name
	}
	t.field("USBD status", status, 10, 4)
	t.field("URB function", hexString(uint64(u.Function), 4)+" "+urbFunctionName(u.Function), 14, 2)
	dir := "FDO → PDO (submit)"
	if u.Info&1 != 0 {
		dir = "PDO → FDO (completion)"
	}
	t.field("IRP information", hexString(uint64(u.Info), 2), 16, 1)
	t.sub("Direction", dir, 16, 1)
	t.field("Bus", strconv.Itoa(int(u.Bus)), 17, 2)
	t.field("Device", strconv.Itoa(int(u.Device)), 19, 2)
	t.usbEndpoint(u, 21)
	t.usbTransfer(u, 22)
	t.field("Data length", strconv.FormatUint(uint64(u.DataLen), 10), 23, 4)
	if u.HasStage {
		t.field("Control stage", strconv.Itoa(int(u.ControlStage))+" "+usbControlStageName(u.ControlStage), 27, 1)
	}
	if u.HasISO {
		t.field("ISO start frame", strconv.FormatUint(uint64(u.ISOStart), 10), 27, 4)
		t.field("ISO packets", strconv.FormatUint(uint64(u.ISODescs), 10), 31, 4)
		t.field("ISO error count", strconv.FormatUint(uint64(u.ISOErrors), 10), 35, 4)
	}
}

func (t *treeBuilder) usbTransfer(u *USB, off int) {
	t.field("Transfer type", hexString(uint64(u.Transfer), 2)+" "+usbTransferName(u.Transfer), off, 1)
}

func (t *treeBuilder) usbEndpoint(u *USB, off int) {
	t.field("Endpoint", hexString(uint64(u.Endpoint), 2), off, 1)
	dir := "OUT (host to device)"
	if u.In() {
		dir = "IN (device to host)"
	}
	t.sub("Direction", dir, off, 1)
	t.sub("Number", strconv.Itoa(int(u.Endpoint&0x7f)), off, 1)
}

var (
	requestTypeNames = [4]string{"standard", "class", "vendor", "reserved"}
	recipientNames   = [4]string{"device", "interface", "endpoint", "other"}
)

func (t *treeBuilder) usbSetup(u *USB) {
	s := &u.Setup
	off, n := s.Off, 8
	if s.Saved {
		n = 0 // the bytes are in an earlier frame
	}
	at := func(i, size int) (int, int) {
		if s.Saved {
			return 0, 0
		}
		return off + i, size
	}
	label := "Setup packet"
	if s.Saved {
		label = "Setup packet (from the setup stage frame)"
	}
	t.field(label, string(appendUSBRequest(nil, u)), off, n)
	dir := "host to device"
	if s.DeviceToHost() {
		dir = "device to host"
	}
	recip := "reserved"
	if r := s.Recipient(); r < 4 {
		recip = recipientNames[r]
	}
	o, l := at(0, 1)
	t.sub("bmRequestType", hexString(uint64(s.RequestType), 2)+": "+dir+", "+requestTypeNames[s.Type()]+", "+recip, o, l)
	o, l = at(1, 1)
	t.sub("bRequest", strconv.Itoa(int(s.Request)), o, l)
	o, l = at(2, 2)
	value := hexString(uint64(s.Value), 4)
	if s.Type() == 0 && s.Request == reqGetDescriptor {
		value += " (type " + strconv.Itoa(int(s.Value>>8)) + " " + usbDescriptorName(uint8(s.Value>>8)) +
			", index " + strconv.Itoa(int(s.Value&0xff)) + ")"
	}
	t.sub("wValue", value, o, l)
	o, l = at(4, 2)
	t.sub("wIndex", strconv.Itoa(int(s.Index)), o, l)
	o, l = at(6, 2)
	t.sub("wLength", strconv.Itoa(int(s.Length)), o, l)
}

func hexString(v uint64, digits int) string { return string(appendHex(nil, v, digits)) }

// flagMeaning shows a usbmon flag character and whether it says the setup
// packet or data is there (0) or why not.
func flagMeaning(c byte, yes string) string {
	if c == 0 {
		return string(appendQuotedChar(nil, c)) + " (" + yes + ")"
	}
	return string(appendQuotedChar(nil, c)) + " (not " + yes + ")"
}

func pad6(usec int32) string {
	s := strconv.Itoa(int(usec))
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}
