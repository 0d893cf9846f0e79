#!/bin/bash
# smtpscope --replay FILE opens a saved session in the explorer with a
# step cursor: n/Space forwards, p/Backspace back, Home/End to the ends;
# the header says "step K of N" and the capability pane shows what was
# known at that step.  The lesson (L), explain mode (x) and the findings
# (f) follow the cursor.  The session is a real one, saved from a batch
# run against the demo server.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

FILE=$TUI_DIR/story.smtpscope
"$SMTPSCOPE" --batch --demo --steps ehlo,starttls,ehlo,quit \
    --save "$FILE" --note "AUTH only after STARTTLS" >/dev/null 2>&1 ||
    tui_fail "the batch run to save a session failed"
[ -s "$FILE" ] || tui_fail "no saved session"

tui_start --replay "$FILE"
# connect, ehlo, starttls, ehlo, quit: five steps.
tui_wait_for 'replay step 1 of 5'
tui_expect_region wire 'S: 220 '
tui_expect_not_region wire 'EHLO'
tui_expect_region capabilities 'no EHLO reply yet'

tui_keys n
tui_wait_for 'replay step 2 of 5'
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_expect_not_region capabilities '^ *AUTH'

tui_keys Space n
tui_wait_for 'replay step 4 of 5'
tui_wait_region capabilities '^ *AUTH.* added'
tui_expect_region capabilities '^ *STARTTLS +yes +removed'
tui_expect_region wire 'TLS established'

# Backwards is exact: the TLS rule and AUTH are gone again.
tui_keys p BSpace
tui_wait_for 'replay step 2 of 5'
tui_wait_region capabilities '^ *STARTTLS +yes *$'
tui_expect_not_region capabilities '^ *AUTH'
tui_expect_not_region wire 'TLS established'

tui_keys End
tui_wait_for 'replay step 5 of 5'
tui_wait_region wire 'S: 221 '
tui_keys Home
tui_wait_for 'replay step 1 of 5'

# The protocol keys are inactive and say so.
tui_keys e
tui_wait_for 'inactive'
tui_expect 'replay step 1 of 5'

# The lesson walks the steps up to the cursor, with the file's note at
# its top (it opens at the current step; g scrolls to the top).
tui_keys End L
tui_wait_for 'Step 5: quit'
tui_keys g
tui_wait_for 'Lesson: AUTH only after STARTTLS'
tui_keys Home
tui_wait_for 'replay step 1 of 5'
tui_wait_for 'Step 1: connect'
tui_expect_not 'Step 2: ehlo'
tui_keys Escape

# Explain mode annotates the lines; the findings list what is known.
tui_keys End x
tui_wait_for 'must send EHLO'
tui_keys x f
tui_wait_for 'auth-only-after-tls'
tui_wait_for 'Will this client set-up work?'
tui_expect '1 info'
tui_keys Escape
tui_quit
