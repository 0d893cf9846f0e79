#!/bin/bash
# The explorer against a real Exim (tests/e2e/lib.sh starts it): banner,
# EHLO, STARTTLS with a verified certificate, AUTH added after TLS, and the
# AUTH flow reaching 235 with the password never shown.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/lib.sh"
# e2e_init first: tui_init's exit trap also runs e2e_cleanup.
e2e_init "$1"
tui_init "$@"

exim_start
tui_start --timeout 10 "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
tui_wait_region wire 'S: 220 .*smtpscope-e2e'
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_expect_not_region capabilities '^ *AUTH.* yes'
tui_keys s
tui_wait_region wire '=== TLS established: TLSv1\.3'
tui_wait_region wire '^T: verified'
tui_screen | head -n 1 | grep -q 'cert verified' ||
    tui_fail "no verification verdict in the header"
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_expect_region capabilities '^ *STARTTLS +yes +removed'
tui_auth_plain "$E2E_USER" "$E2E_PASSWORD"
tui_expect_safe_tty
tui_quit
