package decode

import "time"

// Packet is one decoded frame. It is a plain value meant to be reused: Decode
// overwrites every field, and nothing in it points outside Data (but
// App.Data, which may hold a message reassembled from earlier segments), so
// decoding allocates nothing. Each header records Off, its byte offset in Data, so
// the field tree can point at the bytes a field came from.
type Packet struct {
	// Number is the frame's 1-based position in its capture and Time its
	// capture time. Decode does not know them: the reader sets them.
	Number int
	Time   time.Time
	// LinkType is the capture's link-layer header type (pcap LINKTYPE_*).
	LinkType LinkType
	// Data is the captured bytes. It aliases the caller's buffer.
	Data []byte
	// WireLen is the frame's original length; WireLen > len(Data) means the
	// capture was truncated by the snap length.
	WireLen int
	// FileLen is the original length as the capture file records it. A
	// file may record less than it captured (tcpdump reads such records);
	// Decode then takes len(Data) as WireLen, and the field tree says so.
	FileLen int
	// Problem is the first malformation found, with the layer where decoding
	// stopped; its zero value means the frame decoded cleanly.
	Problem Problem

	// Headers are the innermost level's headers: the frame's own when it
	// carries no tunnel, else those of the packet the tunnels carry, so
	// the flow, the summary and the classifier see the inner conversation.
	Headers
	// Encap holds the outer levels, outermost first; NumEncap are valid.
	// Each ends with the tunnel header (GRE, VXLAN, ...) that carried the
	// next level. Fields list their occurrences in this order, outer
	// first, then Headers, as tshark does.
	Encap    [MaxEncap]Headers
	NumEncap int
	// USB is the frame's USB header (link types 189, 220, 249).
	USB USB

	// Quoted is set when TCP/UDP (and Inner) were decoded from the packet an
	// ICMP error quotes rather than from the frame's own transport; such
	// headers describe someone else's flow, so they never form the flow key.
	Quoted bool
	// Inner is the IP header an ICMP error quotes, if any.
	Inner InnerIP

	// Payload is the application data: what follows TCP, UDP or ICMP, or
	// a USB transfer's data bytes. It is what the classifier sees.
	Payload Range
	// Flow identifies the bidirectional flow the frame belongs to.
	Flow FlowKey
	// FromA tells the direction: true when the frame's source is the flow
	// key's endpoint A.
	FromA bool

	// App is the application message(s) the payload carries (app.go).
	App App
	// quotedPayload is the part of a UDP datagram an ICMP error quotes,
	// which tshark dissects too (a DNS response that found no one).
	quotedPayload Range
}

// Range is a span of bytes in Packet.Data.
type Range struct {
	Off, Len int
}

// End is the offset one past the range.
func (r Range) End() int { return r.Off + r.Len }

// Contains reports whether offset i lies in the range.
func (r Range) Contains(i int) bool { return i >= r.Off && i < r.Off+r.Len }

// PayloadBytes returns the captured application data.
func (p *Packet) PayloadBytes() []byte {
	return p.Data[p.Payload.Off:p.Payload.End()]
}

// Headers are the headers of one level of encapsulation. Layers records
// which of them were decoded.
type Headers struct {
	Layers  LayerSet
	Eth     Ethernet
	VLAN    [MaxVLAN]VLAN // outermost first; NumVLAN are valid
	NumVLAN int
	MPLS    MPLS
	SLL     SLL
	Null    Loopback
	PPPoE   PPPoE
	PPP     PPP
	CHDLC   CHDLC
	SLARP   SLARP
	ARP     ARP
	IPv4    IPv4
	IPv6    IPv6
	Ext     [MaxExt]IPv6Ext // first IPv6 extension headers; NumExt are valid
	NumExt  int
	AH      AH
	ESP     ESP
	TCP     TCP
	UDP     UDP
	ICMP    ICMP
	GRE     GRE
	ERSPAN  ERSPAN
	VXLAN   VXLAN
	Geneve  Geneve
	GTP     GTP
}

// Has reports whether layer l was decoded at this level.
func (h *Headers) Has(l Layer) bool { return h.Layers.Has(l) }
