package decode

import (
	"encoding/binary"
	"math"
)

// USB transfer records: the parts Linux usbmon (usbmon.go) and Windows
// USBPcap (usbpcap.go) headers have in common, and the setup packet of a
// control transfer. Which bytes tshark shows as the setup packet, and which
// of its fields it names usb.setup.*, follows Wireshark 4.0's packet-usb.c,
// so `-T fields` output can be diffed against tshark's.

// Header sizes of the two usbmon link types.
const (
	usbmonHeaderLen     = 48 // LINKTYPE_USB_LINUX (189)
	usbmonMmapHeaderLen = 64 // LINKTYPE_USB_LINUX_MMAPPED (220)
)

// USB transfer types, as usbmon and USBPcap number them.
const (
	USBIsochronous uint8 = 0
	USBInterrupt   uint8 = 1
	USBControl     uint8 = 2
	USBBulk        uint8 = 3
)

// USB record events. usbmon writes them into its header; a USBPcap record
// is a Submit or a Complete according to its IRP direction.
const (
	USBSubmit   byte = 'S'
	USBComplete byte = 'C'
	USBError    byte = 'E'
)

// USBClassUnknown is USB.Class when nothing said which class a request is
// for (Wireshark's IF_CLASS_UNKNOWN).
const USBClassUnknown uint16 = 0xffff

// USB is a USB transfer record: a Linux usbmon header or a Windows USBPcap
// header (Packet.Layers tells which), with the setup packet when there is
// one. Fields a header type does not have stay zero.
type USB struct {
	// Off is where the record starts in Packet.Data: always 0, as USB
	// headers are the link layer.
	Off int
	// HeaderLen is the number of bytes before the transfer data.
	HeaderLen int
	Bus       uint16
	Device    uint16
	// Endpoint is the endpoint address: bit 7 set means IN (device to host).
	Endpoint uint8
	Transfer uint8 // USBIsochronous, USBInterrupt, USBControl or USBBulk
	// Event is USBSubmit, USBComplete or USBError.
	Event byte
	// Status is the usbmon URB status, a negative Linux errno (-115
	// EINPROGRESS on every submission).
	Status int32
	// URBLen is usbmon's URB length: requested on submission, actual on
	// completion. DataLen is the number of data bytes the record claims to
	// carry (usbmon len_cap, USBPcap data length); Data is what of them was
	// captured.
	URBLen  uint32
	DataLen uint32
	Data    Range

	// usbmon only.
	URBID               uint64
	SetupFlag, DataFlag byte // 0 when setup/data present, else a reason character
	TsSec               int64
	TsUsec              int32
	// Mmapped says the 64-byte header's extra words were captured.
	Mmapped       bool
	Interval      int32
	StartFrame    int32
	TransferFlags uint32
	NumDesc       uint32 // isochronous descriptors, from the 64-byte header's tail
	// ISOErrors and ISODescs are an isochronous record's error count and
	// descriptor count (usbmon: in place of the setup packet; USBPcap:
	// packet count and error count of its isochronous header).
	ISOErrors, ISODescs uint32
	HasISO              bool

	// USBPcap only.
	IRPID        uint64
	USBDStatus   uint32
	Function     uint16
	Info         uint8 // bit 0: 1 when the IRP goes PDO → FDO (completion)
	HasStage     bool
	ControlStage uint8 // 0 setup, 1 data, 2 status, 3 complete
	ISOStart     uint32

	HasSetup bool
	Setup    Setup
	// Class is the USB class whose driver a class or vendor request goes
	// to, as far as earlier frames told (see USBState); USBClassUnknown
	// otherwise.
	Class uint16
	// shown says which usb.setup.* fields tshark prints for the setup.
	shown uint8
}

// Setup is a control transfer's 8-byte setup packet.
type Setup struct {
	// Off is where the 8 bytes sit in Packet.Data. When Saved is set they
	// came from an earlier frame (an old USBPcap splits a control OUT into
	// a setup frame and a data frame) and Off is 0, as tshark reports it.
	Off         int
	Saved       bool
	RequestType uint8
	Request     uint8
	Value       uint16
	Index       uint16
	Length      uint16
	// deferred marks an old USBPcap setup frame whose OUT data follows in
	// a later frame: tshark keeps it for that frame and shows only the
	// generic fields here.
	deferred bool
}

// DeviceToHost reports whether the request moves data from device to host.
func (s *Setup) DeviceToHost() bool { return s.RequestType&0x80 != 0 }

// Type is bits 5-6 of bmRequestType: 0 standard, 1 class, 2 vendor.
func (s *Setup) Type() uint8 { return s.RequestType >> 5 & 3 }

// Recipient is bits 0-4 of bmRequestType: 0 device, 1 interface,
// 2 endpoint, 3 other.
func (s *Setup) Recipient() uint8 { return s.RequestType & 0x1f }

// Standard reports whether the request is one the USB core specification
// defines. A GET_DESCRIPTOR to anything but the device is a class request
// in disguise (HID report descriptors), as Wireshark treats it.
func (s *Setup) Standard() bool {
	return s.Type() == 0 && (s.Request != reqGetDescriptor || s.Recipient() == 0)
}

// decode reads the setup packet at off; the caller checked 8 bytes.
func (s *Setup) decode(b []byte, off int) {
	*s = Setup{
		Off:         off,
		RequestType: b[off],
		Request:     b[off+1],
		Value:       le.Uint16(b[off+2:]),
		Index:       le.Uint16(b[off+4:]),
		Length:      le.Uint16(b[off+6:]),
	}
}

// isUSB reports whether p holds a USB record of either header type.
func (p *Packet) isUSB() bool { return p.Has(LayerUSB) || p.Has(LayerUSBPcap) }

// In reports whether the record's endpoint is an IN endpoint.
func (u *USB) In() bool { return u.Endpoint&0x80 != 0 }

// setUSBData points Data and Payload at the transfer bytes at off and
// records the header length. usbmon and USBPcap both say how many data
// bytes follow; a record claiming more than the wire carried is malformed,
// one claiming more than the snap length kept is merely truncated.
func (p *Packet) setUSBData(l Layer, off int, claimed uint32) {
	u := &p.USB
	u.HeaderLen = off
	if off > len(p.Data) {
		return
	}
	n := len(p.Data) - off
	if uint64(claimed) < uint64(n) {
		n = int(claimed)
	}
	if wire := p.WireLen - off; uint64(claimed) > uint64(max(wire, 0)) {
		p.fail(l, LenOverrun, int(min(uint64(claimed), math.MaxInt)), max(wire, 0))
	}
	u.Data = Range{off, n}
	p.Payload = u.Data
}

// skipPayload drops the first n bytes (a setup packet, isochronous
// descriptors) from the payload.
func (p *Packet) skipPayload(n int) {
	n = min(max(n, 0), p.Payload.Len)
	p.Payload.Off += n
	p.Payload.Len -= n
}

// Bits of USB.shown: the usb.setup.* fields tshark prints.
const (
	showRequest = 1 << iota
	showValue
	showIndex
	showLength
	showGeneric = showRequest | showValue | showIndex | showLength
)

// resolveSetup decides which usb.setup.* fields tshark prints, given the
// class the request is addressed to. Standard requests get packet-usb.c's
// per-request layout (wValue becomes a descriptor type, a feature selector,
// an address... under other names); a request a class dissector claims
// loses all of them to usbhid.*/usbhub.*/usbms.* fields; anything else is
// shown generically.
func (u *USB) resolveSetup(class uint16) {
	s := &u.Setup
	u.Class = class
	switch {
	case s.deferred:
		u.shown = showGeneric
	case s.Standard():
		u.shown = showRequest | standardSetupFields(s)
	case classClaims(class, s):
		u.shown = 0
	default:
		u.shown = showGeneric
	}
}

// standardSetupFields is packet-usb.c's setup_request_dissectors table:
// which of wValue/wIndex/wLength each standard request shows as such.
func standardSetupFields(s *Setup) uint8 {
	recip := s.Recipient()
	switch s.Request {
	case reqGetStatus:
		if recip == 1 || recip == 2 { // wIndex is wInterface / wEndpoint
			return showValue | showLength
		}
		return showValue | showIndex | showLength
	case reqClearFeature, reqSetFeature:
		switch recip {
		case 0: // wValue is a device feature selector
			return showIndex | showLength
		case 1, 2: // feature selector and wInterface / wEndpoint
			return showLength
		}
		return showValue | showIndex | showLength
	case reqSetAddress, reqSetConfiguration:
		return showIndex | showLength
	case reqGetDescriptor, reqSetInterface:
		return showLength
	case reqGetInterface, reqSynchFrame:
		return showValue | showLength
	}
	return showValue | showIndex | showLength
}

// USB class codes the decoder recognises requests of.
const (
	classHID         = 0x03
	classMassStorage = 0x08
	classHub         = 0x09
)

// classClaims reports whether the Wireshark class dissector registered for
// class takes over a non-standard request. The hub dissector is also
// registered for the unknown class, so hub requests are recognised by
// their exact (bmRequestType, bRequest) on any device nothing is known of.
func classClaims(class uint16, s *Setup) bool {
	switch class {
	case USBClassUnknown, classHub:
		return hubRequest(s) != ""
	case classHID:
		return s.Recipient() == 1 && (s.Type() == 0 && s.Request == reqGetDescriptor ||
			s.Type() == 1 && hidRequest(s.Request) != "")
	case classMassStorage:
		return bomsRequest(s.Request) != ""
	}
	return false
}

// le reads the little-endian fields of USB headers and descriptors.
var le = binary.LittleEndian
