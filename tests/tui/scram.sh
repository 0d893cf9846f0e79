#!/bin/bash
# A SCRAM-SHA-256 login in the explorer at 80x24, against a real Dovecot
# submission server (tests/e2e/dovecot-lib.sh): the AUTH prompt preselects
# SCRAM-SHA-256 (the strongest mechanism offered), the password is typed
# with echo off, Dovecot says 235 and the password never appears: not on
# screen, in the scrollback or in any byte written to the terminal, nor
# as base64.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/dovecot-lib.sh"
. "$(dirname "$0")/lib.sh"
# e2e_init first: tui_init's exit trap also runs e2e_cleanup.
e2e_init "$1"
tui_init "$@"
TUI_COLS=80
TUI_ROWS=24

dovecot_start
dovecot_explorer_in_tls
tui_keys a
tui_wait_for_re 'AUTH mechanism: SCRAM-SHA-256'
tui_keys Enter
tui_wait_for_re '[Uu]ser'
tui_type "$E2E_USER"
tui_keys Enter
tui_wait_for_re '[Pp]assword'
mark=$(tui_raw_mark)
tui_type "$E2E_PASSWORD"
tui_expect_not "$E2E_PASSWORD"
tui_keys Enter
tui_wait_region wire 'S: 235 2\.7\.0 Logged in'
tui_expect_region wire 'C: AUTH SCRAM-SHA-256'
tui_alive
tui_expect_hidden_since "$mark" "$E2E_PASSWORD"
for secret in "$E2E_PASSWORD" \
    "$(printf '%s' "$E2E_PASSWORD" | base64 -w0)" \
    "$(printf '\0%s\0%s' "$E2E_USER" "$E2E_PASSWORD" | base64 -w0)"; do
	tui_expect_nowhere "$secret"
done
tui_expect_safe_tty
tui_quit
tui_expect_hidden_since "$mark" "$E2E_PASSWORD"
