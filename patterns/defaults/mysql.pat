# MySQL - MySQL / MariaDB client/server protocol
# Pattern attributes: good fast
# Protocol groups: database proprietary
# Wiki: https://en.wikipedia.org/wiki/MySQL
# Written for l7sniff from the MySQL client/server protocol documentation
# ("Protocol::HandshakeV10"): the server speaks first with a packet whose
# 3-byte length and 1-byte sequence id (0) are followed by protocol version
# 10 and the server version as a NUL-terminated string ("8.0.36",
# "5.5.5-10.11.6-MariaDB"). NUL bytes are stripped before matching, so the
# header's zero bytes vanish.

mysql
^.?.?\x0a[1-9][0-9]?\.[0-9][0-9]?\.[0-9]
