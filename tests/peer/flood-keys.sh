#!/bin/bash
# flood-keys.sh SMTPSCOPE HOSTILE-PEER
#
# The explorer stays in the user's hands while a server floods it
# (doc/hostile-peer.md, "Bounds"): during a 100,000,000-line EHLO reply q
# quits and Esc cancels within KEY_LIMIT seconds (generous: the benchmark
# measures the real figure, tens of milliseconds); and many connections
# in one session, each with a 200,000-line EHLO reply, keep the peak
# resident memory under the explorer's bound.
. "$(dirname "$0")/../tui/lib.sh"
tui_init "$@"

KEY_LIMIT=2		# seconds from a key to its effect, even under ASan
ROUNDS=6		# connections of the many-connections part
MAX_RSS_KB=98304	# the explorer's bound: 96 MiB
if grep -q __asan_init "$SMTPSCOPE" 2>/dev/null; then
	MAX_RSS_KB=524288
fi

# Nanoseconds since the epoch.
now_ns()
{
	date +%s%N
}

# The explorer's process (the pane's shell runs it as its child).
app_pid()
{
	pgrep -P "$(tui_pane '#{pane_pid}')" -x smtpscope | head -n 1
}

# Wait until the header says the step is over (ready, closed or idle).
wait_idle()
{
	local deadline=$(($(now_ns) + $1 * 1000000000))
	until tui_screen | head -n 1 | grep -qE '  (ready|closed|idle)( |$)'; do
		[ "$(now_ns)" -lt "$deadline" ] ||
		    tui_fail "the step did not end within $1 s"
		sleep "$TUI_POLL"
	done
}

# Start the explorer on the flood peer and start the flood with e.
flood_start()
{
	tui_start --timeout 60 "127.0.0.1:$FLOOD_PORT"
	tui_wait_for "S: 220" 10
	wait_idle 10
	tui_keys e
	tui_wait_for "S: 250-X" 10
	tui_screen | head -n 1 | grep -q busy ||
	    tui_fail "the flood ended before a key could be pressed"
}

# Wait at most KEY_LIMIT seconds for the explorer to exit; say how long.
expect_exit_soon()
{
	local t0=$1 status
	while [ -z "$(tui_exit_status)" ]; do
		[ $(( $(now_ns) - t0 )) -lt $((KEY_LIMIT * 1000000000)) ] ||
		    tui_fail "the explorer still runs ${KEY_LIMIT} s after $2"
		sleep 0.01
	done
	status=$(tui_exit_status)
	[ "$status" = 0 ] || tui_fail "the explorer exited with status $status"
	tui_log "$2: exit after $(( ($(now_ns) - t0) / 1000000 )) ms"
}

# q in the middle of the flood leaves at once, cleanly.
quit_during_flood()
{
	local t0
	flood_start
	t0=$(now_ns)
	tui_keys q
	expect_exit_soon "$t0" "q during the flood"
	tmx kill-session -t tui
}

# Esc cancels the EHLO step in the middle of the flood; q then leaves.
cancel_during_flood()
{
	local t0
	flood_start
	t0=$(now_ns)
	tui_keys Escape
	tui_poll -F "cancelled" present "$KEY_LIMIT" ||
	    tui_fail "Esc did not cancel within ${KEY_LIMIT} s"
	tui_log "Esc during the flood: cancelled after $(( ($(now_ns) - t0) / 1000000 )) ms"
	tui_alive
	t0=$(now_ns)
	tui_keys q
	expect_exit_soon "$t0" "q after the cancel"
	tmx kill-session -t tui
}

# ROUNDS connections with a 200,000-line EHLO each: connect, EHLO, QUIT.
many_connections()
{
	local i rss
	tui_start --timeout 20 "127.0.0.1:$HUGE_PORT"
	tui_wait_for "S: 220" 10
	wait_idle 10
	for ((i = 1; i <= ROUNDS; i++)); do
		if [ "$i" -gt 1 ]; then
			tui_keys c
			tui_wait_for "connected to" 10
			wait_idle 20
		fi
		tui_keys e
		sleep 0.2
		wait_idle 20
		tui_keys Q
		sleep 0.2
		wait_idle 20
	done
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$(app_pid)/status")
	tui_log "$ROUNDS connections: peak RSS ${rss} KiB (bound ${MAX_RSS_KB} KiB)"
	[ "$rss" -le "$MAX_RSS_KB" ] ||
	    tui_fail "peak RSS ${rss} KiB exceeds ${MAX_RSS_KB} KiB"
	tui_quit
}

peer_start ehlo-flood 2
FLOOD_PORT=$PEER_PORT
peer_start huge-ehlo "$ROUNDS"
HUGE_PORT=$PEER_PORT
quit_during_flood
cancel_during_flood
many_connections
