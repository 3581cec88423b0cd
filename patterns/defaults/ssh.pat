# SSH - Secure Shell - RFC 4253
# Pattern attributes: great fast
# Protocol groups: remote_access secure ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Secure_Shell
# Written for l7sniff from RFC 4253 section 4.2: both sides open with
# "SSH-protoversion-softwareversion", protoversion "2.0" (or "1.99" for a
# server that also speaks SSH-1, "1.5" for SSH-1 itself).

ssh
^SSH-(2\.0|1\.99|1\.[0-9])-
userspace flags=REG_EXTENDED REG_NOSUB
