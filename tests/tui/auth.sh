#!/bin/bash
# The AUTH flow as a user types it: a, Enter for the preselected
# mechanism, Enter for the offered user name, the password with echo off.  The server says
# 235 and the password is never shown once typed: not on screen, not in
# the scrollback, not in any byte written to the terminal, not even as
# base64.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

USER_NAME=demo
PASSWORD=demo-password

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_keys s
tui_wait_region wire 'TLS established'
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_keys a
tui_wait_for_re '[Mm]echanism'
tui_keys Enter
# The demo's user name is offered, as its footer names it.
tui_wait_for_re "AUTH user name: $USER_NAME"
tui_keys Enter
tui_wait_for_re '[Pp]assword'
# The demo prints its own password at start (a teacher types it from
# there); from here on it must never be written again.
mark=$(tui_raw_mark)
tui_type "$PASSWORD"
# While it is typed, the password is not echoed.
tui_expect_not "$PASSWORD"
tui_keys Enter
tui_wait_region wire 'S: 235 '
tui_alive
tui_expect_hidden_since "$mark" "$PASSWORD"
for secret in "$(printf '%s' "$PASSWORD" | base64 -w0)" \
    "$(printf '\0%s\0%s' "$USER_NAME" "$PASSWORD" | base64 -w0)"; do
	tui_expect_nowhere "$secret"
done
tui_quit
# After the program is gone, the terminal's scrollback holds no secret.
tui_expect_hidden_since "$mark" "$PASSWORD"
