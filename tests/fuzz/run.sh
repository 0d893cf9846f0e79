#!/bin/bash
# tests/fuzz/run.sh SECONDS [TARGET...]: build the libFuzzer harnesses if
# needed, replay every saved regression input, then fuzz each target for
# SECONDS with its dictionary and seed corpus.  Exits non-zero if any input
# crashes, leaks, trips UBSan or breaks a harness's property.
#
# Environment:
#   FUZZ_BUILD     build directory (default: build-fuzz at the top)
#   FUZZ_JOBS      targets fuzzed at once (default: the number of CPUs)
#   FUZZ_ARGS      extra libFuzzer arguments, e.g. "-max_len=65536"
#
# New corpus entries go to $FUZZ_BUILD/fuzz-corpus/TARGET (the seeds in
# tests/fuzz/corpus stay as they are); crashing inputs are saved as
# $FUZZ_BUILD/fuzz-artifacts/TARGET/crash-*.  doc/fuzzing.md has more.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
all_targets=(reply caps store import-telnet import-swaks import-openssl
    import-phpmailer import-smtplib import-prefixed import-exchange
    import-javamail import-postfix import-opensmtpd import-thunderbird
    import-outlook text theme keys sasl-scram sasl-oauth)

usage()
{
	echo "usage: tests/fuzz/run.sh SECONDS [TARGET...]" >&2
	echo "targets: ${all_targets[*]}" >&2
	exit 2
}

[ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
	[ -f "$here/fuzz-${t%%-*}.c" ] || [ -f "$here/fuzz-$t.c" ] || usage
done

build=$(realpath -m "${FUZZ_BUILD:-$top/build-fuzz}")
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
extra=${FUZZ_ARGS:-}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# Configure once (clang, ASan+UBSan, only what the fuzzers need), build.
build_fuzzers()
{
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" "$top" -Dfuzz=true \
		    -Db_sanitize=address,undefined -Db_lundef=false \
		    -Dtests=false >"$build.setup.log" 2>&1 || {
			cat "$build.setup.log" >&2
			return 1
		}
	fi
	# Only the harnesses: the program itself is not needed here.
	ninja -C "$build" "${targets[@]/#/tests/fuzz/fuzz-}" \
	    >"$build/fuzz-ninja.log" 2>&1 || {
		tail -40 "$build/fuzz-ninja.log" >&2
		return 1
	}
}

# The dictionary of a target: the SMTP words plus the target's own.
target_dict()
{
	local t=$1 out="$build/fuzz-dict/$1.dict"

	mkdir -p "$build/fuzz-dict"
	case $t in
	theme|keys|text|sasl-*)	cat "$here/$t.dict" ;;
	store)			cat "$here/smtp.dict" "$here/store.dict" ;;
	import-*)		cat "$here/smtp.dict" "$here/$t.dict" ;;
	*)			cat "$here/smtp.dict" ;;
	esac >"$out"
	echo "$out"
}

# Replay the saved inputs of every target: each must now pass.
run_regressions()
{
	local dir t files rc=0

	for dir in "$here"/regressions/*/; do
		[ -d "$dir" ] || continue
		t=$(basename "$dir")
		files=("$dir"*)
		[ -e "${files[0]}" ] || continue
		if "$build/tests/fuzz/fuzz-$t" -runs=1 "${files[@]}" \
		    >"$build/fuzz-logs/regress-$t.log" 2>&1; then
			echo "regressions $t: ${#files[@]} input(s) pass"
		else
			echo "regressions $t: FAILED" \
			    "(log: $build/fuzz-logs/regress-$t.log)"
			grep -m5 -E 'ERROR|property failed|runtime error' \
			    "$build/fuzz-logs/regress-$t.log"
			rc=1
		fi
	done
	return $rc
}

# Fuzz one target for the given time; the log holds libFuzzer's stats.
fuzz_one()
{
	local t=$1 dict work art

	dict=$(target_dict "$t")
	work="$build/fuzz-corpus/$t"
	art="$build/fuzz-artifacts/$t"
	mkdir -p "$work" "$art" "$build/fuzz-scratch"
	# Run from a scratch directory: nothing a harness does may land in
	# the source tree (all paths here are absolute).
	cd "$build/fuzz-scratch" || return 1
	# shellcheck disable=SC2086
	"$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -dict="$dict" \
	    -artifact_prefix="$art/" $extra "$work" "$here/corpus/$t" \
	    >"$build/fuzz-logs/$t.log" 2>&1
}

# One line per target: executions, corpus size, verdict.
summarise()
{
	local t=$1 rc=$2 log="$build/fuzz-logs/$1.log" execs cov

	execs=$(grep -o 'number_of_executed_units: [0-9]*' "$log" |
	    awk '{ print $2 }')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{ print $2 }')
	if [ "$rc" -eq 0 ]; then
		printf '%-16s ok      %10s execs  cov %s\n' "$t" "${execs:-?}" \
		    "${cov:-?}"
	else
		printf '%-16s FAILED  %10s execs  (log: %s)\n' "$t" \
		    "${execs:-?}" "$log"
		grep -m5 -E 'ERROR|property failed|runtime error|Test unit' \
		    "$log"
		ls "$build/fuzz-artifacts/$t" 2>/dev/null | sed 's/^/  saved: /'
	fi
}

build_fuzzers || exit 1
mkdir -p "$build/fuzz-logs"
status=0
run_regressions || status=1

# Fuzz FUZZ_JOBS targets at a time.
declare -A pids
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	fuzz_one "$t" &
	pids[$t]=$!
done
for t in "${targets[@]}"; do
	wait "${pids[$t]}"
	rc=$?
	summarise "$t" "$rc"
	[ "$rc" -eq 0 ] || status=1
done
exit $status
