#!/bin/bash
# A server whose replies carry terminal escapes, a bell, a NUL, invalid
# UTF-8 and a bare LF.  None of those bytes may reach the user's terminal
# raw, in the text report or in JSON, and the JSON keeps them as escapes.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
hostile_start

scope --batch "127.0.0.1:$HOSTILE_PORT"
[ "$RC" -eq 0 ] || [ "$RC" -eq 7 ] || fail "exit code $RC, expected 0 or 7"
expect_no_raw_controls
expect_text 'evil\.test' "the banner text is shown"
expect_text '\\e\[2J' "the escape shown as \\e"

scope --json "127.0.0.1:$HOSTILE_PORT"
expect_no_raw_controls
expect_json '[.events[] | select(.dir == "S") | .text] | join("") | contains("\\e[2J") and (ascii_downcase | contains("\\xff")) and contains("\\x07")' \
    "escapes kept visible in the JSON text"
expect_json '[.anomalies[].code] | index("bare-lf") != null' "the bare LF reported"
exit 0
