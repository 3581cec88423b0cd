# SSL and TLS - Transport Layer Security - RFC 8446, RFC 5246, RFC 6101
# Pattern attributes: good fast
# Protocol groups: secure ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Transport_Layer_Security
# Written for l7sniff from RFC 8446 section 5.1 (TLSPlaintext: type 22 =
# handshake, legacy_record_version 0x0301..0x0304, 16-bit length) and
# section 4 (Handshake: msg_type 1 = client_hello, 2 = server_hello, 24-bit
# length, then legacy_version 0x0303 or older), and from the SSL 2.0
# CLIENT-HELLO (2-byte record header with the high bit set, msg type 1,
# version 0x0002 or 0x03xx) that old clients send for compatibility.
#
# A capture that starts in the middle of a connection shows no handshake
# but TLS records all the same (RFC 8446 section 5.1, RFC 5246 section
# 6.2.1): content type 20 (change_cipher_spec), 21 (alert), 22
# (handshake) or 23 (application_data), then the record version 0x0301,
# 0x0302 or 0x0303, then a 16-bit length of at most 2^14 + 2048, whose
# high byte is therefore at most 0x48.
#
# NUL bytes are stripped from the payload before matching, so every field
# that may be zero (SSL 3.0's minor version, length bytes) is optional.

ssl
^(\x16\x03[\x01-\x04]?.?.?[\x01\x02].?.?.?\x03[\x01-\x04]?|[\x80-\xff].?\x01[\x02\x03]|[\x14-\x17]\x03[\x01-\x03][\x01-\x48]?.)
