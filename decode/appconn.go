package decode

// AppConn is one flow's state for the application dissectors that need
// more than the packet in hand: TLS (which version the ServerHello chose
// decides how later records read) and QUIC (connection IDs, Initial keys
// derived from the client's first DCID, the CRYPTO stream). A caller that
// decodes a flow's packets in order keeps one per flow and passes it in
// Stream.Conn. Its parts are allocated when a flow first needs them, so a
// flow of another protocol costs two nil pointers.
type AppConn struct {
	tls  *TLSConn
	quic *QUICConn
	// layer is the stateful dissector that claimed the flow: its later
	// packets go to it even when they do not look like its first ones
	// (a QUIC short header, TLS after a STARTTLS hand-over), as tshark
	// keeps a conversation's dissector.
	layer Layer
	// earlier is set once a packet with application bytes was decoded
	// with c; notTLS once the flow was refused as TLS (see dissectTLS).
	earlier, notTLS bool
}

func (c *AppConn) sawPayload() { c.earlier = true }

// tlsConn returns the flow's TLS state, or the packet's scratch (reset)
// when the caller keeps no per-flow state.
func (p *Packet) tlsConn() *TLSConn {
	if c := p.App.conn; c != nil {
		if c.tls == nil {
			c.tls = new(TLSConn)
		}
		return c.tls
	}
	p.App.tlsScratch.Reset()
	return &p.App.tlsScratch
}

// quicConn is tlsConn for QUIC.
func (p *Packet) quicConn() *QUICConn {
	if c := p.App.conn; c != nil {
		if c.quic == nil {
			c.quic = new(QUICConn)
		}
		return c.quic
	}
	p.App.quicScratch.reset()
	return &p.App.quicScratch
}

// Used reports whether decoding put state in c (a dissector's, or that
// the flow has carried application bytes): a caller holding a spare
// AppConn for flows it has not seen keeps it for the flow then.
func (c *AppConn) Used() bool { return c.layer != LayerNone || c.earlier }

// Reset forgets the flow c was used for, keeping the buffers its TLS and
// QUIC state hold, so that a caller can reuse it for another flow.
func (c *AppConn) Reset() {
	if c.tls != nil {
		c.tls.Reset()
	}
	if c.quic != nil {
		c.quic.reset()
	}
	c.layer, c.earlier, c.notTLS = LayerNone, false, false
}
