#!/usr/bin/env bash
# lab.sh — a two-namespace network lab where real clients talk to real
# servers, for l7sniff's recorded captures (record.sh) and its live test
# (engine/live_test.go). Run as root.
#
#   lab.sh up       PREFIX          namespaces PREFIXa (client, 10.77.0.1) and
#                                   PREFIXb (server, 10.77.0.2) joined by the
#                                   veth pair PREFIXva / PREFIXvb
#   lab.sh servers  PREFIX WORKDIR  start the servers in PREFIXb, wait until
#                                   they listen (pids in WORKDIR/pids)
#   lab.sh client   PREFIX KIND [N] [PORT]
#                                   run N (default 1) clients of KIND from
#                                   PREFIXa: http dns dns-tcp ssh tls https
#                                   bittorrent
#   lab.sh down     PREFIX [WORKDIR] stop the servers, delete the namespaces
#
# Addresses exist only inside the two namespaces, and IPv6 is off there,
# so nothing is ever sent anywhere else. PREFIX is at most 13 characters
# (interface names are limited to 15).
#
# Servers, all from Debian packages except the BitTorrent peer:
#   http        python3 -m http.server           tcp/80
#   dns         dnsmasq (dnsmasq-base)           udp/53 and tcp/53
#   ssh         sshd (openssh-server)            tcp/22, and tcp/8443 (SSH where
#                                                a port table says TLS)
#   tls         openssl s_server -www            tcp/443
#   bittorrent  python3 bt_peer.py (BEP 3)       tcp/6881, and tcp/8080 (where a
#                                                port table says HTTP)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:?usage: lab.sh up|servers|client|down PREFIX ...}
prefix=${2:?missing PREFIX}
if [ ${#prefix} -gt 13 ]; then
	echo "lab.sh: PREFIX $prefix is longer than 13 characters" >&2
	exit 2
fi
nsA=${prefix}a nsB=${prefix}b
vethA=${prefix}va vethB=${prefix}vb
ipA=10.77.0.1 ipB=10.77.0.2
domain=l7sniff.test

inA() { ip netns exec "$nsA" "$@"; }
inB() { ip netns exec "$nsB" "$@"; }

up() {
	ip netns add "$nsA"
	ip netns add "$nsB"
	for ns in "$nsA" "$nsB"; do
		# No IPv6: no router solicitations or MLD reports, only the
		# traffic the clients make (and ARP).
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip link add "$vethA" netns "$nsA" type veth peer name "$vethB" netns "$nsB"
	ip -n "$nsA" addr add "$ipA/24" dev "$vethA"
	ip -n "$nsB" addr add "$ipB/24" dev "$vethB"
	ip -n "$nsA" link set "$vethA" up
	ip -n "$nsB" link set "$vethB" up
}

# bg WORKDIR NAME CMD...: start CMD in the server namespace in the
# background, its output in WORKDIR/NAME.log, its pid in WORKDIR/pids.
bg() {
	local work=$1 name=$2
	shift 2
	# A simple command (not the inB function), so that $! is the server
	# itself: bash execs ip, and ip netns exec execs the server.
	ip netns exec "$nsB" "$@" </dev/null >"$work/$name.log" 2>&1 &
	echo $! >>"$work/pids"
}

# listening PROTO PORT: whether a server in the server namespace listens.
listening() {
	local flag=-Hltn
	[ "$1" = udp ] && flag=-Hlun
	[ -n "$(inB ss "$flag" "sport = :$2")" ]
}

servers() {
	local work=${1:?missing WORKDIR}
	mkdir -p "$work/www"
	: >"$work/pids"
	printf '<!doctype html><title>l7sniff lab</title><p>Hello from the server namespace.\n' >"$work/www/index.html"
	printf 'hello, l7sniff\n' >"$work/www/hello.txt"

	bg "$work" http python3 -m http.server 80 --bind "$ipB" --directory "$work/www"

	bg "$work" dns dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
		--no-resolv --no-hosts --bind-interfaces --listen-address="$ipB" --port=53 \
		--local="/$domain/" --host-record="demo.$domain,$ipB" --host-record="www.$domain,$ipB" \
		--pid-file="$work/dnsmasq.pid"

	ssh-keygen -q -t ed25519 -N '' -C lab -f "$work/ssh_host_ed25519_key"
	cat >"$work/sshd_config" <<-EOF
		Port 22
		Port 8443
		ListenAddress $ipB
		HostKey $work/ssh_host_ed25519_key
		PidFile $work/sshd.pid
		UsePAM no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AuthorizedKeysFile none
	EOF
	# sshd insists on its privilege separation directory.
	mkdir -p /run/sshd
	bg "$work" sshd "$(command -v sshd)" -D -e -f "$work/sshd_config"

	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=demo.$domain" -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
	bg "$work" tls openssl s_server -quiet -www -accept "$ipB:443" -cert "$work/tls.crt" -key "$work/tls.key"

	bg "$work" bittorrent python3 "$here/bt_peer.py" serve "$ipB" 6881 8080

	local deadline=$((SECONDS + 20)) want
	for want in tcp:80 udp:53 tcp:53 tcp:22 tcp:8443 tcp:443 tcp:6881 tcp:8080; do
		until listening "${want%%:*}" "${want##*:}"; do
			if [ $SECONDS -ge $deadline ]; then
				echo "lab.sh: no server listens on $want; logs:" >&2
				tail -n 5 "$work"/*.log >&2
				exit 1
			fi
			sleep 0.05
		done
	done
}

client() {
	local kind=${1:?missing KIND} n=${2:-1} port=${3:-} i
	for ((i = 0; i < n; i++)); do
		case $kind in
		http)
			local paths=(/ /hello.txt /missing.html)
			inA curl -sS -o /dev/null --max-time 5 "http://$ipB:${port:-80}${paths[i % 3]}"
			;;
		dns)
			local names=("demo.$domain A" "www.$domain A" "demo.$domain AAAA" "nothing.$domain A")
			# shellcheck disable=SC2086 # name and type are two words
			inA dig +time=2 +tries=1 +noall +answer "@$ipB" ${names[i % 4]} >/dev/null
			;;
		dns-tcp)
			inA dig +tcp +time=2 +tries=1 +noall +answer "@$ipB" "demo.$domain" A >/dev/null
			;;
		ssh)
			# Key exchange, then authentication fails (no user may log
			# in): the banners and the KEX are what is captured.
			inA timeout 10 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
				-o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o LogLevel=ERROR \
				-p "${port:-22}" "probe@$ipB" true 2>/dev/null || true
			;;
		tls)
			inA timeout 10 openssl s_client -brief -connect "$ipB:${port:-443}" \
				-servername "demo.$domain" </dev/null >/dev/null 2>&1 || true
			;;
		https)
			inA curl -sS -k -o /dev/null --max-time 5 "https://$ipB:${port:-443}/"
			;;
		bittorrent)
			inA python3 "$here/bt_peer.py" connect "$ipB" "${port:-6881}"
			;;
		*)
			echo "lab.sh: unknown client kind $kind" >&2
			exit 2
			;;
		esac
	done
}

down() {
	local work=${1:-} pid
	if [ -n "$work" ] && [ -f "$work/pids" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null || true
		done <"$work/pids"
		# Give them a moment to exit before their namespace goes.
		for pid in $(cat "$work/pids"); do
			for _ in $(seq 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.02
			done
			kill -9 "$pid" 2>/dev/null || true
		done
		rm -f "$work/pids"
	fi
	ip netns del "$nsA" 2>/dev/null || true
	ip netns del "$nsB" 2>/dev/null || true
}

shift 2
case $cmd in
up) up ;;
servers) servers "$@" ;;
client) client "$@" ;;
down) down "$@" ;;
*)
	echo "lab.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
