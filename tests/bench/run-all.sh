#!/bin/bash
# run-all.sh [BUILD]: every benchmark in one run (doc/benchmarks.md).
#   bench-probe.sh         one batch probe against a private Exim, next to
#                          swaks and openssl s_client (needs root)
#   bench-tui.sh           the explorer: first frame, RSS, idle CPU and
#                          wake-ups, for --demo and a million-event replay
#   bench-scale.sh         1e3, 19e3 and 1e6 events: load, dialog, and the
#                          instructions of one scroll or replay step
#   bench-demo-clients.sh  200 clients at once against --serve-demo
#   bench-flood.sh         a hostile server's floods: peaks, reading a
#                          700 MB reply, drawing and keys during it
# BUILD (default: build) should be a release-like build:
#   meson setup build --buildtype=debugoptimized && ninja -C build
# Takes about five minutes on two cores, most of it callgrind.  Exits 1
# when a script reports a missed target.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
[ -d "$build" ] || { echo "no build dir $build: meson setup $build" \
    "--buildtype=debugoptimized" >&2; exit 2; }
build=$(cd "$build" && pwd)
ninja -C "$build" >/dev/null || exit 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0

section() { printf '\n######## %s\n' "$1"; }

section "machine"
echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' \
    /proc/meminfo), $(uname -sr); build $(basename "$build")" \
    "($(meson configure "$build" 2>/dev/null |
    awk '$1 == "buildtype" { print $2 }'))"

if [ -x "$here/bench-probe.sh" ] || [ -f "$here/bench-probe.sh" ]; then
	section "probe: smtpscope vs swaks vs openssl (bench-probe.sh)"
	bash "$here/bench-probe.sh" "$build/src/cli/smtpscope" || status=1
fi

section "scale: long sessions (bench-scale.sh)"
bash "$here/bench-scale.sh" "$build" "$dir" || status=1

section "explorer (bench-tui.sh)"
bash "$here/bench-tui.sh" "$build" "$dir/scale-1000000.smtpscope" || status=1

section "demo server, 200 clients (bench-demo-clients.sh)"
bash "$here/bench-demo-clients.sh" "$build" 200 || status=1

section "floods from a hostile server (bench-flood.sh)"
bash "$here/bench-flood.sh" "$build" || status=1

exit $status
