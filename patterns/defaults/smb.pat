# SMB - Server Message Block / CIFS - [MS-SMB], [MS-SMB2], RFC 1001/1002
# Pattern attributes: good fast
# Protocol groups: file_transfer proprietary
# Wiki: https://en.wikipedia.org/wiki/Server_Message_Block
# Written for l7sniff from [MS-SMB2] section 2.1 and [MS-SMB] section 2.1:
# over TCP every message has a 4-byte session header (type 0, 24-bit
# length; RFC 1002 section 4.3.1 on port 139, "direct TCP" on 445), then
# the protocol id: 0xFF "SMB" (SMB1), 0xFE "SMB" (SMB2/3) or 0xFD "SMB"
# (SMB3 transform header). On port 139 the client first sends a NetBIOS
# Session Request (type 0x81, two encoded 32-letter names) and the server
# answers 0x82. SMB1 browser announcements also travel in NetBIOS
# datagrams (RFC 1002 section 4.4, types 0x10-0x12) to UDP 138; their
# SMB is a Transaction request (command 0x25). NUL bytes are stripped, so
# zero header bytes vanish.

smb
^((\x81.?.?.?(\x20[a-p]{32}){2}\x82)?.?.?.?[\xfd-\xff]smb|[\x10-\x12].*\xffsmb\x25)
