# FTP - File Transfer Protocol (control connection) - RFC 959
# Pattern attributes: good fast
# Protocol groups: file_transfer ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/File_Transfer_Protocol
# Written for l7sniff from RFC 959 sections 4.2 and 5.4: the server greets
# with "220" ("220-" for a multi-line greeting); the client then logs in
# with USER, or first asks for TLS (AUTH, RFC 4217) or features (FEAT, RFC
# 2389). A greeting that names FTP decides at once; otherwise the
# client's first command tells FTP from SMTP, which also greets with 220.
# The data connections carry raw file content and match nothing.

ftp
^220[ -]([ -~]*ftp|[\x09-\x0d -~]*\x0a(user|auth|feat|syst|opts|pbsz) )
