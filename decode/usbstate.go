package decode

// USBState carries what earlier frames of a capture said about its USB
// devices into the decoding of later ones, the way Wireshark's USB
// conversations do:
//
//   - tshark hands a class request to the driver of the interface (or
//     endpoint) it addresses, and learns each interface's class from the
//     GET_DESCRIPTOR CONFIGURATION responses earlier in the capture (and
//     SET_INTERFACE). A HID SET_IDLE is shown as usbhid fields, and loses
//     its usb.setup.* fields, only after the HID interface was described.
//   - USBPcap before 1.5.0.0 split a control OUT into a setup frame and a
//     data frame; tshark shows the setup packet again in the data frame.
//
// Decode sees one frame and cannot know either; a reader that wants
// tshark's view of a whole capture calls Track after Decode for every frame,
// in capture order. The zero value is ready to use. A USBState is not safe
// for concurrent use: keep one per capture (or per flow shard, since all
// frames of a device share its bus/device flow key prefix).
type USBState struct {
	ifaces  map[usbIface]uint8 // class of each interface's current setting
	alts    map[usbAlt]uint8   // class of every alternate setting seen
	eps     map[usbEndpoint]uint8
	pending map[usbTransfer]Setup // GET_DESCRIPTOR CONFIGURATION awaiting its response
	saved   map[uint64]Setup      // USBPcap setup stages, by IRP id, awaiting their data stage
}

type usbDevice struct{ bus, dev uint16 }

type usbIface struct {
	usbDevice
	num uint8
}

type usbAlt struct {
	usbIface
	alt uint8
}

type usbEndpoint struct {
	usbDevice
	ep uint8 // endpoint number; the value is the interface number owning it
}

type usbTransfer struct {
	usbDevice
	ep uint8
	id uint64 // URB id (usbmon) or IRP id (USBPcap)
}

// maxPending bounds the maps keyed by URB/IRP id: ids are kernel pointers
// that get reused, so a long capture would otherwise grow them forever.
const maxPending = 4096

// Track updates p.USB with what earlier frames told (the class a request
// goes to, a setup packet sent in an earlier frame) and learns from p for
// later frames. It does nothing for non-USB packets.
func (s *USBState) Track(p *Packet) {
	if !p.isUSB() {
		return
	}
	u := &p.USB
	if u.Transfer != USBControl {
		return
	}
	dev := usbDevice{u.Bus, u.Device}
	id := u.URBID
	if p.Has(LayerUSBPcap) {
		id = u.IRPID
		s.restoreSetup(u)
	}
	key := usbTransfer{dev, u.Endpoint & 0x7f, id}
	if u.Event != USBSubmit {
		// A USBPcap status stage carries nothing; tshark stops there.
		if st, ok := s.pending[key]; ok && !(u.HasStage && u.ControlStage == 2) {
			s.learnConfig(dev, p.Data[u.Data.Off:u.Data.End()], st.Length)
		}
		return
	}
	// Any new request reuses the id: a later response answers it, not an
	// older GET_DESCRIPTOR.
	delete(s.pending, key)
	if !u.HasSetup {
		return
	}
	st := &u.Setup
	if st.deferred {
		saved := *st
		saved.Off, saved.Saved, saved.deferred = 0, true, false
		remember(&s.saved, u.IRPID, saved)
		return
	}
	u.resolveSetup(s.classOf(dev, st))
	if !st.Standard() {
		return
	}
	switch st.Request {
	case reqGetDescriptor:
		if t := uint8(st.Value >> 8); t == descConfiguration || t == descOtherSpeed {
			remember(&s.pending, key, *st)
		}
	case reqSetInterface:
		iface := usbIface{dev, uint8(st.Index)}
		if class, ok := s.alts[usbAlt{iface, uint8(st.Value)}]; ok {
			s.ifaces[iface] = class
		}
	}
}

// restoreSetup gives an old USBPcap data stage the setup packet its setup
// stage frame carried.
func (s *USBState) restoreSetup(u *USB) {
	if u.HasSetup || !u.HasStage || u.ControlStage != stageData || u.Event != USBSubmit {
		return
	}
	if st, ok := s.saved[u.IRPID]; ok {
		u.HasSetup, u.Setup = true, st
	}
}

// remember stores a setup packet under an id, starting over when the map
// is full rather than growing without bound.
func remember[K comparable](m *map[K]Setup, k K, st Setup) {
	if *m == nil {
		*m = make(map[K]Setup)
	}
	if len(*m) >= maxPending {
		clear(*m)
	}
	(*m)[k] = st
}

// classOf is the class of the interface or endpoint a request addresses.
// Requests to the device (or a hub port) find no class: Wireshark forgets
// endpoint 0's class at every frame, so only the hub driver, registered
// for unknown classes too, gets to claim them.
func (s *USBState) classOf(dev usbDevice, st *Setup) uint16 {
	var iface usbIface
	switch st.Recipient() {
	case 1:
		iface = usbIface{dev, uint8(st.Index)}
	case 2:
		num, ok := s.eps[usbEndpoint{dev, uint8(st.Index & 0x0f)}]
		if !ok || st.Index&0x0f == 0 {
			return USBClassUnknown
		}
		iface = usbIface{dev, num}
	default:
		return USBClassUnknown
	}
	if class, ok := s.ifaces[iface]; ok {
		return uint16(class)
	}
	return USBClassUnknown
}

// learnConfig walks a configuration descriptor as packet-usb.c does,
// recording each interface's class and which interface owns each
// endpoint. It stops where tshark's dissection would: at a descriptor
// length that cannot be right, or at the end of the captured bytes.
func (s *USBState) learnConfig(dev usbDevice, d []byte, wLength uint16) {
	if len(d) < 9 {
		return
	}
	if s.ifaces == nil {
		s.ifaces = make(map[usbIface]uint8)
		s.alts = make(map[usbAlt]uint8)
		s.eps = make(map[usbEndpoint]uint8)
	}
	total := int(le.Uint16(d[2:]))
	truncated := int(wLength) < total // the host asked for less
	cur := -1                         // interface the next endpoints belong to
	for off := 9; total > off && off+1 < len(d); {
		n := int(d[off])
		if n < 3 || n > total-off || truncated && n > len(d)-off {
			return
		}
		switch d[off+1] {
		case descInterface:
			if off+8 > len(d) { // tshark reads through bInterfaceProtocol first
				return
			}
			iface := usbIface{dev, d[off+2]}
			alt, class := d[off+3], d[off+5]
			s.alts[usbAlt{iface, alt}] = class
			if alt == 0 {
				s.ifaces[iface] = class
			}
			cur = int(iface.num)
			off += max(n, 9)
		case descEndpoint:
			if off+3 > len(d) {
				return
			}
			if cur >= 0 {
				s.eps[usbEndpoint{dev, d[off+2] & 0x0f}] = uint8(cur)
			}
			off += max(n, 7)
		default:
			off += n
		}
	}
}
