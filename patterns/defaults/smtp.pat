# SMTP - Simple Mail Transfer Protocol - RFC 5321
# Pattern attributes: good fast
# Protocol groups: mail ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/Simple_Mail_Transfer_Protocol
# Written for l7sniff from RFC 5321 sections 3.1 and 4.2: the server
# greets with "220" (on a line of its own, "220-" for a multi-line one);
# the client answers EHLO or HELO. A greeting that names (E)SMTP decides at
# once; otherwise the client's answer tells SMTP from FTP, which also
# greets with 220.

smtp
^220[ -]([ -~]*smtp|[\x09-\x0d -~]*\x0a(ehlo|helo) )
