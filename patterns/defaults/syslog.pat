# Syslog - system log messages over UDP/TCP - RFC 5424, RFC 3164
# Pattern attributes: good fast
# Protocol groups: networking ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Syslog
# Written for l7sniff from RFC 5424 section 6 (and the BSD format RFC 3164
# section 4.1 describes): a message opens with its PRI, "<" facility*8 +
# severity ">" (0 to 191, no leading zeros), then the version "1 " (RFC
# 5424), a BSD timestamp "Mmm dd" or a host name. Some senders put a space
# after PRI; the pattern takes one. The byte after is a digit or a letter.

syslog
^<([0-9]|[1-9][0-9]|1[0-8][0-9]|19[01])> ?[0-9a-z]
