# PostgreSQL - frontend/backend protocol version 3
# Pattern attributes: good fast
# Protocol groups: database open_source
# Wiki: https://en.wikipedia.org/wiki/PostgreSQL
# Written for l7sniff from the PostgreSQL documentation, "Frontend/Backend
# Protocol", "Message Formats": the client speaks first with
# - a StartupMessage: Int32 length, Int32 protocol 196608 (3.0; 3.2 is
#   196610), then NUL-terminated parameter names and values ("user" is
#   required, "database", "options", "replication"... may come first);
# - or an SSLRequest (length 8, code 80877103 = 0x04d2162f), a
#   GSSENCRequest (80877104) or a CancelRequest (length 16, 80877102).
# NUL bytes are stripped before matching: the length's high bytes, the
# protocol's zero bytes and the strings' terminators vanish.

postgres
^(.?.?.?.?\x03[\x01-\x09]?(user|database|options|application_name|client_encoding|replication)|\x08\x04\xd2\x16[\x2f\x30]|\x10\x04\xd2\x16\.)
