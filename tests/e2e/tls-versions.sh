#!/bin/bash
# What the helpdesk hears about TLS versions (issue 9 item 4), against
# real servers on loopback (tests/peer/smtp-tls-peer.py, Python's ssl over
# Debian's OpenSSL, which still speaks TLS 1.0 and 1.1 at security level
# 0):
#   - a server that speaks only TLS 1.0, only 1.1, or 1.0 to 1.1: exit 4
#     and the error tls-version-old with the handshake as evidence (not the
#     vaguer tls-handshake-failed); --check says 9; a saved session replays
#     to the same finding.  openssl s_client proves the peer really speaks
#     that version, so the finding is about a real old server.
#   - a server without TLS 1.3: TLS 1.2 and the note tls13-unsupported;
#     --tls-max 1.2 (no 1.3 offered) gives no note; --tls-min 1.3 fails
#     with exit 4, tls-handshake-failed and the note.
#   - the demo's old-tls profile is that server (Mbed TLS 3.6 cannot play
#     a 1.0 server); refusing --tls-min 1.3 with handshake_failure, it gets
#     no note, since that alert does not name the version.
. "$(dirname "$0")/tls-lib.sh"
e2e_init "$@"
tls_has_13 || fail "this smtpscope has no --tls-max: no TLS 1.3 to test"

# The exact set of finding IDs (sorted, space-separated) in the JSON.
expect_findings()
{
	local got
	got=$(jq -r '[.findings[].id] | sort | join(" ")' "$E2E_DIR/out")
	[ "$got" = "$1" ] || fail "findings are '$got', expected '$1' ($2)"
}

# The finding's evidence is the handshake start and its failure.
expect_handshake_evidence()
{
	expect_json "[.findings[] | select(.id == \"$1\")][0].events as \$e |
	    [.events[\$e[]].kind] == [\"tls-start\", \"tls-fail\"]" \
	    "$1: evidence is the handshake start and failure"
}

for range in "1.0 1.0" "1.1 1.1" "1.0 1.1"; do
	read -r lo hi <<<"$range"
	tlspeer_stop
	tlspeer_start --min "$lo" --max "$hi"
	# The peer is a genuine old server: openssl completes TLS $hi with it.
	# (OpenSSL names TLS 1.0 "TLSv1".)
	flag=-tls1 name=TLSv1
	[ "$hi" = 1.1 ] && flag=-tls1_1 name=TLSv1.1
	printf 'QUIT\r\n' | timeout 10 openssl s_client -starttls smtp \
	    -connect "127.0.0.1:$TLSPEER_PORT" "$flag" \
	    -cipher DEFAULT@SECLEVEL=0 >"$E2E_DIR/s_client.out" 2>&1
	{ grep -qE "^ *Protocol *: $name\$" "$E2E_DIR/s_client.out" &&
	    grep -qE "Cipher is [A-Z]" "$E2E_DIR/s_client.out"; } ||
	    { cat "$E2E_DIR/s_client.out" >&2; fail "the peer does not speak TLS $hi"; }

	scope --json "${TLSPEER_TRUST[@]}" --save "$E2E_DIR/old.smtpscope" \
	    "127.0.0.1:$TLSPEER_PORT"
	expect_rc 4 "a TLS $lo-$hi server"
	expect_findings "tls-version-old" "TLS $lo-$hi server"
	expect_json '[.findings[] | select(.id == "tls-version-old")][0].severity == "error"' \
	    "tls-version-old is an error"
	expect_handshake_evidence tls-version-old
	expect_json '[.events[] | select(.kind == "tls-start")][0].text | test("versions=TLSv1.2-TLSv1.3")' \
	    "the record says TLS 1.2 and 1.3 were offered"
	expect_json '.tls.established | not' "no TLS session"
	expect_no_raw_controls

	scope --batch "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
	expect_rc 4 "a TLS $lo-$hi server, text"
	expect_text 'tls-version-old' "the text report names the finding"
	expect_text 'speaks only TLS 1\.1, 1\.0 or older' "in words"
	scope --batch --check "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
	expect_rc 9 "--check: the worst finding is an error"

	scope --json --replay "$E2E_DIR/old.smtpscope"
	expect_rc 0 "replay of the old server's session"
	expect_findings "tls-version-old" "replay"
done

# A server without TLS 1.3.
tlspeer_stop
tlspeer_start --min 1.2 --max 1.2
scope --json "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
expect_rc 0 "a TLS 1.2-only server"
expect_json '.tls.version == "TLSv1.2"' "TLS 1.2"
expect_findings "auth-only-after-tls tls13-unsupported" "TLS 1.2-only server"
expect_json '[.findings[] | select(.id == "tls13-unsupported")][0].events as $e |
    [.events[$e[]].kind] == ["tls-start", "tls-up"]' "the note's evidence"
scope --json "${TLSPEER_TRUST[@]}" --tls-max 1.2 "127.0.0.1:$TLSPEER_PORT"
expect_rc 0 "--tls-max 1.2"
expect_findings "auth-only-after-tls" "no note when 1.3 was not offered"
scope --json "${TLSPEER_TRUST[@]}" --tls-min 1.3 "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "--tls-min 1.3 against a TLS 1.2-only server"
expect_findings "tls-handshake-failed tls13-unsupported" "--tls-min 1.3"
expect_handshake_evidence tls13-unsupported
scope --batch "${TLSPEER_TRUST[@]}" --tls-min 1.3 "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "--tls-min 1.3, text"
expect_text 'TLS 1\.2 at most' "the note in words"

# The demo's old-tls profile plays that server.
scope --json --demo old-tls
expect_rc 0 "--demo old-tls"
expect_json '.tls.version == "TLSv1.2"' "old-tls speaks TLS 1.2"
expect_findings "auth-only-after-tls tls13-unsupported" "--demo old-tls"
# Mbed TLS as a server answers a TLS 1.3-only hello with handshake_failure,
# not protocol_version (OpenSSL's answer above): that alert also means no
# common cipher or curve, so no note is drawn from it.
scope --json --demo old-tls --tls-min 1.3
expect_rc 4 "--demo old-tls --tls-min 1.3"
expect_findings "tls-handshake-failed" "--demo old-tls --tls-min 1.3"
exit 0
