#!/bin/bash
# bench-demo-clients.sh [BUILD] [CLIENTS]: the demo server with many
# clients at once (issue 6).  Starts `smtpscope --serve-demo 127.0.0.1:0`;
# tests/bench/bench-clients.c opens CLIENTS connections (default 200) and
# keeps them all open, each greeted, then EHLO, STARTTLS with its
# handshake and EHLO inside TLS; with all open it reads the server's RSS;
# then each QUITs.  Two waves, so memory the first one freed and the
# second reused shows as no growth.  Prints clients served and refused,
# the server's RSS before, at peak and after each wave, and the bound from
# doc/demo-server.md (about 110 KiB per client at most, over the idle
# server).  Exits 1 when a client is refused or the bound is passed.
set -euo pipefail
build=${1:-build}
clients=${2:-200}
exe="$build/src/cli/smtpscope"
helper="$build/tests/bench/bench-clients"
for x in "$exe" "$helper"; do
	[ -x "$x" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
done
PER_CLIENT_KIB=110	# doc/demo-server.md, "Memory"
dir=$(mktemp -d)
"$exe" --serve-demo 127.0.0.1:0 >"$dir/out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
	grep -q 'port [0-9]' "$dir/out" && break
	sleep 0.1
done
port=$(sed -n 's/.*127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$dir/out" | head -1)
[ -n "$port" ] || { echo "the demo server did not start" >&2; exit 1; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
before=$(rss)
bound=$((before + PER_CLIENT_KIB * clients))
status=0
for wave in 1 2; do
	t0=$(date +%s%3N)
	res=$("$helper" "$port" "$clients" "$pid") || status=1
	t1=$(date +%s%3N)
	sleep 0.5
	read -r _ greeted _ refused _ tls _ peak <<<"$res"
	printf 'wave %d: %d clients at once: %d greeted, %d refused, %d through STARTTLS (%.1f s)\n' \
	    "$wave" "$clients" "$greeted" "$refused" "$tls" \
	    "$(awk -v ms=$((t1 - t0)) 'BEGIN { print ms / 1000 }')"
	printf '  server RSS: %d KiB before, %d KiB with all open, %d KiB after (bound %d KiB)\n' \
	    "$before" "$peak" "$(rss)" "$bound"
	[ "$refused" -eq 0 ] && [ "$peak" -le "$bound" ] || status=1
done
printf 'server CPU: %s ticks (1/%s s) for %d sessions\n' \
    "$(awk '{ print $14 + $15 }' "/proc/$pid/stat")" "$(getconf CLK_TCK)" \
    $((2 * clients))
exit $status
