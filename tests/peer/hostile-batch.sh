#!/bin/bash
# hostile-batch.sh SMTPSCOPE HOSTILE-PEER CASE
#
# Batch mode against one hostile peer case, checked the way a user would:
# smtpscope does not crash, gives up within the step timeout plus a margin,
# keeps its memory bounded, says clearly what happened, writes no byte a
# terminal would act on, and (in --json) names the anomalies it saw.
set -u

SMTPSCOPE=${1:?usage: $0 SMTPSCOPE HOSTILE-PEER CASE}
PEER=${2:?usage: $0 SMTPSCOPE HOSTILE-PEER CASE}
CASE=${3:?usage: $0 SMTPSCOPE HOSTILE-PEER CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${PYTHON:-python3}	# meson passes the one it runs on

STEP_TIMEOUT=3		# --timeout given to smtpscope, per step
MARGIN=5		# seconds allowed past it for everything else
MAX_RSS_KB=65536	# 64 MiB: the bound doc/hostile-peer.md states
# AddressSanitizer keeps freed memory in quarantine and adds shadow memory:
# the same run needs several times as much there, still bounded.
if grep -q __asan_init "$SMTPSCOPE" 2>/dev/null; then
	MAX_RSS_KB=524288
fi

# What a user should get from each case: accepted exit codes (see the
# batch exit codes in doc/), a regular expression the text output must
# match (case-insensitive; - for none), anomaly codes the JSON must list
# (comma list; - for none), and extra options (comma list; - for none).
#
# case                  codes  message                    anomalies              options
CASES='
plain                   0      221                        -                      -
never-greets            6      tim(e|ed).?out             -                      -
long-line               6|7    tim(e|ed).?out|long        line-too-long          -
huge-ehlo               0|7    -                          too-many-lines         -
ehlo-5m                 0      not.kept:.4999001.lines    too-many-lines         -
endless-line            6|7    not.kept:.*line.past       line-too-long          -
reply-flood             0|7    -                          -                      -
fat-lines               7      memory.bound               line-too-long,control  -
nul-utf8                0|7    -                          nul,bad-utf8           -
escapes                 0      -                          control                -
bare-lf                 0      -                          bare-lf                -
bad-codes               0|7    -                          code-mismatch,bad-code -
slow                    0      221                        -                      -
close-mid-reply         7      clos|drop                  incomplete             -
reset                   7      reset|drop|clos            -                      -
tls-garbage             4      tls|handshake              -                      --starttls
inject-after-starttls   4|7    inject                     injected               --starttls
starttls-454            5      454                        -                      --starttls
flood-after-quit        0      221                        -                      -
'

# The contract between result names and batch exit codes.
declare -A STATUS_EXIT=([ok]=0 [refused]=5 [connect]=3 [tls]=4 [verify]=4
    [timeout]=6 [dropped]=7 [protocol]=7)

DIR=
PEER_PID=

log()
{
	printf 'hostile-batch[%s]: %s\n' "$CASE" "$*" >&2
}

fail()
{
	log "FAIL: $*"
	if [ -n "$DIR" ]; then
		log "--- stdout (first 3000 bytes, escaped) ---"
		head -c 3000 "$DIR/out" | cat -v >&2
		log "--- stderr (first 2000 bytes, escaped) ---"
		head -c 2000 "$DIR/err" | cat -v >&2
	fi
	exit 1
}

cleanup()
{
	if [ -n "$PEER_PID" ]; then
		kill "$PEER_PID" 2>/dev/null
		wait "$PEER_PID" 2>/dev/null
	fi
	[ -n "$DIR" ] && rm -rf "$DIR"
}

# The case's row of the table, split into CODES MESSAGE ANOMALIES OPTIONS.
case_row()
{
	local name rest
	while read -r name rest; do
		if [ "$name" = "$CASE" ]; then
			read -r CODES MESSAGE ANOMALIES OPTIONS <<<"$rest"
			return 0
		fi
	done <<<"$CASES"
	return 1
}

# Start the peer for two connections (text run and JSON run); sets PORT.
peer_start()
{
	local i
	"$PEER" --listen 127.0.0.1:0 --case "$CASE" --port-file "$DIR/port" \
	    --connections 2 --time-limit 60 2>"$DIR/peer.log" &
	PEER_PID=$!
	for i in $(seq 1 200); do
		[ -s "$DIR/port" ] && break
		sleep 0.02
	done
	[ -s "$DIR/port" ] || fail "hostile-peer did not start: $(cat "$DIR/peer.log")"
	PORT=$(cat "$DIR/port")
}

# Run smtpscope --batch with the case's options; sets RC, ELAPSED, RSS_KB.
run_batch()
{
	local opts=()
	[ "$OPTIONS" = - ] || IFS=, read -r -a opts <<<"$OPTIONS"
	timeout -k 2 30 /usr/bin/time -f '%e %M' -o "$DIR/time" \
	    "$SMTPSCOPE" --batch --timeout "$STEP_TIMEOUT" "${opts[@]}" "$@" \
	    "127.0.0.1:$PORT" </dev/null >"$DIR/out" 2>"$DIR/err"
	RC=$?
	[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] ||
	    fail "smtpscope still running after 30 s: it hangs"
	# time(1) reports a child killed by a signal on its first line.
	if grep -q 'terminated by signal' "$DIR/time"; then
		fail "smtpscope crashed: $(head -n 1 "$DIR/time")"
	fi
	[ "$RC" -lt 128 ] || fail "smtpscope died with exit code $RC"
	read -r ELAPSED RSS_KB < <(tail -n 1 "$DIR/time")
	log "exit $RC after ${ELAPSED}s, max RSS ${RSS_KB} KiB ($*)"
}

# The checks common to both runs.
check_run()
{
	local what=$1
	[[ "|$CODES|" == *"|$RC|"* ]] ||
	    fail "$what: exit code $RC, expected one of $CODES"
	awk -v e="$ELAPSED" -v l=$((STEP_TIMEOUT + MARGIN)) \
	    'BEGIN { exit !(e <= l) }' ||
	    fail "$what: took ${ELAPSED}s, more than the step timeout + ${MARGIN}s"
	[ "$RSS_KB" -le "$MAX_RSS_KB" ] ||
	    fail "$what: max RSS ${RSS_KB} KiB exceeds ${MAX_RSS_KB} KiB"
	[ -s "$DIR/out" ] || [ -s "$DIR/err" ] ||
	    fail "$what: smtpscope said nothing at all"
}

# Text mode: say what happened, in safe characters only.
check_text()
{
	run_batch
	check_run text
	"$PYTHON" "$HERE/terminal-safe.py" text "$DIR/out" "$DIR/err" >&2 ||
	    fail "text output carries bytes a terminal would act on"
	if [ "$MESSAGE" != - ]; then
		cat "$DIR/out" "$DIR/err" | grep -qiE -- "$MESSAGE" ||
		    fail "the output never mentions /$MESSAGE/"
	fi
}

# JSON mode: one valid document whose texts are escaped and whose
# anomalies name what the peer did.
check_json()
{
	local a status
	run_batch --json
	check_run json
	"$PYTHON" "$HERE/terminal-safe.py" text "$DIR/out" "$DIR/err" >&2 ||
	    fail "JSON output carries bytes a terminal would act on"
	jq -e . "$DIR/out" >/dev/null 2>&1 || fail "stdout is not one JSON document"
	jq -e '.events | length > 0' "$DIR/out" >/dev/null ||
	    fail "the JSON transcript is empty: the events up to the fault are lost"
	status=$(jq -r '.result.status' "$DIR/out")
	[ "${STATUS_EXIT[$status]:-}" = "$RC" ] ||
	    fail "JSON status \"$status\" does not match exit code $RC"
	[ "$ANOMALIES" = - ] && return 0
	for a in ${ANOMALIES//,/ }; do
		jq -e --arg a "$a" '[.anomalies[]?.code] | index($a) != null' \
		    "$DIR/out" >/dev/null ||
		    fail "the JSON anomalies do not list $a: $(jq -c .anomalies "$DIR/out")"
	done
}

main()
{
	case_row || fail "no row for case $CASE in the table"
	command -v jq >/dev/null || { log "SKIP: jq is not installed"; exit 77; }
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/hostile-batch.XXXXXX") || exit 1
	trap cleanup EXIT
	peer_start
	check_text
	check_json
	log "ok"
}

main
