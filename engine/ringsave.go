package engine

import (
	"l7sniff/decode"
	"l7sniff/engine/capture"
)

// WriteView writes the packets passing the view filter to a new pcap
// file at path (mode 0600) and returns how many it wrote. A pcap file
// has one link type: packets of another (a pcapng source can mix them)
// are left out and counted in otherLinks. snaplen 0 means the default.
func (r *Ring) WriteView(path string, link decode.LinkType, snaplen int) (written, otherLinks int, err error) {
	w, err := capture.CreatePcap(path, 0o600, link, snaplen, true)
	if err != nil {
		return 0, 0, err
	}
	for _, seq := range r.ViewSeqs() {
		v, ok := r.Get(seq)
		switch {
		case !ok:
			continue
		case v.Link != link:
			otherLinks++
			continue
		}
		if err := w.WritePacket(v.Time.UnixNano(), v.Data, v.WireLen); err != nil {
			w.Close()
			return written, otherLinks, err
		}
		written++
	}
	return written, otherLinks, w.Close()
}
