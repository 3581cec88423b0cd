#!/usr/bin/env bash
# live.sh BIN PCAP: live load benchmark (make bench-live).
#
# Two network namespaces joined by a veth pair; tcpreplay sends PCAP into
# one end at fixed rates and at top speed while one capturer at a time
# captures the other end: l7sniff as it starts by default (-i, --flows,
# classification on; on a multi-core machine a fanout group of one socket
# per shard), l7sniff with --fanout 1 (one libpcap socket, as before
# fanout), and tcpdump -w /dev/null. One at a time, so that each has the
# machine's cores to itself, the sender apart. Prints a Markdown table of
# what each captured, what the kernel reports as dropped, and the CPU time
# the capturer used. Nothing leaves the namespaces: the frames are
# addressed to MACs that are not the veth's, so the receiving stack
# discards them, and the namespaces have no other interface. Bounded:
# each run sends at most LIVE_SECONDS seconds and LIVE_PACKETS packets.
set -euo pipefail

BIN=$(realpath "$1")
PCAP=$(realpath "$2")
RATES=${RATES:-"10000 50000 100000 200000 400000 topspeed"}
LIVE_SECONDS=${LIVE_SECONDS:-10}
LIVE_PACKETS=${LIVE_PACKETS:-2000000}
TX=l7bench-tx-$$
RX=l7bench-rx-$$
WORK=$(mktemp -d)

cleanup() {
	ip netns pids "$RX" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$TX"
ip netns add "$RX"
ip link add veth-tx netns "$TX" type veth peer name veth-rx netns "$RX"
ip -n "$TX" link set veth-tx up
ip -n "$RX" link set veth-rx up
ip -n "$TX" link set lo up
ip -n "$RX" link set lo up

CAPTURERS=${CAPTURERS:-"l7sniff l7sniff-fanout1 tcpdump"}

echo "Live load, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(tcpreplay --version 2>&1 | head -1)," \
	"$(tcpdump --version 2>&1 | head -1). Capture: \`$(basename "$PCAP")\`; each run sends for at most" \
	"${LIVE_SECONDS} s / ${LIVE_PACKETS} packets (tcpreplay --preload-pcap). Default kernel buffers (l7sniff: 16 MiB" \
	"per socket; tcpdump: 2 MiB). Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| rate (pps) | capturer | sent | sent pps | captured | kernel drops | drop % | capturer CPU s | load avg |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"

# cpu PID: user + system CPU seconds the process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo "?"; }
pct() { awk -v s="$1" -v c="$2" 'BEGIN { if (s > 0) printf "%.2f", 100 * (s - c) / s; else print "-" }'; }

for rate in $RATES; do
	for who in $CAPTURERS; do
		rm -f "$WORK/cap.out" "$WORK/cap.err"
		case $who in
		l7sniff) ip netns exec "$RX" "$BIN" -i veth-rx --flows >"$WORK/cap.out" 2>"$WORK/cap.err" & ;;
		l7sniff-fanout1) ip netns exec "$RX" "$BIN" -i veth-rx --fanout 1 --flows >"$WORK/cap.out" 2>"$WORK/cap.err" & ;;
		tcpdump) ip netns exec "$RX" tcpdump -n -w /dev/null -i veth-rx 2>"$WORK/cap.err" & ;;
		esac
		pid=$!
		# The capturer must be capturing before the first packet goes
		# out: tcpdump says so; l7sniff has no such line, so wait as long.
		for _ in $(seq 50); do
			grep -q "listening on" "$WORK/cap.err" 2>/dev/null && break
			[ "$who" = tcpdump ] || break
			sleep 0.1
		done
		sleep 1
		if [ "$rate" = topspeed ]; then
			speed=(--topspeed)
		else
			speed=(--pps="$rate")
		fi
		ip netns exec "$TX" tcpreplay -i veth-tx --preload-pcap "${speed[@]}" --limit="$LIVE_PACKETS" \
			--duration="$LIVE_SECONDS" "$PCAP" >"$WORK/tr.out" 2>&1 || { cat "$WORK/tr.out" >&2; exit 1; }
		sleep 1
		used=$(cpu "$pid")
		kill -INT "$pid"
		wait "$pid" || true
		sent=$(awk '/Actual:/ {print $2; exit}' "$WORK/tr.out")
		spps=$(awk '/Rated:/ {for (i=1;i<=NF;i++) if ($i ~ /pps/) {print int($(i-1)); exit}}' "$WORK/tr.out")
		if [ "$who" = tcpdump ]; then
			cap=$(awk '/packets captured/ {print $1; exit}' "$WORK/cap.err")
			drop=$(awk '/dropped by kernel/ {print $1; exit}' "$WORK/cap.err")
		else
			# l7sniff's report: "N packets, B bytes, F flows ..." and
			# "R packets received by filter, D dropped by kernel".
			cap=$(awk '/ packets, .* bytes, .* flows/ {print $1; exit}' "$WORK/cap.out")
			drop=$(awk '/received by filter/ {print $6; exit}' "$WORK/cap.out")
		fi
		echo "| $rate | $who | $sent | $spps | ${cap:-?} | ${drop:-?} | $(pct "$sent" "${cap:-0}") | $used | $(cut -d' ' -f1 /proc/loadavg) |"
	done
done
echo
echo "Drop % is (sent − captured) / sent; kernel drops are the capture sockets' counters (libpcap's ps_drop;"
echo "for a fanout group, summed over its sockets). Capturer CPU s is the user + system time the capturer used."
