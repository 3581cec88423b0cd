# USB mass storage - Bulk-Only Transport - USB MSC BBB 1.0
# Pattern attributes: good fast
# Protocol groups: usb open_standard
# Wiki: https://en.wikipedia.org/wiki/USB_mass_storage_device_class
# Written for l7sniff from "Universal Serial Bus Mass Storage Class
# Bulk-Only Transport" revision 1.0, sections 5.1 and 5.2: every command
# is a 31-byte Command Block Wrapper whose dCBWSignature is 0x43425355,
# "USBC" in little-endian byte order; every status is a 13-byte Command
# Status Wrapper with dCSWSignature 0x53425355, "USBS". The pattern takes
# the first transfer whole (NUL bytes are stripped, so it may be shorter)
# and is case-sensitive.

usb-storage
^USB(C.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?|S.?.?.?.?.?.?.?.?.?)$
userspace flags=REG_EXTENDED REG_NOSUB
