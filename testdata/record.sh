#!/usr/bin/env bash
# record.sh — record testdata/demo.pcap: real clients talking to real
# servers across a veth pair between two network namespaces (lab.sh),
# captured by tcpdump on the server's end of the pair. Run as root from
# anywhere; it installs the Debian packages it needs when they are missing.
#
# The traffic, in this order (client → server, all TCP unless noted):
#   http        curl → python3 http.server :80               6 requests
#   dns         dig → dnsmasq :53/udp                        6 queries
#   dns-tcp     dig +tcp → dnsmasq :53                       1 query
#   ssh         ssh → sshd :22 (key exchange, auth refused)  2 connections
#   ssh         ssh → sshd :8443 (SSH where TLS is expected) 1 connection
#   tls         openssl s_client → openssl s_server :443     3 handshakes
#   https       curl -k → openssl s_server -www :443         2 requests
#   bittorrent  bt_peer.py → bt_peer.py :6881 (BEP 3)        3 handshakes
#   bittorrent  bt_peer.py → bt_peer.py :8080 (BT on "HTTP") 1 handshake
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/demo.pcap}

if [ "$(id -u)" != 0 ]; then
	echo "record.sh: run as root (it creates network namespaces)" >&2
	exit 1
fi

need=(iproute2 tcpdump python3 curl openssl openssh-server openssh-client dnsmasq-base bind9-dnsutils)
missing=()
for p in "${need[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "record.sh: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

prefix=l7rec$$
work=$(mktemp -d)
tcpdump_pid=
cleanup() {
	[ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null || true
	"$here/lab.sh" down "$prefix" "$work"
	rm -rf "$work"
}
trap cleanup EXIT

"$here/lab.sh" up "$prefix"
"$here/lab.sh" servers "$prefix" "$work"

# -U and --immediate-mode: every packet reaches the file before tcpdump
# is stopped; -Z root keeps the file writable by whoever runs this.
ip netns exec "${prefix}b" tcpdump -i "${prefix}vb" -n -s 0 -U --immediate-mode -Z root \
	-w "$work/demo.pcap" 2>"$work/tcpdump.log" &
tcpdump_pid=$!
for _ in $(seq 100); do
	grep -q "listening on" "$work/tcpdump.log" && break
	sleep 0.05
done

lab() { "$here/lab.sh" client "$prefix" "$@"; }
lab http 6
lab dns 6
lab dns-tcp 1
lab ssh 2
lab ssh 1 8443
lab tls 3
lab https 2
lab bittorrent 3
lab bittorrent 1 8080

# Let the last FIN/ACKs reach the file, then stop tcpdump cleanly.
sleep 0.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=
cat "$work/tcpdump.log" >&2
cp "$work/demo.pcap" "$out"
echo "record.sh: wrote $out ($(stat -c %s "$out") bytes)"
