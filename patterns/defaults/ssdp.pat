# SSDP - Simple Service Discovery Protocol (UPnP discovery) - UPnP Device Architecture 2.0
# Pattern attributes: good fast
# Protocol groups: networking open_standard
# Wiki: https://en.wikipedia.org/wiki/Simple_Service_Discovery_Protocol
# Written for l7sniff from UPnP Device Architecture 2.0 section 1
# (Discovery): HTTP messages over UDP (HTTPU/HTTPMU). A control point
# searches with "M-SEARCH * HTTP/1.1", devices advertise with
# "NOTIFY * HTTP/1.1", and a device answers a search with
# "HTTP/1.1 200 OK" whose headers include ST (search target) and USN
# (unique service name), which no plain HTTP response carries. The
# status line alone is HTTP's too; the priority below reports SSDP when
# the headers say so.
# l7sniff-priority: -1

ssdp
^((notify|m-search) \* http/1\.1\x0d\x0a|http/1\.1 200 ok\x0d\x0a([^\x0d\x0a]*\x0d\x0a)*(st|usn):)
