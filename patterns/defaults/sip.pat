# SIP - Session Initiation Protocol - RFC 3261
# Pattern attributes: good fast
# Protocol groups: voip ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Session_Initiation_Protocol
# Written for l7sniff from RFC 3261 section 7.1 (Request-Line: Method SP
# Request-URI SP SIP-Version, the URI a sip:, sips: or tel: URI) and 7.2
# (Status-Line: SIP-Version SP Status-Code SP), with the methods of RFC
# 3261, 3262, 3265, 3311, 3428, 3515, 3903 and 6086. SIP runs over UDP
# and TCP; the first message may be a request or a response.

sip
^((invite|ack|bye|cancel|register|options|prack|subscribe|notify|publish|info|refer|message|update) (sips?|tel):[^\x09-\x0d ]* sip/2\.0|sip/2\.0 [1-6][0-9][0-9] )
