#!/bin/bash
# bench-tui.sh [BUILD] [REPLAY-FILE]: the explorer as a user meets it
# (issue 3's benchmark), in tmux at 120x40:
#   - time to first frame: from starting `smtpscope --demo` until the
#     header is on the screen, and until the demo server's 220 banner is
#     (tmux is polled: a few ms of resolution);
#   - the running explorer's RSS (VmRSS, and VmHWM its peak);
#   - 10 s idle: CPU (utime+stime ticks from /proc/PID/stat) and wake-ups
#     (voluntary context switches of every thread, /proc/PID/task/*/status).
#     The target is no wake-up at all when nothing happens.
# With REPLAY-FILE (bench-scale.sh leaves none; run-all.sh passes the
# million-event session) the same for `smtpscope --replay FILE`, the frame
# being the header's "step".
# A benchmark, not a test: it prints figures and exits 1 only when the
# explorer does not come up or wakes up while idle.
set -euo pipefail
build=${1:-build}
replay=${2:-}
exe="$build/src/cli/smtpscope"
[ -x "$exe" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 2; }
exe=$(cd "$(dirname "$exe")" && pwd)/smtpscope
sock="bench-tui-$$"
IDLE=10
status=0

tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT
# A server already running, so its start is not counted.
tm -f /dev/null new-session -d -s idle -x 120 -y 40 "sleep 600"
tm set-option -g default-size 120x40 >/dev/null 2>&1 || true

now_ms() { date +%s%3N; }

# Milliseconds from t0 until the pane shows a pattern, or -1 after 10 s.
wait_for()
{
	local t0=$1 pattern=$2 deadline=$(( $(now_ms) + 10000 ))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if tm capture-pane -p -t bench 2>/dev/null | grep -q -- "$pattern"
		then
			echo $(( $(now_ms) - t0 ))
			return
		fi
	done
	echo -1
}

# Ticks and voluntary switches summed over a process's threads.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
switches()
{
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
}
mib() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# One explorer: first frame, the pattern that means "ready", RSS, idle.
measure()
{
	local label=$1 ready=$2 frame ready_ms pid t1 s1 t2 s2 threads
	shift 2
	local t0
	t0=$(now_ms)
	tm new-window -d -n bench -t idle: -- "$@"
	frame=$(wait_for "$t0" "smtpscope")
	ready_ms=$(wait_for "$t0" "$ready")
	pid=$(tm list-panes -t bench -F '#{pane_pid}')
	if [ "$frame" -lt 0 ] || [ "$ready_ms" -lt 0 ]; then
		echo "$label: did not come up"
		tm capture-pane -p -t bench | head -5
		status=1
		return
	fi
	sleep 1	# let the first frame's work finish
	threads=$(ls "/proc/$pid/task" | wc -l)
	t1=$(ticks "$pid"); s1=$(switches "$pid")
	sleep "$IDLE"
	t2=$(ticks "$pid"); s2=$(switches "$pid")
	printf '%s: first frame %d ms, %s %d ms\n' "$label" "$frame" \
	    "'$ready'" "$ready_ms"
	printf '  RSS %s MiB (peak %s MiB)\n' "$(mib "$pid" VmRSS)" \
	    "$(mib "$pid" VmHWM)"
	printf '  idle %d s: %d CPU ticks (1/%d s), %d voluntary context switches over %d threads (target 0)\n' \
	    "$IDLE" $((t2 - t1)) "$(getconf CLK_TCK)" $((s2 - s1)) "$threads"
	[ $((s2 - s1)) -eq 0 ] || status=1
	tm send-keys -t bench q
	sleep 0.3
	tm kill-window -t bench 2>/dev/null || true
}

measure "explorer --demo" "S: 220" "$exe" --demo
if [ -n "$replay" ]; then
	measure "explorer --replay ($(basename "$replay"))" "step" \
	    "$exe" --replay "$replay"
fi
exit $status
