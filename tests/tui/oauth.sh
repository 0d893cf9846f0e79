#!/bin/bash
# An OAuth failure in the explorer at 80x24, against a real Dovecot whose
# oauth2 passdb validates JWT tokens locally (tests/e2e/dovecot-lib.sh):
# OAUTHBEARER chosen in the AUTH prompt, a token signed with the wrong key
# typed at the bearer token prompt; Dovecot's error challenge is shown
# decoded in explain mode (status "invalid_token") above its final 535, and the
# findings view explains the refused token.  The token never appears on
# screen, in the scrollback or in the terminal's bytes, nor as base64.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/dovecot-lib.sh"
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
tui_init "$@"
TUI_COLS=80
TUI_ROWS=24

dovecot_start
token=$(cat "$E2E_TOKEN_BAD")
dovecot_explorer_in_tls
tui_keys a
tui_wait_for_re 'AUTH mechanism: '
# Cycle the offered mechanisms to OAUTHBEARER, as a user would.
for i in 1 2 3 4 5 6 7 8; do
	tui_screen | grep -q 'AUTH mechanism: OAUTHBEARER' && break
	tui_keys Down
	sleep 0.2
done
tui_wait_for 'AUTH mechanism: OAUTHBEARER'
tui_keys Enter
tui_wait_for_re '[Uu]ser'
tui_type "$E2E_USER"
tui_keys Enter
tui_wait_for_re 'AUTH bearer token:'
mark=$(tui_raw_mark)
tui_type "$token"
tui_expect_not "$token"
tui_keys Enter
# Dovecot waits a moment before it refuses.
tui_wait_region wire 'S: 535 5\.7\.8' 20
tui_expect_region wire 'C: AUTH OAUTHBEARER <redacted'
tui_keys x
tui_wait_for 'explain mode'
# At 80x24 the wire pane holds seven rows: scroll up, as a user would,
# until the error challenge and its decoded note are in view, then down
# to the final reply after it.
wire_up_to()
{
	local i
	for i in $(seq 1 30); do
		tui_region wire | grep -qE -- "$1" && return 0
		tui_keys "$2"
		sleep 0.1
	done
	tui_fail "/$1/ never came into the wire pane pressing $2"
}
wire_up_to 'S: 334 ' Up
tui_expect_region wire 'decoded: .*status "invalid_token"'
wire_up_to 'S: 535 5\.7\.8' Down
tui_expect_not_region wire 'decoded: .*status "invalid_token"'
tui_keys f
tui_wait_for 'auth-oauth-token-rejected'
tui_wait_for 'invalid_token'
tui_alive
tui_expect_hidden_since "$mark" "$token"
while IFS= read -r secret; do
	[ -n "$secret" ] && tui_expect_nowhere "$secret"
done < <(token_forms "$E2E_TOKEN_BAD")
tui_expect_safe_tty
tui_quit
tui_expect_hidden_since "$mark" "$token"
