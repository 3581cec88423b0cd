# VNC - Remote Framebuffer protocol - RFC 6143
# Pattern attributes: great fast
# Protocol groups: remote_access ietf_informational
# Wiki: https://en.wikipedia.org/wiki/Virtual_Network_Computing
# Written for l7sniff from RFC 6143 section 7.1.1 (ProtocolVersion): the
# server speaks first with exactly 12 bytes, "RFB xxx.yyy\n" (003.003,
# 003.007, 003.008; some servers send other minor versions).

vnc
^RFB [0-9][0-9][0-9]\.[0-9][0-9][0-9]\x0a
userspace flags=REG_EXTENDED REG_NOSUB
