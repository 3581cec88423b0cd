# IMAP - Internet Message Access Protocol - RFC 9051, RFC 3501
# Pattern attributes: good fast
# Protocol groups: mail ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Internet_Message_Access_Protocol
# Written for l7sniff from RFC 9051 section 7.1 (greeting): the server
# opens with an untagged "* OK", "* PREAUTH" or "* BYE" response, often
# with a [CAPABILITY ...] response code.

imap
^\* (ok|preauth|bye)[ \x0d\x0a[]
