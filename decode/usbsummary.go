package decode

// appendUSBSummary appends the one-line summary of a USB record:
// bus.device.endpoint-number, the direction of a control record (endpoint
// 0 carries both), transfer type, event, then the request of a setup
// packet or the status and length, e.g.
//
//	USB 2.28.0 host→dev CONTROL Submit GET_DESCRIPTOR DEVICE
//	USB 2.28.2 BULK Complete status=0 len=31
//	USB 3.7.0 host→dev CONTROL Error status=-19 ENODEV len=0
//
// len is the URB length (usbmon: requested on submission, transferred on
// completion) or, for USBPcap, the record's data length.
func (p *Packet) appendUSBSummary(dst []byte) []byte {
	u := &p.USB
	dst = append(dst, "USB "...)
	dst = appendUint(dst, uint64(u.Bus))
	dst = append(dst, '.')
	dst = appendUint(dst, uint64(u.Device))
	dst = append(dst, '.')
	dst = appendUint(dst, uint64(u.Endpoint&0x7f))
	if u.Transfer == USBControl {
		if u.Event == USBSubmit {
			dst = append(dst, " host→dev"...)
		} else {
			dst = append(dst, " dev→host"...)
		}
	}
	dst = append(dst, ' ')
	dst = append(dst, usbTransferName(u.Transfer)...)
	dst = append(dst, ' ')
	dst = append(dst, usbEventName(u.Event)...)
	if u.HasSetup {
		dst = append(dst, ' ')
		return appendUSBRequest(dst, u)
	}
	n := u.URBLen
	if p.Has(LayerUSBPcap) {
		n = u.DataLen
		if u.Transfer == 0xfe {
			dst = append(dst, ' ')
			dst = append(dst, urbFunctionName(u.Function)...)
		}
		if u.USBDStatus != 0 {
			dst = append(dst, " status="...)
			dst = appendUSBDStatus(dst, u.USBDStatus)
		}
	} else if u.Event != USBSubmit {
		dst = append(dst, " status="...)
		dst = appendInt(dst, int64(u.Status))
		if name, _ := usbStatusName(u.Status); u.Status != 0 && name != "" {
			dst = append(dst, ' ')
			dst = append(dst, name...)
		}
	}
	dst = append(dst, " len="...)
	return appendUint(dst, uint64(n))
}

// appendUSBDStatus appends a USBD_STATUS by name, or in hex when unnamed.
func appendUSBDStatus(dst []byte, s uint32) []byte {
	if name := usbdStatusName(s); name != "" {
		return append(dst, name...)
	}
	return appendHex(dst, uint64(s), 8)
}
