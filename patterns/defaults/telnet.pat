# Telnet - RFC 854, RFC 855
# Pattern attributes: good fast
# Protocol groups: remote_access ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/Telnet
# Written for l7sniff from RFC 854 ("Telnet command structure") and RFC
# 855 (option negotiation): both sides open by negotiating options with
# IAC (255) followed by WILL, WONT, DO or DONT (251-254) and an option
# code, or a subnegotiation IAC SB (250). Two commands in a row are
# required: one 0xFF byte is too common. Option 0 (BINARY) is a NUL byte,
# stripped before matching, hence the optional option byte.

telnet
^\xff[\xfb-\xfe].?\xff[\xfa-\xfe]
