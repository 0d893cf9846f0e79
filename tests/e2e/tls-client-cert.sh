#!/bin/bash
# A server that demands a client certificate (issue 9), in TLS 1.2 and
# TLS 1.3: without --cert/--key the batch run exits 4 and says in words
# that the server requires a client certificate; with them the session
# goes on, AUTH PLAIN works, the transcript names the certificate sent
# (subject and SHA-256 fingerprint), and the peer saw that very
# certificate.  The key never appears in the output.
#
# The peer is tests/peer/smtp-tls-peer.py with --client-ca (Python's ssl,
# CERT_REQUIRED).  In TLS 1.3 the server judges the client's certificate
# after the client has finished its handshake, so the refusal arrives as
# an alert on the first read: the words must be the same.
. "$(dirname "$0")/tls-lib.sh"
e2e_init "$@"
# The refusal in words is checked with any build; what --cert/--key do
# only once the options exist (until then the test ends as skipped).
HAVE_CERT=0
"$SMTPSCOPE" --help 2>&1 | grep -q -- '--cert' && HAVE_CERT=1
tls_has_13 || fail "this smtpscope has no --tls-max: no TLS 1.3 to test"
client_cert_make
creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password" --auth PLAIN)
fp_plain=$(tr -d ':' <<<"$CLIENT_SHA256")
key_line=$(sed -n 2p "$CLIENT_KEY")

# Nothing of the private key reaches the output.
expect_no_key()
{
	! grep -qF -- "$key_line" "$E2E_DIR/out" "$E2E_DIR/err" ||
	    fail "the client's private key is in the output"
}

connections=0
for v in 1.2 1.3; do
	tlspeer_stop
	tlspeer_start --min "$v" --max "$v" --client-ca "$CLIENT_CA"
	for mode in starttls implicit; do
		if [ "$mode" = implicit ]; then
			target=(--tls --port "$TLSPEER_TLS_PORT" 127.0.0.1)
		else
			target=("127.0.0.1:$TLSPEER_PORT")
		fi

		scope --batch "${TLSPEER_TRUST[@]}" "${target[@]}"
		expect_rc 4 "TLS $v, $mode, no client certificate"
		expect_text 'requires a client certificate' \
		    "TLS $v, $mode: the refusal in words"
		expect_no_text '^ *[0-9.]+ S TLS +250' "no EHLO answered inside TLS"
		scope --json "${TLSPEER_TRUST[@]}" "${target[@]}"
		expect_rc 4 "TLS $v, $mode, no client certificate, JSON"
		expect_json '[.findings[] | select(.severity == "error")] | length >= 1' \
		    "an error finding"
		expect_text 'requires a client certificate' "the words in the JSON too"
		[ "$HAVE_CERT" = 1 ] || continue

		scope --json "${TLSPEER_TRUST[@]}" --cert "$CLIENT_CERT" \
		    --key "$CLIENT_KEY" "${creds[@]}" "${target[@]}"
		expect_rc 0 "TLS $v, $mode, with a client certificate"
		expect_json ".tls.version == \"TLSv$v\"" "TLS $v"
		expect_json '.auth.code == 235' "AUTH PLAIN accepted"
		expect_text "$CLIENT_SUBJECT" "the transcript names the certificate's subject"
		grep -qiE -- "$CLIENT_SHA256|$fp_plain" "$E2E_DIR/out" ||
		    fail "TLS $v, $mode: the certificate's SHA-256 fingerprint is not in the JSON"
		expect_no_key
		expect_no_secret
		connections=$((connections + 3))
		tlspeer_wait_log "$connections"
		expect_tlspeer ".client_cert_sha256 == \"$(tr 'A-F' 'a-f' <<<"$fp_plain")\" and .auth == \"ok\"" \
		    "TLS $v, $mode: the peer received this certificate"

		scope --batch "${TLSPEER_TRUST[@]}" --cert "$CLIENT_CERT" \
		    --key "$CLIENT_KEY" "${target[@]}"
		expect_rc 0 "TLS $v, $mode, with a client certificate, text"
		expect_text "$CLIENT_SUBJECT" "the text report names the certificate"
		grep -qiE -- "$CLIENT_SHA256|$fp_plain" "$E2E_DIR/out" ||
		    fail "the text report has no fingerprint of the client certificate"
		expect_no_key
		connections=$((connections + 1))
	done
	connections=0
done

[ "$HAVE_CERT" = 1 ] ||
    skip "the refusals are in words; this smtpscope has no --cert/--key to test further"

# A key that does not match the certificate: a usage error, said plainly.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$E2E_DIR/other.key" 2>/dev/null || fail "openssl genpkey"
scope --batch "${TLSPEER_TRUST[@]}" --cert "$CLIENT_CERT" \
    --key "$E2E_DIR/other.key" "127.0.0.1:$TLSPEER_PORT"
[ "$RC" -ne 0 ] || fail "a key that does not match the certificate was accepted"
expect_text 'key' "the mismatch names the key"
exit 0
