# Gnutella - peer-to-peer file sharing (Gnutella protocol 0.6, TCP)
# Pattern attributes: good fast
# Protocol groups: p2p
# Wiki: https://en.wikipedia.org/wiki/Gnutella
# Written for l7sniff from the Gnutella 0.6 specification (RFC-Gnutella
# 0.6 draft, section 2.2 "Connection establishment" and 3 "File
# transfer"): a servent opens a connection with "GNUTELLA CONNECT/0.6"
# and is answered "GNUTELLA/0.6 200 OK" (or another status); a push
# (firewalled upload) starts with "GIV <index>:<32 hex servent GUID>/";
# downloads by hash use an HTTP request for /uri-res/N2R?urn:sha1:...
# (the HUGE extension). Gnutella over UDP (descriptors whose length field
# must equal the datagram's) is a structural classifier in the engine.
# l7sniff-priority: -1

gnutella
^(gnutella connect/[0-9]\.[0-9]|gnutella/[0-9]\.[0-9] [1-5][0-9][0-9]|giv [0-9]+:[0-9a-f]+/|get /uri-res/n2r\?urn:)
