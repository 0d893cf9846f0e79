#!/bin/bash
# bench-probe.sh [SMTPSCOPE] [RUNS]: the cost of one probe, three ways.
#
# Against a private Exim (tests/e2e/lib.sh: STARTTLS, AUTH only after TLS),
# RUNS rounds (default 30), the order rotating each round, of:
#   smtpscope  the default batch probe with AUTH PLAIN (EHLO, STARTTLS, EHLO,
#              AUTH, EHLO, QUIT), verifying the certificate;
#   swaks      --tls --auth PLAIN --quit-after AUTH (EHLO, STARTTLS, EHLO,
#              AUTH, QUIT), no verification;
#   openssl    s_client -starttls smtp -quiet, fed EHLO, AUTH PLAIN, EHLO and
#              QUIT from a file, verifying the certificate.
# Each round times every client once (bash's `time`: wall, user and system
# CPU of the client, in ms) and runs it once more under /usr/bin/time for its
# peak RSS.  It prints the medians, the ratios, and the targets: wall time
# within 10% of openssl's, client CPU at least 5x lower than swaks', peak
# RSS under 8 MiB.  Exits 1 when a target is missed.
#
# Not part of `meson test`: the figures depend on the machine.  Needs root
# (Exim) and installs swaks and GNU time with apt when they are missing.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SMTPSCOPE=${1:-$HERE/../../build/src/cli/smtpscope}
RUNS=${2:-30}
TOOLS=(smtpscope swaks openssl)

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

# One timed run and one RSS run of a client; the figures go to files.
bench_one()
{
	local tool=$1 in status
	bench_command "$tool"
	in=$(bench_stdin "$tool")
	TIMEFORMAT='%3R %3U %3S'
	{ time "${CMD[@]}" <"$in" >"$E2E_DIR/$tool.out" 2>&1; } \
	    2>>"$E2E_DIR/$tool.times"
	status=$?
	if [ "$status" -ne 0 ] || ! grep -q '^.*235 ' "$E2E_DIR/$tool.out"; then
		cat "$E2E_DIR/$tool.out" >&2
		fail "$tool failed (exit $status) or saw no 235"
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
	awk '{ printf "%s %s\n", $1, $2 + $3 }' "$E2E_DIR/$tool.times" \
	    > "$E2E_DIR/$tool.sum"
	WALL=$(median "$E2E_DIR/$tool.sum" 1)
	CPU=$(median "$E2E_DIR/$tool.sum" 2)
	RSS=$(median "$E2E_DIR/$tool.rss" 1)
}

echo "bench: $RUNS rounds against Exim on 127.0.0.1:$EXIM_PORT ($SMTPSCOPE)"
for tool in "${TOOLS[@]}"; do	# warm-up: caches, Exim's first fork
	bench_one "$tool"
	: > "$E2E_DIR/$tool.times"
	: > "$E2E_DIR/$tool.rss"
done
for round in $(seq 1 "$RUNS"); do
	for k in 0 1 2; do
		bench_one "${TOOLS[$(( (round + k) % 3 ))]}"
	done
done

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
check "wall: smtpscope / openssl" \
    "$(awk "BEGIN { print ${wall[smtpscope]} / ${wall[openssl]} }")" '<=' 1.10
check "wall: smtpscope / swaks" \
    "$(awk "BEGIN { print ${wall[smtpscope]} / ${wall[swaks]} }")"
check "CPU: swaks / smtpscope" \
    "$(awk "BEGIN { c = ${cpu[smtpscope]}; if (c < 0.001) c = 0.001; print ${cpu[swaks]} / c }")" '>=' 5
check "CPU: openssl / smtpscope" \
    "$(awk "BEGIN { c = ${cpu[smtpscope]}; if (c < 0.001) c = 0.001; print ${cpu[openssl]} / c }")"
check "peak RSS: smtpscope (MiB)" \
    "$(awk "BEGIN { print ${rss[smtpscope]} / 1024 }")" '<' 8
exit "$verdict"
