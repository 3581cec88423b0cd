# IRC - Internet Relay Chat - RFC 2812, RFC 1459
# Pattern attributes: good fast
# Protocol groups: chat ietf_informational
# Wiki: https://en.wikipedia.org/wiki/Internet_Relay_Chat
# Written for l7sniff from RFC 2812 section 3.1 (connection registration:
# optional PASS, then NICK and USER in either order) and the IRCv3
# capability negotiation (CAP LS before registration). Many servers greet
# first with a NOTICE ("*** Looking up your hostname"), addressed to "*"
# or "AUTH" since the client has no nick yet.

irc
^(((cap|pass) [^\x0d\x0a]*\x0d?\x0a)*(nick [^\x0d\x0a]+\x0d?\x0auser |user [^\x0d\x0a]+\x0d?\x0anick )|(:[!-~]+ )?notice (auth|\*) :)
