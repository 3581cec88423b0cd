# MQTT - Message Queuing Telemetry Transport - OASIS MQTT 3.1.1 and 5.0
# Pattern attributes: good fast
# Protocol groups: networking open_standard
# Wiki: https://en.wikipedia.org/wiki/MQTT
# Written for l7sniff from MQTT 3.1.1 section 3.1 (CONNECT): fixed header
# byte 0x10, the remaining length as a 1-4 byte varint (high bit =
# continuation), then the protocol name as a length-prefixed string "MQTT"
# and the protocol level 4 (5 for MQTT 5.0), or "MQIsdp" with level 3
# (MQTT 3.1). NUL bytes are stripped, so the name's zero length byte
# vanishes.

mqtt
^\x10[\x80-\xff]?[\x80-\xff]?[\x80-\xff]?[\x01-\x7f](\x04mqtt[\x04\x05]|\x06mqisdp\x03)
