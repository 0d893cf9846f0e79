#!/bin/bash
# w saves the session: a prompt offers smtpscope-HOST-DATE-TIME.smtpscope,
# the user may edit it, and the status line says where the file went.
# The file has mode 0600, holds no password, and replays to the same
# capability table.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

FILE=$TUI_DIR/saved.smtpscope

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_keys w
tui_wait_for_re 'save as: smtpscope-[a-z0-9.]+-[0-9]{8}-[0-9]{4}\.smtpscope'
tui_keys C-u
tui_type "$FILE"
tui_keys Enter
tui_wait_for 'saved '
tui_expect 'mode 0600'
[ -f "$FILE" ] || tui_fail "the file was not written"
[ "$(stat -c %a "$FILE")" = 600 ] ||
    tui_fail "mode is $(stat -c %a "$FILE"), not 600"
[ "$(head -n 1 "$FILE")" = "smtpscope-session 1" ] ||
    tui_fail "the file does not start with the session magic"
! grep -q 'demo-password' "$FILE" || tui_fail "the password is in the file"
tui_quit

# The saved session replays: batch prints the capability table.
out=$("$SMTPSCOPE" --batch --replay "$FILE" 2>&1) ||
    tui_fail "smtpscope --batch --replay failed: $out"
grep -q 'STARTTLS' <<<"$out" || tui_fail "the replay lost STARTTLS: $out"

# An unwritable place: the status line says why, nothing crashes.
tmx kill-session -t tui
tui_start --replay "$FILE"
tui_wait_for 'replay step 1 of'
tui_keys w
tui_wait_for 'save as:'
tui_keys C-u
tui_type /nonexistent-dir/x.smtpscope
tui_keys Enter
tui_wait_for 'not saved'
tui_quit
