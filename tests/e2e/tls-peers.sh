#!/bin/bash
# TLS 1.3 and 1.2 against real peers (issue 9 item 6), checked as a user
# would: the version in the text report and the JSON, --tls-max and
# --tls-min, STARTTLS and implicit TLS, AUTH PLAIN inside TLS 1.3, and the
# session tickets a TLS 1.3 server sends after the handshake.
#
# The peers: the test's own Exim (Debian's, built with GnuTLS: it offers
# TLS 1.3), tests/peer/smtp-tls-peer.py limited to TLS 1.3 only and to TLS
# 1.2 only (Python's ssl, OpenSSL underneath), and the demo server.
. "$(dirname "$0")/tls-lib.sh"
e2e_init "$@"
tls_has_13 || fail "this smtpscope has no --tls-max: no TLS 1.3 to test"
NEGOTIATED='(version=|^ +version +)'
creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password" --auth PLAIN)

# The probe reached TLS version $1 and AUTH PLAIN was accepted inside it.
expect_tls_auth()
{
	expect_rc 0 "${2:-probe} with AUTH PLAIN"
	expect_json ".tls.version == \"TLSv$1\" and .tls.established" "TLS $1 established"
	expect_json '.tls.verified == true' "certificate verified"
	expect_json '.auth.mechanism == "PLAIN" and .auth.code == 235' "AUTH PLAIN accepted"
	expect_json '[.events[] | select(.dir == "C" and (.text | startswith("AUTH")))][0].tls == true' \
	    "AUTH sent inside TLS"
	expect_no_secret
	expect_no_raw_controls
}

# --- Exim: TLS 1.3 by default, 1.2 when told ---------------------------
exim_start
scope --json "${EXIM_TRUST[@]}" "${creds[@]}" "127.0.0.1:$EXIM_PORT"
expect_tls_auth 1.3 "Exim, STARTTLS"
expect_json '.tls.ciphersuite | startswith("TLS_AES_") or startswith("TLS_CHACHA20_")' \
    "a TLS 1.3 cipher suite"
scope --batch "${EXIM_TRUST[@]}" "${creds[@]}" "127.0.0.1:$EXIM_PORT"
expect_rc 0 "Exim, text report"
# The version negotiated: the T record "version=..." and the TLS section's
# "version" row (the tls-start record lists the versions offered).
expect_text "$NEGOTIATED"'TLSv1\.3' "the text report names TLS 1.3"
expect_no_text "$NEGOTIATED"'TLSv1\.2' "and not 1.2"

scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --tls-max 1.2 "127.0.0.1:$EXIM_PORT"
expect_tls_auth 1.2 "Exim, --tls-max 1.2"
scope --batch "${EXIM_TRUST[@]}" --tls-max 1.2 "127.0.0.1:$EXIM_PORT"
expect_rc 0 "Exim, --tls-max 1.2, text"
expect_text "$NEGOTIATED"'TLSv1\.2' "the text report names TLS 1.2"
expect_no_text "$NEGOTIATED"'TLSv1\.3' "and not 1.3"

scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --tls --port "$EXIM_TLS_PORT" 127.0.0.1
expect_tls_auth 1.3 "Exim, implicit TLS"
expect_json '.tls.implicit == true' "implicit TLS"

# --- a TLS 1.3-only peer ------------------------------------------------
tlspeer_start --min 1.3 --max 1.3
scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" "127.0.0.1:$TLSPEER_PORT"
expect_tls_auth 1.3 "1.3-only peer, STARTTLS"
tlspeer_wait_log 1
expect_tlspeer '.version == "TLSv1.3" and .auth == "ok"' "the peer saw TLS 1.3 and a good AUTH"
expect_tlspeer '.commands == ["EHLO smtpscope.local", "STARTTLS", "TLS EHLO smtpscope.local", "TLS AUTH PLAIN", "TLS EHLO smtpscope.local", "TLS QUIT"]' \
    "the probe's commands, AUTH inside TLS"

scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" --tls --port "$TLSPEER_TLS_PORT" 127.0.0.1
expect_tls_auth 1.3 "1.3-only peer, implicit TLS"

# What the user asked for cannot be had: exit 4 and the reason in words.
scope --batch "${TLSPEER_TRUST[@]}" --tls-max 1.2 "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "--tls-max 1.2 against a TLS 1.3-only server"
expect_text 'protocol version|TLS version' "the failure names the version problem"
expect_no_text '^ *[0-9.]+ T +version=' "no TLS session came up"

# Session tickets: none, the default two, and many; nothing else changes.
for tickets in 0 2 5; do
	tlspeer_stop
	tlspeer_start --min 1.3 --max 1.3 --tickets "$tickets"
	scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" \
	    --save "$E2E_DIR/tickets-$tickets.smtpscope" "127.0.0.1:$TLSPEER_PORT"
	expect_tls_auth 1.3 "1.3-only peer sending $tickets session tickets"
	expect_json '[.events[] | select(.dir == "S")] | map(.text) | any(startswith("221"))' \
	    "the QUIT was answered"
	expect_json '.anomalies | length == 0' "no anomaly from the tickets"
	n=$(jq '[.events[] | select(.dir == "T" and (.text | test("ticket"; "i")))] | length' "$E2E_DIR/out")
	e2e_log "$tickets tickets sent: $n T records mention a ticket"
	if [ "$tickets" = 0 ]; then
		[ "$n" = 0 ] || fail "a ticket record without a ticket"
	else
		[ "$n" -ge 1 ] || fail "no T record for $tickets session tickets"
	fi
	# The saved session replays to the same TLS summary.
	scope --json --replay "$E2E_DIR/tickets-$tickets.smtpscope"
	expect_rc 0 "replay of the session with $tickets tickets"
	expect_json '.tls.version == "TLSv1.3" and .auth.code == 235' "replay: TLS 1.3 and the 235"
done

# --- a TLS 1.2-only peer ------------------------------------------------
tlspeer_stop
tlspeer_start --min 1.2 --max 1.2
scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" "127.0.0.1:$TLSPEER_PORT"
expect_tls_auth 1.2 "1.2-only peer"
expect_json '[.findings[] | select(.id == "tls13-unsupported" and .severity == "info")] | length == 1' \
    "a note that the server does not speak TLS 1.3"
scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" --tls --port "$TLSPEER_TLS_PORT" 127.0.0.1
expect_tls_auth 1.2 "1.2-only peer, implicit TLS"

scope --batch "${TLSPEER_TRUST[@]}" --tls-min 1.3 "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "--tls-min 1.3 against a TLS 1.2-only server"
expect_text 'protocol version|TLS version' "the failure names the version problem"
expect_text '1\.3' "and the version that was required"
scope --json "${TLSPEER_TRUST[@]}" --tls-min 1.3 "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "--tls-min 1.3, JSON"
expect_json '.tls.established | not' "no TLS session"
expect_json '.tls.failure | type == "string" and length > 0' "the failure in words in the JSON"
tlspeer_wait_log 4
expect_tlspeer '.tls_error | test("version|unsupported protocol"; "i")' "the peer refused for the version"

# The same with an RSA key, as most servers have: OpenSSL then signs its
# TLS 1.2 key exchange with RSA-PSS, which Mbed TLS 3.6.6 refused with an
# illegal_parameter alert (subprojects/packagefiles/mbedtls-tls12-rsa-pss.patch).
tls_leaf_make rsa key=rsa2048
tlspeer_stop
tlspeer_start --min 1.2 --max 1.2 --cert "$E2E_DIR/rsa.pem" --key "$E2E_DIR/rsa.key"
scope --json "${TLSPEER_TRUST[@]}" "${creds[@]}" "127.0.0.1:$TLSPEER_PORT"
expect_tls_auth 1.2 "1.2-only peer with an RSA key"
expect_json '.tls.ciphersuite | test("ECDHE_RSA")' "an ECDHE-RSA suite, signed by the RSA key"

# --- the demo server ----------------------------------------------------
scope --json --demo
expect_rc 0 "--demo"
expect_json '.tls.version == "TLSv1.3"' "the demo server speaks TLS 1.3"
scope --json --demo --tls-max 1.2
expect_rc 0 "--demo --tls-max 1.2"
expect_json '.tls.version == "TLSv1.2"' "and 1.2 when told"
exit 0
