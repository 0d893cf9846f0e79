#!/bin/bash
# The explorer at 80x24 shows the TLS version each peer really negotiated
# (issue 9 item 6), in the header and in the wire pane's TLS rule: TLSv1.3
# with the test's Exim (Debian's, GnuTLS) and with the demo server, TLSv1.2
# with the same Exim under --tls-max 1.2 and with a TLS 1.2-only peer
# (tests/peer/smtp-tls-peer.py).  The TLS 1.3-only peer and AUTH inside
# TLS 1.3 are tls13.sh.
. "$(dirname "$0")/../e2e/tls-lib.sh"
. "$(dirname "$0")/lib.sh"
# e2e_init first: tui_init's exit trap also runs e2e_cleanup.
e2e_init "$1"
tui_init "$@"
TUI_COLS=80
TUI_ROWS=24
tls_has_13 || tui_fail "this smtpscope has no --tls-max: no TLS 1.3 to test"

# explore VERSION OTHER BANNER-RE ARGS...: EHLO, STARTTLS, then the rule
# and the header name VERSION and not OTHER; the capabilities read again
# inside TLS; quit.
explore()
{
	local want=$1 other=$2 banner=$3 header
	shift 3
	tui_start --timeout 10 "$@"
	tui_wait_region wire "S: 220 .*$banner"
	tui_keys e
	tui_wait_region capabilities '^ *STARTTLS +yes'
	tui_keys s
	tui_wait_region wire "=== TLS established: TLSv${want//./\\.}"
	tui_expect_not_region wire "=== TLS established: TLSv${other//./\\.}"
	header=$(tui_screen | head -n 1)
	grep -qF "TLSv$want" <<<"$header" ||
	    tui_fail "no TLSv$want in the header ($*): $header"
	! grep -qF "TLSv$other" <<<"$header" ||
	    tui_fail "TLSv$other in the header ($*): $header"
	tui_keys e
	tui_wait_region capabilities '^ *STARTTLS +yes +removed'
	tui_expect_safe_tty
	tui_quit
	tui_log "TLSv$want: $header"
	tmx kill-session -t tui
}

exim_start
explore 1.3 1.2 smtpscope-e2e "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
explore 1.2 1.3 smtpscope-e2e "${EXIM_TRUST[@]}" --tls-max 1.2 \
    "127.0.0.1:$EXIM_PORT"

tlspeer_start --min 1.2 --max 1.2
explore 1.2 1.3 smtp-tls-peer "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
tlspeer_wait_log 1
expect_tlspeer '.version == "TLSv1.2"' "the 1.2-only peer saw TLS 1.2"

explore 1.3 1.2 '' --demo
exit 0
