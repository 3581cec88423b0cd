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

rdp
^\x03.?.?.\xe0.?.?.?(cookie: mstshash=|[\x01-\x03]?\x08.?[\x01-\x0f]?$|$)
