# RDP - Remote Desktop Protocol - [MS-RDPBCGR], ITU-T X.224, RFC 1006
# Pattern attributes: good fast
# Protocol groups: remote_access proprietary
# Wiki: https://en.wikipedia.org/wiki/Remote_Desktop_Protocol
# Written for l7sniff from [MS-RDPBCGR] section 2.2.1.1 (Client X.224
# Connection Request PDU): a TPKT header (version 3, reserved 0, 16-bit
# length; RFC 1006), an X.224 Connection Request TPDU (length indicator,
# code 0xE0, dst-ref 0, src-ref, class 0), then optionally a
# "Cookie: mstshash=" line or a routing token, then optionally an
# RDP_NEG_REQ (type 1, flags, length 8, requested protocols). NUL bytes
# are stripped, so zero fields vanish and the request may end right after
# the TPDU header.
# RDP's UDP transport ([MS-RDPEUDP] sections 2.2.2.1 and 3.1.5.1.1) opens
# with a SYN datagram: an RDPUDP_FEC_HEADER whose snSourceAck is -1
# (0xFFFFFFFF), the receive window and flags (2 bytes each), then
# RDPUDP_SYNDATA_PAYLOAD: the initial sequence number (4 bytes) and the
# upstream and downstream MTUs, each 1132 to 1232 (0x046C-0x04D0).

rdp
^(\x03.?.?.\xe0.?.?.?(cookie: mstshash=|[\x01-\x03]?\x08.?[\x01-\x0f]?$|$)|\xff\xff\xff\xff.?.?.?.?.?.?.?.?\x04[\x6c-\xd0]\x04[\x6c-\xd0])
