# Redis - REdis Serialization Protocol (RESP2/RESP3)
# Pattern attributes: good fast
# Protocol groups: database open_source
# Wiki: https://en.wikipedia.org/wiki/Redis
# Written for l7sniff from the Redis protocol specification ("RESP"): a
# client sends each command as an array of bulk strings,
# "*<count>\r\n$<length>\r\n<command>\r\n...". The client speaks first
# (PING, AUTH, HELLO, SELECT, CLIENT...). Inline commands ("PING\r\n")
# are too plain to tell from other text protocols and are left out.

redis
^\*[1-9][0-9]*\x0d\x0a\$[1-9][0-9]*\x0d\x0a[a-z]+\x0d\x0a
