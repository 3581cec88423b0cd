package decode

// Linux usbmon records (Documentation/usb/usbmon.rst, struct
// usbmon_packet). The kernel writes the header in host byte order; every
// Linux host that captures USB in practice is little-endian, and so are all
// corpus files, so the header is read as little-endian. (libpcap's reader
// swaps these headers when a file moves between hosts; pcapgo does not.)
//
//	 0 id         u64   URB tag
//	 8 type       u8    'S' submit, 'C' complete, 'E' error
//	 9 xfer_type  u8    0 iso, 1 interrupt, 2 control, 3 bulk
//	10 epnum      u8    endpoint address, bit 7 = IN
//	11 devnum     u8
//	12 busnum     u16
//	14 flag_setup i8    0 when the setup packet at 40 is valid
//	15 flag_data  i8    0 when data follows
//	16 ts_sec     i64
//	24 ts_usec    i32
//	28 status     i32   negative errno
//	32 length     u32   URB length
//	36 len_cap    u32   data bytes in this record
//	40 setup[8]         or, for isochronous: error_count i32, numdesc i32
//	48 interval, start_frame, xfer_flags, ndesc (LINKTYPE 220 only)
//
// Data follows the header; an isochronous record starts it with numdesc
// 16-byte descriptors (status, offset, length, pad).
const (
	usbmonBaseLen = 40
	isoDescLen    = 16
)

func (p *Packet) decodeUSBMon(hdrLen int) {
	if !p.need(LayerUSB, 0, usbmonBaseLen) {
		return
	}
	b := p.Data
	u := &p.USB
	*u = USB{
		HeaderLen: hdrLen,
		URBID:     le.Uint64(b),
		Event:     b[8],
		Transfer:  b[9],
		Endpoint:  b[10],
		Device:    uint16(b[11]),
		Bus:       le.Uint16(b[12:]),
		SetupFlag: b[14],
		DataFlag:  b[15],
		TsSec:     int64(le.Uint64(b[16:])),
		TsUsec:    int32(le.Uint32(b[24:])),
		Status:    int32(le.Uint32(b[28:])),
		URBLen:    le.Uint32(b[32:]),
		DataLen:   le.Uint32(b[36:]),
		Class:     USBClassUnknown,
	}
	p.Layers.add(LayerUSB)
	if !p.need(LayerUSB, 0, usbmonHeaderLen) {
		return
	}
	switch {
	case u.Transfer == USBIsochronous:
		u.HasISO = true
		u.ISOErrors, u.ISODescs = le.Uint32(b[40:]), le.Uint32(b[44:])
	case u.Transfer == USBControl && u.Event == USBSubmit && u.SetupFlag == 0:
		u.HasSetup = true
		u.Setup.decode(b, usbmonBaseLen)
		u.resolveSetup(USBClassUnknown)
	}
	if hdrLen == usbmonMmapHeaderLen {
		if !p.need(LayerUSB, 0, usbmonMmapHeaderLen) {
			return
		}
		u.Mmapped = true
		u.Interval = int32(le.Uint32(b[48:]))
		u.StartFrame = int32(le.Uint32(b[52:]))
		u.TransferFlags = le.Uint32(b[56:])
		u.NumDesc = le.Uint32(b[60:])
	}
	p.setUSBData(LayerUSB, hdrLen, u.DataLen)
	if u.HasISO {
		// The classifier wants the transfer bytes, not the descriptors.
		p.skipPayload(int(min(uint64(u.ISODescs)*isoDescLen, 1<<31-1)))
	}
}
