#!/bin/bash
# hostile-case.sh SMTPSCOPE HOSTILE-PEER CASE
#
# The explorer against one hostile peer case, as a user pressing keys:
# no crash, the step ends (or times out) within the step timeout plus a
# margin with a message on screen, the transcript up to the fault stays
# visible, no byte a terminal would act on is written, and q still quits
# cleanly.
. "$(dirname "$0")/lib.sh"
CASE=${3:?usage: $0 SMTPSCOPE HOSTILE-PEER CASE}
tui_init "$@"
TUI_NAME=hostile-$CASE

STEP_TIMEOUT=3
MARGIN=7
# The explorer's memory bound (doc/hostile-peer.md); AddressSanitizer's
# shadow memory and quarantine need several times as much.
MAX_RSS_KB=98304
if grep -q __asan_init "$1" 2>/dev/null; then
	MAX_RSS_KB=524288
fi

# The peak resident memory of the explorer so far (VmHWM, KiB).
peak_rss_kb()
{
	local shell pid
	shell=$(tui_pane '#{pane_pid}')
	pid=$(pgrep -P "$shell" -x smtpscope | head -n 1)
	[ -n "$pid" ] || tui_fail "cannot find the explorer's process"
	awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"
}

# case | keys pressed once the connect step is over | what the screen shows
# when the last step has ended (extended regular expression)
CASES='
plain                 e      S: 250 HELP
never-greets          -      no greeting|[Tt]ime(d)? ?out
long-line             -      no greeting|[Tt]ime(d)? ?out|too long
huge-ehlo             e      X-FILLER
nul-utf8              e      8BIT
escapes               e      pwned-end
bare-lf               e      250 HELP
bad-codes             e      250 done
slow                  e      250 HELP
close-mid-reply       e      [Cc]losed|[Dd]ropped
reset                 e      [Rr]eset|[Cc]losed|[Dd]ropped
tls-garbage           e,s    TLS|[Hh]andshake
inject-after-starttls e,s    [Dd]iscarded|[Ii]nject
starttls-454          e,s    S: 454
flood-after-quit      e,Q    QUIT: 221
ehlo-5m               e      not kept: 4999001 lines
endless-line          -      not kept|[Tt]ime(d)? ?out
reply-flood           e      memory bound
fat-lines             e      memory bound
'

# The command each key sends, for messages.
declare -A VERB=([e]=EHLO [s]=STARTTLS [Q]=QUIT)

# The step is over: the header names a resting state, not "busy".
wait_idle()
{
	local deadline=$(($(date +%s%N) + $1 * 1000000000))
	until tui_screen | head -n 1 | grep -qE '  (ready|closed|idle)( |$)'; do
		[ "$(date +%s%N)" -lt "$deadline" ] ||
		    tui_fail "the step did not end within $1 s"
		sleep "$TUI_POLL"
	done
}

# Press a key and wait for its step to end: the step's first line grows
# the wire pane (the command itself may scroll away behind a flood), then
# the header leaves "busy".
wait_step()
{
	local before deadline=$(($(date +%s%N) + LIMIT * 1000000000))
	before=$(tui_wire_count)
	tui_keys "$1"
	while [ "$(tui_wire_count)" = "$before" ]; do
		[ "$(date +%s%N)" -lt "$deadline" ] ||
		    tui_fail "key $1 started no ${VERB[$1]} step"
		sleep "$TUI_POLL"
	done
	wait_idle "$LIMIT"
}

LIMIT=$((STEP_TIMEOUT + MARGIN))
read -r KEYS EXPECT < <(awk -v c="$CASE" '$1 == c { $1 = ""; print }' <<<"$CASES")
[ -n "${KEYS:-}" ] || tui_fail "no row for case $CASE"

peer_start "$CASE"
tui_start --timeout "$STEP_TIMEOUT" "127.0.0.1:$PEER_PORT"
# The banner, or a word on its absence, comes within the step timeout.
tui_wait_for_re 'S[:!] |no greeting|[Tt]ime(d)? ?out' "$LIMIT"
wait_idle "$LIMIT"
if [ "$KEYS" != - ]; then
	for key in ${KEYS//,/ }; do
		wait_step "$key"
	done
fi
tui_wait_for_re "$EXPECT" "$LIMIT"
tui_alive
RSS_KB=$(peak_rss_kb)
tui_log "peak RSS ${RSS_KB} KiB (bound ${MAX_RSS_KB} KiB)"
[ "$RSS_KB" -le "$MAX_RSS_KB" ] ||
    tui_fail "peak RSS ${RSS_KB} KiB exceeds ${MAX_RSS_KB} KiB"
tui_expect_safe_tty
tui_quit
tui_expect_safe_tty
