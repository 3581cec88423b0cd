# DNS - Domain Name System - RFC 1035 (also mDNS RFC 6762, LLMNR RFC 4795)
# Pattern attributes: good fast
# Protocol groups: networking ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/Domain_Name_System
# Written for l7sniff from RFC 1035 section 4.1: a 12-byte header (ID,
# flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT), then the question name as
# length-prefixed labels ending in a zero byte, then QTYPE and QCLASS
# (1 = IN, 255 = ANY; mDNS sets the top bit for unicast responses).
#
# NUL bytes are stripped before matching, so the header shrinks to its
# non-zero bytes: at most 4 of ID and flags (6 over TCP, with the length
# prefix), QDCOUNT's 1, then the small non-zero bytes of the other counts.
# The zero bytes of the name's end, QTYPE and QCLASS vanish too. A first
# label of exactly 32 bytes is not accepted: that is NetBIOS name
# service's encoded name (RFC 1002), which shares DNS's header.
# This is the loosest default, so it yields when another matches too.
# l7sniff-priority: 1

dns
^.?.?.?.?.?.?\x01[\x01-\x10]?[\x01-\x10]?[\x01-\x10]?([\x01-\x1f!-?][-_0-9a-z]+)+[\x01-?\xfa-\xff]?\x80?[\x01\xff]
