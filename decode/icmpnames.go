package decode

// TypeName names the ICMP or ICMPv6 message type ("echo request"), or
// returns "" for a type it does not know.
func (c *ICMP) TypeName() string {
	if c.V6 {
		switch c.Type {
		case 1:
			return "destination unreachable"
		case 2:
			return "packet too big"
		case 3:
			return "time exceeded"
		case 4:
			return "parameter problem"
		case 128:
			return "echo request"
		case 129:
			return "echo reply"
		case 130:
			return "multicast listener query"
		case 131:
			return "multicast listener report"
		case 133:
			return "router solicitation"
		case 134:
			return "router advertisement"
		case 135:
			return "neighbor solicitation"
		case 136:
			return "neighbor advertisement"
		case 137:
			return "redirect"
		case 143:
			return "multicast listener report v2"
		}
		return ""
	}
	switch c.Type {
	case 0:
		return "echo reply"
	case 3:
		return "destination unreachable"
	case 4:
		return "source quench"
	case 5:
		return "redirect"
	case 8:
		return "echo request"
	case 9:
		return "router advertisement"
	case 10:
		return "router solicitation"
	case 11:
		return "time exceeded"
	case 12:
		return "parameter problem"
	case 13:
		return "timestamp request"
	case 14:
		return "timestamp reply"
	case 17:
		return "address mask request"
	case 18:
		return "address mask reply"
	}
	return ""
}

// CodeName names the code where it matters (unreachable and time
// exceeded); "" otherwise.
func (c *ICMP) CodeName() string {
	if c.V6 {
		if c.Type == 1 {
			switch c.Code {
			case 0:
				return "no route"
			case 1:
				return "administratively prohibited"
			case 3:
				return "address unreachable"
			case 4:
				return "port unreachable"
			}
		}
		if c.Type == 3 && c.Code == 1 {
			return "fragment reassembly time exceeded"
		}
		return ""
	}
	switch c.Type {
	case 3:
		switch c.Code {
		case 0:
			return "net unreachable"
		case 1:
			return "host unreachable"
		case 2:
			return "protocol unreachable"
		case 3:
			return "port unreachable"
		case 4:
			return "fragmentation needed"
		case 9, 10, 13:
			return "administratively prohibited"
		}
		return ""
	case 11:
		if c.Code == 1 {
			return "fragment reassembly time exceeded"
		}
		return "TTL exceeded in transit"
	}
	return ""
}
