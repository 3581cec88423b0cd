# NTP - Network Time Protocol - RFC 5905 (NTPv4), RFC 1305 (NTPv3)
# Pattern attributes: good fast
# Protocol groups: time_synchronization ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Network_Time_Protocol
# Written for l7sniff from RFC 5905 section 7.3 (packet header format): 48
# bytes, the first holding LI (2 bits), VN (3 bits: 3 or 4) and Mode (3
# bits: 1 symmetric active ... 5 broadcast; LI 0, or 3 for an
# unsynchronised clock: the leap-second values 1 and 2 are left out as
# rare); the last 8 bytes are the
# transmit timestamp, whose seconds since 1900 start with a byte of 0xC0
# or more from 2002 to 2036. The pattern takes the first datagram whole:
# at most 68 bytes (48 plus an optional MAC; NUL bytes are stripped, so
# often fewer), ending within 8 bytes after a byte >= 0xC0. Control (mode
# 6) and private (mode 7) messages are not matched.
#
# The first byte alone is common in other binary protocols (a DNS query
# whose random ID starts with 0x22 has it), so the byte after it must be
# NTP's too: the stratum (1-16) or, from a client with stratum 0, the poll
# exponent (at most 17); an SNTP client request that leaves the whole
# header zero has nothing left after NUL stripping but its transmit
# timestamp (8 bytes at most). DNS, whose pattern is structural, wins when
# both match.
# l7sniff-priority: 2

ntp
^[\x19-\x1d\x21-\x25\xd9-\xdd\xe1-\xe5]([\x01-\x11].{0,60}[\xc0-\xff].?.?.?.?.?.?.?|.?.?.?.?.?.?.?.?)$
