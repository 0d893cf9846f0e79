#!/bin/bash
# bench-scale.sh [BUILD] [DIR]: long sessions (issue 6).
#
# Writes sessions of 1,000, 19,000 and 1,000,000 events with the core API
# (tests/bench/bench-scale.c: connections with EHLO, STARTTLS and its TLS
# records, AUTH, a message, NOOPs, QUIT) as native files in DIR (a
# temporary directory, removed, when not given), then prints:
#   - file size, ss_store_load time and RSS, ss_dialog_build time and RSS;
#   - the instructions of one replay step, counted by callgrind inside a
#     function that does exactly that step (so loading is not counted):
#     backwards (ss_dialog_view of the previous event count; one step at a
#     fixed place, and the mean of 96 steps in a row), forwards (the next
#     step's events fed);
#   - the same for the explorer (tests/bench/scale-tui.c, the in-memory
#     canvas at 120x40): one scroll step of the wire pane with the frame
#     it draws, one replay step back and one forwards with their frames;
#   - each as a ratio of 1,000,000 events to 1,000 (the target: close to
#     1).  19,000 events is the explorer's worst case: just under the
#     20,000 above which its header stops judging findings at every step.
# A benchmark, not a test: the figures depend on the machine.
set -euo pipefail
build=${1:-build}
dir=${2:-}
core="$build/tests/bench/bench-scale"
tui="$build/tests/bench/scale-tui"
for x in "$core" "$tui"; do
	[ -x "$x" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
done
for x in valgrind callgrind_annotate /usr/bin/time; do
	command -v "$x" >/dev/null || { echo "needs $x" >&2; exit 2; }
done
if [ -z "$dir" ]; then
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
SIZES="1000 19000 1000000"
# A real certificate for the TLS records, when the system has one.
pem=$(ls /etc/ssl/certs/*.pem 2>/dev/null | head -1 || true)

echo "== sessions (bench-scale.c; each load in a fresh process)"
for n in $SIZES; do
	f="$dir/scale-$n.smtpscope"
	"$core" gen "$n" "$f" $pem >/dev/null
	printf 'session of %s events, file %s\n' "$n" \
	    "$(stat -c %s "$f" | awk '{ printf "%.1f KiB", $1 / 1024 }')"
	/usr/bin/time -f "  process: %e s wall, %M KiB peak RSS" \
	    "$core" load "$f" 2>&1
done

# Inclusive instructions of a function in a callgrind profile.
incl()
{
	callgrind_annotate --inclusive=yes --threshold=100 "$1" |
	    awk -v fn=":$2 " 'index($0, fn) && !done {
		gsub(",", "", $1); print $1; done = 1 }'
}

CORE_FNS="bench_step_back bench_steps_back bench_step_forward"
TUI_FNS="bench_scroll bench_replay_back bench_replay_fwd"
echo "== one step, in instructions (callgrind, only inside the step)"
for n in $SIZES; do
	f="$dir/scale-$n.smtpscope"
	# shellcheck disable=SC2086
	valgrind --tool=callgrind $(printf -- '--toggle-collect=%s ' $CORE_FNS) \
	    --callgrind-out-file="$dir/cg-core.$n" "$core" load "$f" \
	    >/dev/null 2>&1
	# shellcheck disable=SC2086
	valgrind --tool=callgrind $(printf -- '--toggle-collect=%s ' $TUI_FNS) \
	    --callgrind-out-file="$dir/cg-tui.$n" "$tui" "$f" >/dev/null 2>&1
done

# Print one row: what, its count per size, and the ratio 1e6 / 1e3.
row()
{
	local what=$1 kind=$2 fn=$3 div=$4 n vals=()
	for n in $SIZES; do
		vals+=("$(incl "$dir/cg-$kind.$n" "$fn")")
	done
	awk -v w="$what" -v a="${vals[0]:-0}" -v b="${vals[1]:-0}" \
	    -v c="${vals[2]:-0}" -v d="$div" 'BEGIN {
		a /= d; b /= d; c /= d
		printf "%-44s %12.0f %12.0f %12.0f %7.2f\n", w, a, b, c,
		    (a > 0 ? c / a : 0) }'
}

printf '%-44s %12s %12s %12s %7s\n' "one step" "1e3 events" \
    "19e3 events" "1e6 events" "1e6/1e3"
row "core: back (ss_dialog_view), one step (*)" core bench_step_back 1
row "core: back, mean of 96 steps in a row" core bench_steps_back 96
row "core: forwards (next step's events fed)" core bench_step_forward 1
row "explorer: scroll the wire pane + frame" tui bench_scroll 1
row "explorer: replay step back + frame" tui bench_replay_back 1
row "explorer: replay step forwards + frame" tui bench_replay_fwd 1
echo "(*) a step back costs the events since the last quiet point (one comes"
echo "    every 32 events or so), so one step depends on where it falls; the mean"
echo "    of 96 steps in a row is the like-for-like figure."
echo "    The explorer's replay steps judge the findings of the whole prefix at"
echo "    every step for sessions up to 20,000 events (src/tui/findings.c:"
echo "    tui_findings_counts -> core ss_findings_run, whose certificate checks"
echo "    decode and verify each connection's leaf once per rule); above that"
echo "    they wait for the user to open the findings: hence 1e3 > 1e6 there."
