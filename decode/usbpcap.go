package decode

// Windows USBPcap records (USBPCAP_BUFFER_PACKET_HEADER, packed,
// little-endian; desowin.org/usbpcap/captureformat.html).
//
//	 0 headerLen  u16   bytes before the transfer data
//	 2 irpId      u64
//	10 status     u32   USBD_STATUS
//	14 function   u16   URB_FUNCTION_*
//	16 info       u8    bit 0: 1 = PDO → FDO (completion)
//	17 bus        u16
//	19 device     u16
//	21 endpoint   u8    bit 7 = IN
//	22 transfer   u8    0 iso, 1 interrupt, 2 control, 3 bulk, 0xfe IRP info
//	23 dataLength u32
//	27 control:     stage u8 (0 setup, 1 data, 2 status, 3 complete), setup at 28
//	   isochronous: startFrame u32, numberOfPackets u32, errorCount u32,
//	                then 12-byte packet descriptors
const (
	usbpcapBaseLen    = 27
	usbpcapControlLen = 28
	usbpcapISOLen     = 39
)

// Control stages of a USBPcap control transfer.
const (
	stageSetup = 0
	stageData  = 1
)

func (p *Packet) decodeUSBPcap() {
	if !p.need(LayerUSBPcap, 0, usbpcapBaseLen) {
		return
	}
	b := p.Data
	u := &p.USB
	*u = USB{
		HeaderLen:  int(le.Uint16(b)),
		IRPID:      le.Uint64(b[2:]),
		USBDStatus: le.Uint32(b[10:]),
		Function:   le.Uint16(b[14:]),
		Info:       b[16],
		Bus:        le.Uint16(b[17:]),
		Device:     le.Uint16(b[19:]),
		Endpoint:   b[21],
		Transfer:   b[22],
		DataLen:    le.Uint32(b[23:]),
		Event:      USBSubmit,
		Class:      USBClassUnknown,
	}
	if u.Info&1 != 0 {
		u.Event = USBComplete
	}
	p.Layers.add(LayerUSBPcap)
	base := usbpcapBaseLen
	switch u.Transfer {
	case USBControl:
		base = usbpcapControlLen
		if !p.need(LayerUSBPcap, 0, base) {
			return
		}
		u.HasStage, u.ControlStage = true, b[27]
		// USBPcap before 1.3.0.0 flagged the data stage of a control OUT
		// as a completion; Wireshark corrects it the same way.
		if u.Endpoint == 0 && u.ControlStage == stageData {
			u.Event = USBSubmit
		}
	case USBIsochronous:
		base = usbpcapISOLen
		if !p.need(LayerUSBPcap, 0, base) {
			return
		}
		u.HasISO = true
		u.ISOStart, u.ISODescs, u.ISOErrors = le.Uint32(b[27:]), le.Uint32(b[31:]), le.Uint32(b[35:])
	}
	off := u.HeaderLen
	if off < base {
		p.fail(LayerUSBPcap, BadHeaderLen, off, base)
		off = base
	}
	if u.HasStage && u.ControlStage == stageSetup && u.Event == USBSubmit && p.need(LayerUSBPcap, base, 8) {
		u.HasSetup = true
		u.Setup.decode(b, base)
		// USBPcap before 1.5.0.0 sent a control OUT's data in a frame of
		// its own, after a setup frame that ends with the setup packet.
		u.Setup.deferred = !u.Setup.DeviceToHost() && u.Setup.Length > 0 && p.WireLen == base+8
		u.resolveSetup(USBClassUnknown)
	}
	p.setUSBData(LayerUSBPcap, off, u.DataLen)
	if u.HasSetup {
		// The data length counts the setup packet; the payload is what
		// follows it.
		p.skipPayload(base + 8 - off)
	}
}
