#!/usr/bin/env bash
# live.sh BIN PCAP: live load benchmark (make bench-live).
#
# Two network namespaces joined by a veth pair; tcpreplay sends PCAP into
# one end at fixed rates and at top speed, while l7sniff (-i, --flows,
# classification on) and tcpdump -w /dev/null capture the other end at the
# same time. Prints a Markdown table of what each captured and what the
# kernel reports as dropped. Nothing leaves the namespaces: the frames are
# addressed to MACs that are not the veth's, so the receiving stack
# discards them, and the namespaces have no other interface. Bounded:
# each rate sends at most LIVE_SECONDS seconds and LIVE_PACKETS packets.
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

echo "Live load, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(tcpreplay --version 2>&1 | head -1)," \
	"$(tcpdump --version 2>&1 | head -1). Capture: \`$(basename "$PCAP")\`; each rate sends for at most" \
	"${LIVE_SECONDS} s / ${LIVE_PACKETS} packets. Default kernel buffers for both capturers." \
	"Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| rate (pps) | sent | sent pps | l7sniff captured | l7sniff kernel drops | l7sniff drop % | tcpdump captured | tcpdump kernel drops | tcpdump drop % |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"

for rate in $RATES; do
	ip netns exec "$RX" "$BIN" -i veth-rx --flows >"$WORK/l7.out" 2>"$WORK/l7.err" &
	l7=$!
	ip netns exec "$RX" tcpdump -n -w /dev/null -i veth-rx 2>"$WORK/td.err" &
	td=$!
	# Both must be capturing before the first packet goes out.
	for _ in $(seq 50); do
		grep -q "listening on" "$WORK/td.err" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1
	if [ "$rate" = topspeed ]; then
		speed=(--topspeed)
	else
		speed=(--pps="$rate")
	fi
	ip netns exec "$TX" tcpreplay -i veth-tx "${speed[@]}" --limit="$LIVE_PACKETS" --duration="$LIVE_SECONDS" \
		"$PCAP" >"$WORK/tr.out" 2>&1 || { cat "$WORK/tr.out" >&2; exit 1; }
	sleep 1
	kill -INT "$l7" "$td"
	wait "$l7" "$td" || true
	sent=$(awk '/Actual:/ {print $2; exit}' "$WORK/tr.out")
	spps=$(awk '/Rated:/ {for (i=1;i<=NF;i++) if ($i ~ /pps/) {print int($(i-1)); exit}}' "$WORK/tr.out")
	# l7sniff's report: "N packets, B bytes, F flows ..." and
	# "R packets received by filter, D dropped by kernel".
	l7cap=$(awk '/ packets, .* bytes, .* flows/ {print $1; exit}' "$WORK/l7.out")
	l7drop=$(awk '/received by filter/ {print $6; exit}' "$WORK/l7.out")
	tdcap=$(awk '/packets captured/ {print $1; exit}' "$WORK/td.err")
	tddrop=$(awk '/dropped by kernel/ {print $1; exit}' "$WORK/td.err")
	pct() { awk -v s="$1" -v c="$2" 'BEGIN { if (s > 0) printf "%.2f", 100 * (s - c) / s; else print "-" }'; }
	echo "| $rate | $sent | $spps | $l7cap | ${l7drop:-?} | $(pct "$sent" "${l7cap:-0}") | $tdcap | ${tddrop:-?} | $(pct "$sent" "${tdcap:-0}") |"
done
echo
echo "Drop % is (sent − captured) / sent for each capturer; the kernel-drop columns are libpcap's ps_drop."
