#!/bin/bash
# bench-scale.sh [BUILD-DIR]: the core at 1,000 and 1,000,000 events
# (issue 6): save, load and full-dialog times with the peak RSS, then the
# instructions of one replay step backwards (a view of the middle) and one
# forwards (one exchange fed), counted by callgrind around exactly that
# step, and their ratio between the two sizes (the target: close to 1);
# then the same for the explorer: one scroll step and one replay step
# back, each with the frame it draws into the in-memory canvas.
set -euo pipefail
build=${1:-build}
exe="$build/tests/bench/scale-core"
[ -x "$exe" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Instructions inside one function, per callgrind.
count()
{
	local n=$1 fn=$2
	valgrind --tool=callgrind --toggle-collect="$fn" \
	    --callgrind-out-file="$dir/cg.$n.$fn" "$exe" "$n" "$dir" \
	    >/dev/null 2>&1
	callgrind_annotate "$dir/cg.$n.$fn" | awk '/PROGRAM TOTALS/ {
	    gsub(",", "", $1); print $1 }'
}

for n in 1000 1000000; do
	/usr/bin/env time -f "  process: %e s wall, %M KiB peak RSS" \
	    "$exe" "$n" "$dir" 2>&1
	ls -l "$dir/scale-$n.smtpscope" | awk '{ printf "  file: %.1f MiB\n", $5 / 1048576 }'
done
# The explorer over the saved sessions: one scroll step and one replay
# step back, each with the frame it draws.
tui="$build/tests/bench/scale-tui"
count_tui()
{
	local n=$1 fn=$2
	valgrind --tool=callgrind --toggle-collect="$fn" \
	    --callgrind-out-file="$dir/cgt.$n.$fn" "$tui" \
	    "$dir/scale-$n.smtpscope" >/dev/null 2>&1
	callgrind_annotate "$dir/cgt.$n.$fn" | awk '/PROGRAM TOTALS/ {
	    gsub(",", "", $1); print $1 }'
}

for fn in bench_step_back bench_step_forward bench_scroll bench_replay_back; do
	case $fn in
	bench_scroll|bench_replay_back)
		small=$(count_tui 1000 "$fn")
		large=$(count_tui 1000000 "$fn") ;;
	*)
		small=$(count 1000 "$fn")
		large=$(count 1000000 "$fn") ;;
	esac
	awk -v f="$fn" -v s="$small" -v l="$large" 'BEGIN {
	    printf "%-20s %10d instructions at 1e3, %10d at 1e6, ratio %.2f\n",
	    f, s, l, l / s }'
done
