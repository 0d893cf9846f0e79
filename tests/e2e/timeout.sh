#!/bin/bash
# A server that accepts the connection and never says a word: smtpscope
# waits --timeout seconds for the banner, then exits 6 and says why.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
silent_start

start=$SECONDS
scope --batch --timeout 2 "127.0.0.1:$SILENT_PORT"
elapsed=$((SECONDS - start))
expect_rc 6 "silent server"
expect_text 'time(d)? ?out' "the word timeout"
[ "$elapsed" -ge 1 ] && [ "$elapsed" -le 10 ] ||
    fail "gave up after $elapsed s with --timeout 2"
expect_no_raw_controls

scope --json --timeout 2 "127.0.0.1:$SILENT_PORT"
expect_rc 6 "silent server, JSON"
expect_json '.result.status == "timeout"' "status timeout"
expect_json '[.events[] | select(.dir == "S")] | length == 0' "the server said nothing"
expect_json '[.events[] | select(.dir == "I" and .kind == "timeout")] | length > 0' "the timeout is in the transcript"
exit 0
