#!/bin/bash
# The explorer at 80x24 against a TLS 1.3-only server (issue 9 item 6):
# banner, EHLO, STARTTLS, the TLS rule and the header both say TLSv1.3,
# AUTH appears after TLS and the AUTH PLAIN flow reaches 235 with the
# password never shown.  The peer is tests/peer/smtp-tls-peer.py, which
# also sends TLS 1.3 session tickets after the handshake.
. "$(dirname "$0")/../e2e/tls-lib.sh"
. "$(dirname "$0")/lib.sh"
# e2e_init first: tui_init's exit trap also runs e2e_cleanup.
e2e_init "$1"
tui_init "$@"
TUI_COLS=80
TUI_ROWS=24
tls_has_13 || tui_fail "this smtpscope has no --tls-max: no TLS 1.3 to test"

tlspeer_start --min 1.3 --max 1.3 --tickets 2
tui_start --timeout 10 "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
tui_wait_region wire 'S: 220 .*smtp-tls-peer'
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_expect_not_region capabilities '^ *AUTH.* yes'
tui_keys s
tui_wait_region wire '=== TLS established: TLSv1\.3'
tui_wait_region wire '^T: verified'
header=$(tui_screen | head -n 1)
grep -q 'TLSv1\.3' <<<"$header" || tui_fail "no TLSv1.3 in the header: $header"
! grep -q 'TLSv1\.2' <<<"$header" || tui_fail "TLSv1.2 in the header: $header"
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_auth_plain "$E2E_USER" "$E2E_PASSWORD"
tui_expect_safe_tty
tui_quit
tlspeer_wait_log 1
expect_tlspeer '.version == "TLSv1.3" and .auth == "ok" and (.commands | index("TLS AUTH PLAIN"))' \
    "the peer saw TLS 1.3 and the right password"
