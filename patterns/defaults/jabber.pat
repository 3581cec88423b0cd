# XMPP (Jabber) - Extensible Messaging and Presence Protocol - RFC 6120
# Pattern attributes: good fast
# Protocol groups: chat ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/XMPP
# Written for l7sniff from RFC 6120 section 4.7 (stream header): the
# initiating entity opens with an optional XML declaration and a
# <stream:stream> element whose default namespace is jabber:client or
# jabber:server (XEP-0114 components use jabber:component:accept). A
# capture that starts in the middle of a connection may show only its end:
# the closing tag </stream:stream> (section 4.4), or only stanzas: the
# three top-level elements of RFC 6120 section 8, <iq>, <presence> and
# <message>, with one of their common attributes (type, to, from, id).

jabber
^((<\?xml[^>]*>[\x09-\x0d ]*)?<stream:stream[\x09-\x0d ][^>]*xmlns=['"]jabber:(client|server|component)|</stream:stream>|<(iq|presence|message)[\x09-\x0d ][^>]*(type|to|from|id)=['"][^>]*>)
