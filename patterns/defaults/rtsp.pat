# RTSP - Real Time Streaming Protocol - RFC 2326, RFC 7826
# Pattern attributes: good fast
# Protocol groups: streaming_audio streaming_video ietf_proposed_standard
# Wiki: https://en.wikipedia.org/wiki/Real_Time_Streaming_Protocol
# Written for l7sniff from RFC 2326 section 6.1 (Request-Line: Method SP
# Request-URI SP RTSP-Version) and 7.1 (Status-Line: RTSP-Version SP
# Status-Code SP). The client speaks first; a capture that starts
# mid-connection may start with a response.

rtsp
^((options|describe|announce|setup|play|pause|record|teardown|get_parameter|set_parameter|redirect) [^\x09-\x0d ]+ rtsp/[12]\.[0-9]|rtsp/[12]\.[0-9] [1-5][0-9][0-9] )
