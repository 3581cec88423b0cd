package decode

// Names for the numbers in USB records: transfer types, events, requests,
// descriptor types, status codes. Each lookup returns a constant string, so
// the summary and the tree name things without allocating.

// Standard request codes (USB 2.0 table 9-4).
const (
	reqGetStatus        = 0
	reqClearFeature     = 1
	reqSetFeature       = 3
	reqSetAddress       = 5
	reqGetDescriptor    = 6
	reqSetDescriptor    = 7
	reqGetConfiguration = 8
	reqSetConfiguration = 9
	reqGetInterface     = 10
	reqSetInterface     = 11
	reqSynchFrame       = 12
)

// Descriptor types the decoder follows in GET_DESCRIPTOR responses.
const (
	descConfiguration = 2
	descInterface     = 4
	descEndpoint      = 5
	descOtherSpeed    = 7
)

func usbTransferName(t uint8) string {
	switch t {
	case USBIsochronous:
		return "ISOCHRONOUS"
	case USBInterrupt:
		return "INTERRUPT"
	case USBControl:
		return "CONTROL"
	case USBBulk:
		return "BULK"
	case 0xfe:
		return "IRP_INFO" // USBPcap: an IRP with no transfer
	}
	return "UNKNOWN"
}

func usbEventName(e byte) string {
	switch e {
	case USBSubmit:
		return "Submit"
	case USBComplete:
		return "Complete"
	case USBError:
		return "Error"
	}
	return "Event?"
}

func usbStandardRequest(r uint8) string {
	switch r {
	case reqGetStatus:
		return "GET_STATUS"
	case reqClearFeature:
		return "CLEAR_FEATURE"
	case reqSetFeature:
		return "SET_FEATURE"
	case reqSetAddress:
		return "SET_ADDRESS"
	case reqGetDescriptor:
		return "GET_DESCRIPTOR"
	case reqSetDescriptor:
		return "SET_DESCRIPTOR"
	case reqGetConfiguration:
		return "GET_CONFIGURATION"
	case reqSetConfiguration:
		return "SET_CONFIGURATION"
	case reqGetInterface:
		return "GET_INTERFACE"
	case reqSetInterface:
		return "SET_INTERFACE"
	case reqSynchFrame:
		return "SYNCH_FRAME"
	case 48:
		return "SET_SEL"
	case 49:
		return "SET_ISOCH_DELAY"
	}
	return ""
}

// usbDescriptorName names a descriptor type: standard ones, and the HID
// and hub class descriptors people ask for with GET_DESCRIPTOR.
func usbDescriptorName(t uint8) string {
	switch t {
	case 1:
		return "DEVICE"
	case descConfiguration:
		return "CONFIGURATION"
	case 3:
		return "STRING"
	case descInterface:
		return "INTERFACE"
	case descEndpoint:
		return "ENDPOINT"
	case 6:
		return "DEVICE_QUALIFIER"
	case descOtherSpeed:
		return "OTHER_SPEED_CONFIGURATION"
	case 8:
		return "INTERFACE_POWER"
	case 9:
		return "OTG"
	case 10:
		return "DEBUG"
	case 11:
		return "INTERFACE_ASSOCIATION"
	case 15:
		return "BOS"
	case 16:
		return "DEVICE_CAPABILITY"
	case 0x21:
		return "HID"
	case 0x22:
		return "REPORT"
	case 0x23:
		return "PHYSICAL"
	case 0x29:
		return "HUB"
	case 0x2a:
		return "SUPERSPEED_HUB"
	case 0x30:
		return "SUPERSPEED_ENDPOINT_COMPANION"
	}
	return ""
}

// hidRequest names a HID class request (HID 1.11, 7.2).
func hidRequest(r uint8) string {
	switch r {
	case 1:
		return "GET_REPORT"
	case 2:
		return "GET_IDLE"
	case 3:
		return "GET_PROTOCOL"
	case 9:
		return "SET_REPORT"
	case 10:
		return "SET_IDLE"
	case 11:
		return "SET_PROTOCOL"
	}
	return ""
}

// hubRequest names a hub class request by its bmRequestType and bRequest
// (USB 2.0 table 11-15); the recipient tells hub from port requests.
func hubRequest(s *Setup) string {
	switch uint16(s.RequestType)<<8 | uint16(s.Request) {
	case 0x2001:
		return "CLEAR_HUB_FEATURE"
	case 0x2301:
		return "CLEAR_PORT_FEATURE"
	case 0x2308:
		return "CLEAR_TT_BUFFER"
	case 0xa006:
		return "GET_HUB_DESCRIPTOR"
	case 0xa000:
		return "GET_HUB_STATUS"
	case 0xa300:
		return "GET_PORT_STATUS"
	case 0x2309:
		return "RESET_TT"
	case 0x2007:
		return "SET_HUB_DESCRIPTOR"
	case 0x2003:
		return "SET_HUB_FEATURE"
	case 0x2303:
		return "SET_PORT_FEATURE"
	case 0xa30a:
		return "GET_TT_STATE"
	case 0x230b:
		return "STOP_TT"
	}
	return ""
}

// bomsRequest names a mass storage bulk-only class request.
func bomsRequest(r uint8) string {
	switch r {
	case 0xff:
		return "BULK_ONLY_RESET"
	case 0xfe:
		return "GET_MAX_LUN"
	}
	return ""
}

func usbClassName(c uint16) string {
	switch c {
	case 0x00:
		return "Device"
	case 0x01:
		return "Audio"
	case 0x02:
		return "Communications"
	case classHID:
		return "HID"
	case 0x05:
		return "Physical"
	case 0x06:
		return "Imaging"
	case 0x07:
		return "Printer"
	case classMassStorage:
		return "Mass Storage"
	case classHub:
		return "Hub"
	case 0x0a:
		return "CDC-Data"
	case 0x0b:
		return "Smart Card"
	case 0x0e:
		return "Video"
	case 0xe0:
		return "Wireless Controller"
	case 0xef:
		return "Miscellaneous"
	case 0xfe:
		return "Application Specific"
	case 0xff:
		return "Vendor Specific"
	case USBClassUnknown:
		return "unknown"
	}
	return "class?"
}

// usbStatusName names a usbmon URB status (a negative Linux errno) and
// says what it means for a USB transfer (driver-api/usb/error-codes.rst).
func usbStatusName(s int32) (name, meaning string) {
	switch s {
	case 0:
		return "OK", "success"
	case -1:
		return "EPERM", "operation not permitted"
	case -2:
		return "ENOENT", "unlinked synchronously"
	case -5:
		return "EIO", "I/O error"
	case -12:
		return "ENOMEM", "out of memory"
	case -16:
		return "EBUSY", "busy"
	case -18:
		return "EXDEV", "isochronous transfer partially completed"
	case -19:
		return "ENODEV", "device removed"
	case -22:
		return "EINVAL", "invalid argument"
	case -27:
		return "EFBIG", "too many isochronous frames"
	case -32:
		return "EPIPE", "stall"
	case -61:
		return "ENODATA", "no data"
	case -62:
		return "ETIME", "no response in time"
	case -63:
		return "ENOSR", "buffer underrun"
	case -70:
		return "ECOMM", "buffer overrun"
	case -71:
		return "EPROTO", "protocol error (bitstuff or no response)"
	case -75:
		return "EOVERFLOW", "babble: device sent more than expected"
	case -84:
		return "EILSEQ", "CRC mismatch"
	case -104:
		return "ECONNRESET", "unlinked asynchronously"
	case -108:
		return "ESHUTDOWN", "host controller shut down"
	case -110:
		return "ETIMEDOUT", "timed out"
	case -115:
		return "EINPROGRESS", "in progress"
	case -121:
		return "EREMOTEIO", "short packet"
	}
	return "", ""
}

// usbdStatusName names the USBPcap USBD_STATUS values a capture is likely
// to hold.
func usbdStatusName(s uint32) string {
	switch s {
	case 0x00000000:
		return "USBD_STATUS_SUCCESS"
	case 0x40000000:
		return "USBD_STATUS_PENDING"
	case 0x80000300:
		return "USBD_STATUS_INVALID_PARAMETER"
	case 0xc0000004:
		return "USBD_STATUS_STALL_PID"
	case 0xc0000005:
		return "USBD_STATUS_DEV_NOT_RESPONDING"
	case 0xc0000011:
		return "USBD_STATUS_XACT_ERROR"
	case 0xc0000012:
		return "USBD_STATUS_BABBLE_DETECTED"
	case 0xc0000030:
		return "USBD_STATUS_ENDPOINT_HALTED"
	case 0xc0006000:
		return "USBD_STATUS_TIMEOUT"
	case 0xc0007000:
		return "USBD_STATUS_DEVICE_GONE"
	case 0xc0010000:
		return "USBD_STATUS_CANCELED"
	}
	return ""
}

// urbFunctionNames are the URB_FUNCTION_* codes USBPcap records carry.
var urbFunctionNames = [...]string{
	"SELECT_CONFIGURATION", "SELECT_INTERFACE", "ABORT_PIPE",
	"TAKE_FRAME_LENGTH_CONTROL", "RELEASE_FRAME_LENGTH_CONTROL",
	"GET_FRAME_LENGTH", "SET_FRAME_LENGTH", "GET_CURRENT_FRAME_NUMBER",
	"CONTROL_TRANSFER", "BULK_OR_INTERRUPT_TRANSFER", "ISOCH_TRANSFER",
	"GET_DESCRIPTOR_FROM_DEVICE", "SET_DESCRIPTOR_TO_DEVICE",
	"SET_FEATURE_TO_DEVICE", "SET_FEATURE_TO_INTERFACE",
	"SET_FEATURE_TO_ENDPOINT", "CLEAR_FEATURE_TO_DEVICE",
	"CLEAR_FEATURE_TO_INTERFACE", "CLEAR_FEATURE_TO_ENDPOINT",
	"GET_STATUS_FROM_DEVICE", "GET_STATUS_FROM_INTERFACE",
	"GET_STATUS_FROM_ENDPOINT", "RESERVED_0X0016", "VENDOR_DEVICE",
	"VENDOR_INTERFACE", "VENDOR_ENDPOINT", "CLASS_DEVICE", "CLASS_INTERFACE",
	"CLASS_ENDPOINT", "RESERVE_0X001D", "SYNC_RESET_PIPE_AND_CLEAR_STALL",
	"CLASS_OTHER", "VENDOR_OTHER", "GET_STATUS_FROM_OTHER",
	"CLEAR_FEATURE_TO_OTHER", "SET_FEATURE_TO_OTHER",
	"GET_DESCRIPTOR_FROM_ENDPOINT", "SET_DESCRIPTOR_TO_ENDPOINT",
	"GET_CONFIGURATION", "GET_INTERFACE", "GET_DESCRIPTOR_FROM_INTERFACE",
	"SET_DESCRIPTOR_TO_INTERFACE", "GET_MS_FEATURE_DESCRIPTOR",
	"RESERVE_0X002B", "RESERVE_0X002C", "RESERVE_0X002D", "RESERVE_0X002E",
	"RESERVE_0X002F", "SYNC_RESET_PIPE", "SYNC_CLEAR_STALL",
	"CONTROL_TRANSFER_EX",
}

func urbFunctionName(f uint16) string {
	if int(f) < len(urbFunctionNames) {
		return urbFunctionNames[f]
	}
	return ""
}

func usbControlStageName(s uint8) string {
	switch s {
	case stageSetup:
		return "Setup"
	case stageData:
		return "Data"
	case 2:
		return "Status"
	case 3:
		return "Complete"
	}
	return "stage?"
}

// appendUSBRequest appends a name for the setup packet's request: the
// standard name (with the descriptor type of a GET_DESCRIPTOR), or a class
// request named for the class it goes to. When no earlier frame told the
// class, the request's shape decides: class requests to an interface are
// read as HID or mass storage, to a device or port as hub requests.
func appendUSBRequest(dst []byte, u *USB) []byte {
	s := &u.Setup
	switch s.Type() {
	case 0:
		if n := usbStandardRequest(s.Request); n != "" {
			dst = append(dst, n...)
			if s.Request == reqGetDescriptor {
				if d := usbDescriptorName(uint8(s.Value >> 8)); d != "" {
					dst = append(dst, ' ')
					dst = append(dst, d...)
				}
			}
			return dst
		}
	case 1:
		if prefix, n := classRequestName(u); n != "" {
			dst = append(dst, prefix...)
			dst = append(dst, ' ')
			return append(dst, n...)
		}
		dst = append(dst, "CLASS "...)
	case 2:
		dst = append(dst, "VENDOR "...)
	}
	return appendHex(dst, uint64(s.Request), 2)
}

func classRequestName(u *USB) (prefix, name string) {
	s := &u.Setup
	class := u.Class
	if class == USBClassUnknown && s.Recipient() == 1 {
		if hidRequest(s.Request) != "" {
			class = classHID
		} else {
			class = classMassStorage
		}
	}
	switch class {
	case classHID:
		return "HID", hidRequest(s.Request)
	case classMassStorage:
		return "BOMS", bomsRequest(s.Request)
	case classHub, USBClassUnknown:
		return "HUB", hubRequest(s)
	}
	return "", ""
}
