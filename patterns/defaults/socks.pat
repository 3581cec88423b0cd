# SOCKS - SOCKS4 and SOCKS5 proxy protocols - RFC 1928, RFC 1929, SOCKS 4
# Pattern attributes: good fast
# Protocol groups: proxy ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/SOCKS
# Written for l7sniff from RFC 1928 (SOCKS5), RFC 1929 (username/password
# authentication) and "SOCKS: A protocol for TCP proxies across firewalls"
# (SOCKS4, Ying-Da Lee):
# - SOCKS5: the client greets with version 5, the number of methods (1-9
#   here) and the methods; the server answers version 5 and the chosen
#   method (0 none, 1 GSSAPI, 2 password, 0xFF none acceptable); after an
#   optional RFC 1929 sub-negotiation (version 1) the client requests
#   version 5, command 1-3 (CONNECT, BIND, UDP ASSOCIATE), a reserved zero
#   and the address type 1 (IPv4), 3 (domain name) or 4 (IPv6). The
#   greeting alone is too short to trust, so the pattern waits for the
#   request.
# - SOCKS4: version 4, command 1 or 2, port and IPv4 address (6 bytes), a
#   NUL-terminated user id; the reply is version 0 and a status of 90-93
#   (0x5A-0x5D: 'Z', '[', '\', ']').
# NUL bytes are stripped before matching, so zero fields vanish.

socks
^(\x05[\x01-\x09][\x01-\xfe]?[\x01-\xfe]?[\x01-\xfe]?\x05[\x01\x02\xff]?(\x01.*)?\x05[\x01-\x03][\x01\x03\x04]|\x04[\x01\x02].?.?.?.?.?.?[ -~]*[]Z[\])
