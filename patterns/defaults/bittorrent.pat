# BitTorrent - peer wire protocol, DHT and tracker requests - BEP 3, BEP 5
# Pattern attributes: good fast
# Protocol groups: p2p open_source
# Wiki: https://en.wikipedia.org/wiki/BitTorrent
# Written for l7sniff from the BitTorrent Enhancement Proposals:
# - BEP 3: the peer handshake is the byte 19 and "BitTorrent protocol";
#   tracker requests are HTTP GETs of /announce or /scrape with an
#   info_hash parameter;
# - BEP 5: DHT messages are bencoded dictionaries whose sorted keys start
#   with "a" (query arguments) or "r" (response), each carrying a 20-byte
#   "id"; a response may start with the "ip" key (BEP 42);
# - BEP 14: local service discovery multicasts "BT-SEARCH * HTTP/1.1".
# Encrypted peer connections (MSE) look random and match nothing.
# A tracker request is also HTTP; the priority below reports the
# application rather than its transport.
# l7sniff-priority: -1

bittorrent
^(\x13bittorrent protocol|d1:[ar]d2:id20:|d2:ip[0-9]+:.*1:rd2:id20:|get /(announce|scrape)[^ ]*info_hash=|bt-search \* http/1\.1)
