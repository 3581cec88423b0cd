package decode

import "strings"

// usbFields are the usb.* fields of tshark 4.0 for usbmon and USBPcap
// records, printed as `tshark -T fields` prints them. Which setup fields a
// frame has depends on what tshark's request dissectors do with the
// request (see USB.resolveSetup); the rest follow the header type.
var usbFields = []Field{
	hexField("usb.urb_id", "URB id", 16, usbmonValue(func(u *USB) uint64 { return u.URBID })),
	charField("usb.urb_type", "URB type: 'S' submit, 'C' complete, 'E' error", func(u *USB) byte { return u.Event }),
	hexField("usb.transfer_type", "URB transfer type", 2, usbValue(func(u *USB) uint64 { return uint64(u.Transfer) })),
	hexField("usb.endpoint_address", "Endpoint address", 2, usbValue(func(u *USB) uint64 { return uint64(u.Endpoint) })),
	decField("usb.endpoint_address.direction", "Endpoint direction: 1 IN, 0 OUT", usbValue(func(u *USB) uint64 { return uint64(u.Endpoint >> 7) })),
	decField("usb.endpoint_address.number", "Endpoint number", usbValue(func(u *USB) uint64 { return uint64(u.Endpoint & 0x0f) })),
	decField("usb.device_address", "Device address", usbValue(func(u *USB) uint64 { return uint64(u.Device) })),
	decField("usb.bus_id", "Bus id", usbValue(func(u *USB) uint64 { return uint64(u.Bus) })),
	charField("usb.setup_flag", "Setup flag: '\\0' when the setup packet is relevant", func(u *USB) byte { return u.SetupFlag }),
	charField("usb.data_flag", "Data flag: '\\0' when data is present", func(u *USB) byte { return u.DataFlag }),
	decField("usb.urb_ts_sec", "URB timestamp, seconds", usbmonValue(func(u *USB) uint64 { return uint64(u.TsSec) })),
	decField("usb.urb_ts_usec", "URB timestamp, microseconds", usbmonValue(func(u *USB) uint64 { return uint64(uint32(u.TsUsec)) })),
	intField("usb.urb_status", "URB status (negative errno)", func(p *Packet) (int64, bool) { return int64(p.USB.Status), p.Has(LayerUSB) }),
	decField("usb.urb_len", "URB length in bytes", usbmonValue(func(u *USB) uint64 { return uint64(u.URBLen) })),
	decField("usb.data_len", "Data length in bytes", usbValue(func(u *USB) uint64 { return uint64(u.DataLen) })),
	decField("usb.interval", "Interval (usbmon mmapped)", usbmonExt(func(u *USB) uint64 { return uint64(uint32(u.Interval)) })),
	decField("usb.start_frame", "Start frame (usbmon mmapped)", usbmonExt(func(u *USB) uint64 { return uint64(uint32(u.StartFrame)) })),
	hexField("usb.copy_of_transfer_flags", "Copy of URB transfer flags", 8, usbmonExt(func(u *USB) uint64 { return uint64(u.TransferFlags) })),
	decField("usb.iso.numdesc", "Number of isochronous descriptors", isoNumDesc),
	hexField("usb.bmRequestType", "Setup bmRequestType", 2, func(p *Packet) (uint64, bool) {
		return uint64(p.USB.Setup.RequestType), p.isUSB() && p.USB.HasSetup
	}),
	decField("usb.setup.bRequest", "Setup bRequest", setupValue(showRequest, func(s *Setup) uint64 { return uint64(s.Request) })),
	hexField("usb.setup.wValue", "Setup wValue", 4, setupValue(showValue, func(s *Setup) uint64 { return uint64(s.Value) })),
	decField("usb.setup.wIndex", "Setup wIndex", setupValue(showIndex, func(s *Setup) uint64 { return uint64(s.Index) })),
	decField("usb.setup.wLength", "Setup wLength", setupValue(showLength, func(s *Setup) uint64 { return uint64(s.Length) })),
	decField("usb.usbpcap_header_len", "USBPcap header length", usbpcapValue(func(u *USB) uint64 { return uint64(u.HeaderLen) })),
	hexField("usb.irp_id", "USBPcap IRP id", 16, usbpcapValue(func(u *USB) uint64 { return u.IRPID })),
	hexField("usb.usbd_status", "USBPcap USBD_STATUS", 8, usbpcapValue(func(u *USB) uint64 { return uint64(u.USBDStatus) })),
	hexField("usb.function", "USBPcap URB function", 4, usbpcapValue(func(u *USB) uint64 { return uint64(u.Function) })),
	hexField("usb.irp_info.direction", "USBPcap IRP direction: 0x00 FDO→PDO (submit), 0x01 PDO→FDO (completion)", 2, usbpcapValue(func(u *USB) uint64 { return uint64(u.Info & 1) })),
	decField("usb.control_stage", "USBPcap control stage: 0 setup, 1 data, 2 status, 3 complete", func(p *Packet) (uint64, bool) {
		return uint64(p.USB.ControlStage), p.Has(LayerUSBPcap) && p.USB.HasStage
	}),
}

// usbValue, usbmonValue, usbpcapValue and usbmonExt wrap a USB header
// field as present in any USB record, in usbmon records, in USBPcap
// records, and in usbmon records with the 64-byte header's extra words.
func usbValue(v func(*USB) uint64) func(*Packet) (uint64, bool) {
	return func(p *Packet) (uint64, bool) { return v(&p.USB), p.isUSB() }
}

func usbmonValue(v func(*USB) uint64) func(*Packet) (uint64, bool) {
	return func(p *Packet) (uint64, bool) { return v(&p.USB), p.Has(LayerUSB) }
}

func usbpcapValue(v func(*USB) uint64) func(*Packet) (uint64, bool) {
	return func(p *Packet) (uint64, bool) { return v(&p.USB), p.Has(LayerUSBPcap) }
}

func usbmonExt(v func(*USB) uint64) func(*Packet) (uint64, bool) {
	return func(p *Packet) (uint64, bool) { return v(&p.USB), p.Has(LayerUSB) && p.USB.Mmapped }
}

// setupValue is a usb.setup.* field, present when tshark shows it under
// that name (bit of USB.shown).
func setupValue(bit uint8, v func(*Setup) uint64) func(*Packet) (uint64, bool) {
	return func(p *Packet) (uint64, bool) {
		u := &p.USB
		return v(&u.Setup), p.isUSB() && u.HasSetup && u.shown&bit != 0
	}
}

// isoNumDesc is usb.iso.numdesc's first occurrence: tshark prints the
// isochronous header's count (also in 48-byte records), then the 64-byte
// header's ndesc word.
func isoNumDesc(p *Packet) (uint64, bool) {
	u := &p.USB
	switch {
	case !p.Has(LayerUSB):
		return 0, false
	case u.HasISO:
		return uint64(u.ISODescs), true
	}
	return uint64(u.NumDesc), u.Mmapped
}

// intField is a signed decimal field.
func intField(name, desc string, v func(p *Packet) (int64, bool)) Field {
	return Field{Name: name, Desc: desc, get: func(p *Packet, dst []byte) ([]byte, bool) {
		n, ok := v(p)
		if !ok {
			return dst, false
		}
		return appendInt(dst, n), true
	}}
}

// charField is a usbmon character field (FT_CHAR), printed quoted.
func charField(name, desc string, v func(u *USB) byte) Field {
	return Field{Name: name, Desc: desc, get: func(p *Packet, dst []byte) ([]byte, bool) {
		if !p.Has(LayerUSB) {
			return dst, false
		}
		return appendQuotedChar(dst, v(&p.USB)), true
	}}
}

// appendQuotedChar appends c the way Wireshark prints an FT_CHAR: in
// single quotes, printable ASCII as is, others as C escapes ('\0', '\n')
// or '\xhh'.
func appendQuotedChar(dst []byte, c byte) []byte {
	dst = append(dst, '\'')
	if c >= 0x20 && c < 0x7f {
		dst = append(dst, c)
		return append(dst, '\'')
	}
	dst = append(dst, '\\')
	if i := strings.IndexByte("\x00\a\b\f\n\r\t\v", c); i >= 0 {
		dst = append(dst, "0abfnrtv"[i])
	} else {
		dst = append(dst, 'x', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, '\'')
}
