#!/bin/bash
# bench-probe.sh [SMTPSCOPE] [RUNS]: the cost of one probe, four ways.
#
# Against a private Exim (tests/e2e/lib.sh: STARTTLS, AUTH only after TLS;
# Debian's Exim is built with GnuTLS and offers TLS 1.3), RUNS rounds
# (default 40), the order rotating each round, of:
#   smtpscope  the default batch probe with AUTH PLAIN (EHLO, STARTTLS, EHLO,
#              AUTH, EHLO, QUIT), verifying the certificate;
#   min-client tests/bench/min-client.c: a blocking mbedTLS client built
#              against the same mbedTLS, doing exactly banner, EHLO,
#              STARTTLS, EHLO, AUTH PLAIN, QUIT with TCP_NODELAY, verifying;
#   openssl    s_client -starttls smtp -quiet, fed EHLO, AUTH PLAIN, EHLO and
#              QUIT from a file, verifying the certificate;
#   swaks      --tls --auth PLAIN --quit-after AUTH (EHLO, STARTTLS, EHLO,
#              AUTH, QUIT), no verification.
# Each round measures every client's wall time, CPU (user + system, of the
# client and its children) and peak RSS, in three runs apart: a timed one,
# one under perf stat (task-clock) and one under GNU time.  Then
# `smtpscope --version`, alternating with BASELINE (an older build's binary, e.g. the last one on mbedTLS 2.28; its directory
# goes to LD_LIBRARY_PATH, so the old shared libraries can sit beside it),
# VERSION_RUNS times each (default 400): median wall time, and the
# instructions of one run under callgrind (dynamic loading included).
#
# It prints the medians, the ratios, and the targets: wall time at most
# 1.1 times min-client's, client CPU at least 5x lower than swaks', peak
# RSS under 8 MiB, and --version no slower than BASELINE's (wall within
# 5%, the noise of a loaded machine; the instruction count is the steady
# figure).  Exits 1 when a target is missed.
#
# Not part of `meson test`: the figures depend on the machine.  Needs root
# (Exim) and installs swaks and GNU time with apt when they are missing.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SMTPSCOPE=${1:-$HERE/../../build/src/cli/smtpscope}
RUNS=${2:-40}
VERSION_RUNS=${VERSION_RUNS:-400}
BASELINE=${BASELINE:-}
MIN_CLIENT=${MIN_CLIENT:-$(dirname "$SMTPSCOPE")/../../tests/bench/min-client}
TOOLS=(smtpscope min-client openssl swaks)
[ -x "$MIN_CLIENT" ] || { echo "bench: no $MIN_CLIENT (ninja -C BUILD)" >&2; exit 2; }

# swaks and GNU time are not part of the build; fetch them if needed.
bench_install()
{
	local pkgs=()
	command -v swaks >/dev/null || pkgs+=(swaks libnet-ssleay-perl)
	[ -x /usr/bin/time ] || pkgs+=(time)
	command -v openssl >/dev/null || pkgs+=(openssl)
	command -v jq >/dev/null || pkgs+=(jq)
	[ "${#pkgs[@]}" -eq 0 ] && return 0
	echo "bench: installing ${pkgs[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}" \
	    </dev/null >/dev/null ||
	    { echo "bench: apt-get install ${pkgs[*]} failed" >&2; exit 1; }
}

bench_install
HAVE_PERF=0
perf stat -x, -e task-clock -o /dev/null true 2>/dev/null && HAVE_PERF=1
. "$HERE/../e2e/lib.sh"
e2e_init "$SMTPSCOPE"
exim_start

AUTH_PLAIN=$(printf '\0%s\0%s' "$E2E_USER" "$E2E_PASSWORD" | base64 -w0)
printf 'EHLO bench.smtpscope.local\r\nAUTH PLAIN %s\r\nEHLO bench.smtpscope.local\r\nQUIT\r\n' \
    "$AUTH_PLAIN" > "$E2E_DIR/openssl.in"

# The command line of one client; stdin comes from bench_stdin.
bench_command()
{
	case $1 in
	smtpscope)
		CMD=("$SMTPSCOPE" --batch "${EXIM_TRUST[@]}" --user "$E2E_USER"
		    --password-file "$E2E_DIR/password" --auth PLAIN
		    "127.0.0.1:$EXIM_PORT") ;;
	min-client)
		CMD=("$MIN_CLIENT" 127.0.0.1 "$EXIM_PORT" "$EXIM_CA" "$EXIM_NAME"
		    "$E2E_USER" "$E2E_DIR/password") ;;
	swaks)
		CMD=(swaks --server "127.0.0.1:$EXIM_PORT" --tls --auth PLAIN
		    --auth-user "$E2E_USER" --auth-password "$E2E_PASSWORD"
		    --quit-after AUTH) ;;
	openssl)
		CMD=(openssl s_client -starttls smtp -quiet
		    -connect "127.0.0.1:$EXIM_PORT" -CAfile "$EXIM_CA"
		    -servername "$EXIM_NAME" -verify_hostname "$EXIM_NAME"
		    -verify_return_error) ;;
	esac
}

bench_stdin()
{
	if [ "$1" = openssl ]; then
		echo "$E2E_DIR/openssl.in"
	else
		echo /dev/null
	fi
}

# Seconds since the epoch, to the microsecond, without forking.
now() { printf '%s\n' "$EPOCHREALTIME"; }

# Three runs of one client: wall time (microseconds, bash's clock around
# the run), CPU (perf's task-clock of the client and its children, or
# bash's user+system to the millisecond without perf) and peak RSS (GNU
# time).  Apart, so no tool's own cost lands in another figure.
bench_one()
{
	local tool=$1 in status t0 t1
	bench_command "$tool"
	in=$(bench_stdin "$tool")
	t0=$(now)
	"${CMD[@]}" <"$in" >"$E2E_DIR/$tool.out" 2>&1
	status=$?
	t1=$(now)
	if [ "$status" -ne 0 ] || ! grep -q '^.*235 ' "$E2E_DIR/$tool.out"; then
		cat "$E2E_DIR/$tool.out" >&2
		fail "$tool failed (exit $status) or saw no 235"
	fi
	awk "BEGIN { print $t1 - $t0 }" >> "$E2E_DIR/$tool.wall"
	if [ "$HAVE_PERF" = 1 ]; then
		perf stat -x, -e task-clock -o "$E2E_DIR/perf.tmp" -- \
		    "${CMD[@]}" <"$in" >/dev/null 2>&1 ||
		    fail "$tool failed under perf stat"
		awk -F, '$3 == "task-clock" { print $1 / 1000 }' \
		    "$E2E_DIR/perf.tmp" >> "$E2E_DIR/$tool.cpu"
	else
		TIMEFORMAT='%3U %3S'
		{ time "${CMD[@]}" <"$in" >/dev/null 2>&1; } 2>"$E2E_DIR/cpu.tmp" ||
		    fail "$tool failed"
		awk '{ print $1 + $2 }' "$E2E_DIR/cpu.tmp" >> "$E2E_DIR/$tool.cpu"
	fi
	/usr/bin/time -f '%M' -o "$E2E_DIR/rss.tmp" "${CMD[@]}" <"$in" \
	    >/dev/null 2>&1 || fail "$tool failed under /usr/bin/time"
	cat "$E2E_DIR/rss.tmp" >> "$E2E_DIR/$tool.rss"
}

# Median of the numbers in column $2 of file $1 (for the RSS file: $2 = 1).
median()
{
	awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The medians of one client: wall ms, CPU ms (user + sys), peak RSS KiB.
bench_medians()
{
	local tool=$1
	WALL=$(median "$E2E_DIR/$tool.wall" 1)
	CPU=$(median "$E2E_DIR/$tool.cpu" 1)
	RSS=$(median "$E2E_DIR/$tool.rss" 1)
}

echo "bench: $RUNS rounds against Exim $("$EXIM" -bV 2>/dev/null |
    awk 'NR == 1 { print $3 }') on 127.0.0.1:$EXIM_PORT ($SMTPSCOPE)"
echo "bench: $("$SMTPSCOPE" --version | head -n 1); load $(cut -d' ' -f1-3 /proc/loadavg)"
for tool in "${TOOLS[@]}"; do	# warm-up: caches, Exim's first fork
	bench_one "$tool"
	: > "$E2E_DIR/$tool.wall"
	: > "$E2E_DIR/$tool.cpu"
	: > "$E2E_DIR/$tool.rss"
done
for round in $(seq 1 "$RUNS"); do
	for k in 0 1 2 3; do
		bench_one "${TOOLS[$(( (round + k) % 4 ))]}"
	done
done

echo "bench: TLS of smtpscope: $(grep -o ' version=TLSv1\.[0-9] cipher=[A-Z0-9_]*' "$E2E_DIR/smtpscope.out" | head -n 1)," \
    "of min-client: $(head -n 1 "$E2E_DIR/min-client.out");" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A wall cpu rss
printf '\n%-10s %12s %12s %14s\n' client 'wall ms' 'CPU ms' 'peak RSS MiB'
for tool in "${TOOLS[@]}"; do
	bench_medians "$tool"
	wall[$tool]=$WALL cpu[$tool]=$CPU rss[$tool]=$RSS
	printf '%-10s %12.1f %12.1f %14.2f\n' "$tool" \
	    "$(awk "BEGIN { print $WALL * 1000 }")" \
	    "$(awk "BEGIN { print $CPU * 1000 }")" "$(awk "BEGIN { print $RSS / 1024 }")"
done

verdict=0
# Print one ratio with its target (none: "-"); remember a miss.
check()
{
	local what=$1 value=$2 op=${3:--} limit=${4:-}
	if [ "$op" = - ]; then
		printf '%-44s %8.2f\n' "$what" "$value"
	elif awk "BEGIN { exit !($value $op $limit) }"; then
		printf '%-44s %8.2f  target %s %s  ok\n' "$what" "$value" "$op" "$limit"
	else
		printf '%-44s %8.2f  target %s %s  MISSED\n' "$what" "$value" "$op" "$limit"
		verdict=1
	fi
}

echo
check "wall: smtpscope / min-client" \
    "$(awk "BEGIN { print ${wall[smtpscope]} / ${wall[min-client]} }")" '<=' 1.10
check "wall: smtpscope / openssl" \
    "$(awk "BEGIN { print ${wall[smtpscope]} / ${wall[openssl]} }")"
check "wall: smtpscope / swaks" \
    "$(awk "BEGIN { print ${wall[smtpscope]} / ${wall[swaks]} }")"
check "CPU: swaks / smtpscope" \
    "$(awk "BEGIN { c = ${cpu[smtpscope]}; if (c < 0.001) c = 0.001; print ${cpu[swaks]} / c }")" '>=' 5
check "CPU: openssl / smtpscope" \
    "$(awk "BEGIN { c = ${cpu[smtpscope]}; if (c < 0.001) c = 0.001; print ${cpu[openssl]} / c }")"
check "CPU: smtpscope / min-client" \
    "$(awk "BEGIN { c = ${cpu[min-client]}; if (c < 0.001) c = 0.001; print ${cpu[smtpscope]} / c }")"
check "peak RSS: smtpscope (MiB)" \
    "$(awk "BEGIN { print ${rss[smtpscope]} / 1024 }")" '<' 8

# --version: wall time of many runs, one at a time, alternating with the
# baseline; instructions of one run each under callgrind.
version_run()
{
	local exe=$1 out=$2 i t0 t1
	for i in 1 2 3 4 5; do
		t0=$(now)
		LD_LIBRARY_PATH=${3:-} "$exe" --version >/dev/null
		t1=$(now)
		awk "BEGIN { print $t1 - $t0 }" >> "$out"
	done
}

version_instructions()
{
	LD_LIBRARY_PATH=${2:-} valgrind --tool=callgrind \
	    --callgrind-out-file=/dev/null "$1" --version 2>&1 >/dev/null |
	    awk '/Collected/ { print $NF }'
}

echo
: > "$E2E_DIR/version.now"
: > "$E2E_DIR/version.base"
for round in $(seq 1 $(( VERSION_RUNS / 5 ))); do
	version_run "$SMTPSCOPE" "$E2E_DIR/version.now"
	if [ -n "$BASELINE" ]; then
		version_run "$BASELINE" "$E2E_DIR/version.base" \
		    "$(dirname "$BASELINE")"
	fi
done
v_now=$(median "$E2E_DIR/version.now" 1)
i_now=$(version_instructions "$SMTPSCOPE")
printf '%-44s %8.2f ms  %s instructions\n' "--version: smtpscope" \
    "$(awk "BEGIN { print $v_now * 1000 }")" "${i_now:-?}"
if [ -n "$BASELINE" ]; then
	v_base=$(median "$E2E_DIR/version.base" 1)
	i_base=$(version_instructions "$BASELINE" "$(dirname "$BASELINE")")
	printf '%-44s %8.2f ms  %s instructions\n' "--version: baseline" \
	    "$(awk "BEGIN { print $v_base * 1000 }")" "${i_base:-?}"
	check "--version wall: smtpscope / baseline" \
	    "$(awk "BEGIN { print $v_now / $v_base }")" '<=' 1.05
	if [ -n "$i_now" ] && [ -n "$i_base" ]; then
		check "--version instructions: smtpscope / baseline" \
		    "$(awk "BEGIN { print $i_now / $i_base }")"
	fi
fi
exit "$verdict"
