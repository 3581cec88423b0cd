# POP3 - Post Office Protocol version 3 - RFC 1939
# Pattern attributes: good fast
# Protocol groups: mail ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/Post_Office_Protocol
# Written for l7sniff from RFC 1939 section 4: the server greets with a
# positive response, "+OK" followed by text (and maybe an APOP timestamp),
# ended by CRLF. A server that refuses the connection answers "-ERR".

pop3
^(\+ok|-err)( [\x09-\x0d -~]*)?\x0d?\x0a
