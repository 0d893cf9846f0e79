#!/bin/bash
# bench-flood.sh [BUILD]: a hostile server's floods (issue 11).
#
# Prints, for each hostile-peer case that floods (doc/hostile-peer.md,
# "Bounds"): batch mode's wall time and peak RSS as text and as JSON
# (/usr/bin/time), and the explorer's peak RSS (VmHWM) once the case's
# step is over, in tmux at 120x40.  Then, during a 100,000,000-line EHLO
# reply (700 MB): how long batch mode and the explorer take to read it,
# whether the explorer kept drawing while it read (the terminal's bytes,
# stamped as tmux receives them: the spinner turns every 120 ms by the
# clock, so a frame drawn late shows as a longer gap between two turns;
# frames are at most every 40 ms, so no gap over 160 ms means drawing
# never fell more than one frame behind), and how long after the key q
# exits and Esc shows the step cancelled.
# Exits 1 when a peak passes its bound (batch 64 MiB, explorer 96 MiB).
# A benchmark, not a test: the figures depend on the machine.
set -u
build=${1:-build}
smtpscope=$build/src/cli/smtpscope
peer=$build/tests/peer/hostile-peer
for x in "$smtpscope" "$peer"; do
	[ -x "$x" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
done
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 2; }
dir=$(mktemp -d)
sock=$dir/tmux.sock
peer_pid=
cleanup()
{
	tmux -S "$sock" kill-server 2>/dev/null
	[ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
status=0
BATCH_KB=65536
TUI_KB=98304

now_ns() { date +%s%N; }

# Start the peer for CASE with N connections; sets port.
peer_start()
{
	[ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null
	rm -f "$dir/port"
	"$peer" --listen 127.0.0.1:0 --case "$1" --port-file "$dir/port" \
	    --connections "${2:-3}" --time-limit 120 2>/dev/null &
	peer_pid=$!
	for _ in $(seq 200); do [ -s "$dir/port" ] && break; sleep 0.02; done
	port=$(cat "$dir/port")
}

# Batch mode once; prints "SECONDS KIB".
batch()
{
	/usr/bin/time -f '%e %M' -o "$dir/time" "$smtpscope" --batch \
	    --timeout "${TIMEOUT:-3}" "$@" "127.0.0.1:$port" >/dev/null 2>&1
	tail -n 1 "$dir/time"
}

# End the tmux server of the last run.  Its socket file stays behind
# (waiting for it to go was why every case after the first stalled), so
# wait for the server itself to go, then remove the file.
tui_stop()
{
	tmux -S "$sock" kill-server 2>/dev/null
	while tmux -S "$sock" has-session 2>/dev/null; do sleep 0.05; done
	rm -f "$sock"
}

# The explorer in tmux; waits for the banner; sets app.
tui_start()
{
	tui_stop
	tmux -S "$sock" -f /dev/null new-session -d -s b -x 120 -y 40 \
	    "$smtpscope --timeout ${1:-3} 127.0.0.1:$port; sleep 600"
	wait_screen 'S: 220|no greeting|not kept' 20
	app=$(pgrep -P "$(tmux -S "$sock" display -p -t b '#{pane_pid}')" -x smtpscope)
}
screen() { tmux -S "$sock" capture-pane -p -t b; }
# Wait until the screen matches RE; give up (and say so) after SECONDS.
wait_screen()
{
	local deadline=$(( $(now_ns) + $2 * 1000000000 ))
	until screen | grep -qE "$1"; do
		if [ "$(now_ns)" -gt "$deadline" ]; then
			echo "  gave up waiting for /$1/" >&2
			exit 1
		fi
		sleep 0.005
	done
}
idle() { sleep 0.1; wait_screen '^ smtpscope .*  (ready|closed|idle)( |$)' 30; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$app/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

check() # WHAT KIB BOUND
{
	if [ "$2" -gt "$3" ]; then
		echo "  MISSED: $1 peak $2 KiB over $3 KiB"
		status=1
	fi
}

echo "== peaks by case (batch: /usr/bin/time; explorer: VmHWM after the step)"
printf '%-14s %-20s %-20s %s\n' case "batch text" "batch JSON" explorer
for c in huge-ehlo ehlo-5m endless-line long-line reply-flood fat-lines; do
	peer_start "$c" 3
	read -r tt tk < <(batch)
	read -r jt jk < <(batch --json)
	tui_start
	idle
	if [ "$c" != endless-line ] && [ "$c" != long-line ]; then
		tmux -S "$sock" send-keys -t b e
		sleep 0.3
		idle
	fi
	uk=$(hwm)
	printf '%-14s %6s s, %-10s %6s s, %-10s %s\n' "$c" "$tt" \
	    "$(mib "$tk")" "$jt" "$(mib "$jk")" "$(mib "$uk")"
	check "$c batch" "$tk" $BATCH_KB
	check "$c batch JSON" "$jk" $BATCH_KB
	check "$c explorer" "$uk" $TUI_KB
done

echo "== a 100,000,000-line EHLO reply (700 MB): reading it, and keys during it"
peer_start ehlo-flood 4
read -r ft fk < <(TIMEOUT=60 batch --steps connect,ehlo)
echo "  batch: ${ft} s, $(mib "$fk") peak"
tui_start 60
# Stamp every write to the terminal as tmux receives it: "NS BYTES".
cat > "$dir/stamp.py" <<'EOF'
import os, sys, time
while True:
    b = os.read(0, 65536)
    if not b:
        break
    sys.stdout.write("%d %d\n" % (time.time_ns(), len(b)))
EOF
tmux -S "$sock" pipe-pane -O -t b \
    "exec python3 -u '$dir/stamp.py' > '$dir/writes'"
sleep 0.3
t0=$(now_ns)
tmux -S "$sock" send-keys -t b e
wait_screen 'not kept' 60
t1=$(now_ns)
echo "  explorer: $(( (t1 - t0) / 1000000 )) ms from e to the cut shown, $(mib "$(hwm)") peak"
tmux -S "$sock" pipe-pane -t b
# Writes less than 10 ms apart are one frame; between the key and the
# cut shown, count the frames and the longest gap between two.
awk -v t0="$t0" -v t1="$t1" '$1 >= t0 && $1 <= t1 {
	if (last == 0 || $1 - last > 10000000) {
		if (frames > 0 && $1 - start > gap) { gap = $1 - start }
		frames++; start = $1
	}
	last = $1 }
	END {
	ms = (t1 - t0) / 1e6
	printf "  drawing during the flood: %d frames changed the screen in %.0f ms" \
	    " (the spinner: one per 120 ms, %.0f due); longest gap %.0f ms" \
	    " (one frame late: over 160 ms): %s\n", frames, ms, ms / 120,
	    gap / 1e6, (frames >= 2 && gap <= 160e6 ? "never behind" : "BEHIND")
	}' "$dir/writes" | tee "$dir/drawing"
grep -q "never behind" "$dir/drawing" || status=1
tmux -S "$sock" send-keys -t b q
tui_start 60
tmux -S "$sock" send-keys -t b e
wait_screen '250-X' 20
sleep 0.5
t0=$(now_ns)
tmux -S "$sock" send-keys -t b q
while [ -d "/proc/$app" ]; do sleep 0.002; done
echo "  q during the flood: exit $(( ($(now_ns) - t0) / 1000000 )) ms after the key"
tui_start 60
tmux -S "$sock" send-keys -t b e
wait_screen '250-X' 20
sleep 0.5
t0=$(now_ns)
tmux -S "$sock" send-keys -t b Escape
wait_screen 'cancelled' 20
echo "  Esc during the flood: 'cancelled' on screen $(( ($(now_ns) - t0) / 1000000 )) ms after the key"
tmux -S "$sock" send-keys -t b q
tui_stop
exit $status
