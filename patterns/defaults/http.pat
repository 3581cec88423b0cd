# HTTP - Hypertext Transfer Protocol/1.x - RFC 9110, RFC 9112
# Pattern attributes: good fast
# Protocol groups: document_retrieval ietf_internet_standard
# Wiki: https://en.wikipedia.org/wiki/HTTP
# Written for l7sniff from RFC 9112 section 3 (request-line: method SP
# request-target SP HTTP-version) and section 4 (status-line: HTTP-version
# SP 3DIGIT SP). The methods are RFC 9110's plus WebDAV's (RFC 4918) and
# PATCH (RFC 5789). The client speaks first, so the stream starts with a
# request; a capture that starts mid-connection may start with a response.
# NOTIFY and M-SEARCH are left out: with "*" as target they are SSDP.

http
^((get|head|post|put|delete|connect|options|trace|patch|propfind|proppatch|mkcol|copy|move|lock|unlock|search|report) [^\x09-\x0d ]+ http/1\.[019]|http/1\.[019] [1-5][0-9][0-9][\x09 ])
