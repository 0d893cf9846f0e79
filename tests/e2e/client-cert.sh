#!/bin/bash
# Client certificates (issue 10 item 4) against the demo profile
# client-cert, a relay that requires one: without --cert the handshake
# fails in words with exit 4, in TLS 1.2 (the alert comes during the
# handshake) and in TLS 1.3 (it comes after the client's handshake ended,
# and must not look like a dropped connection); with --cert and --key
# (plain, or encrypted with the passphrase from a file or the
# environment) the session goes on and the transcript names the
# certificate sent.  The certificates are made here with openssl.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

command -v openssl >/dev/null || skip "openssl is not installed"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" -days 2 \
    -subj /CN=relay-client.example 2>/dev/null || fail "openssl req failed"
openssl pkey -in "$E2E_DIR/key.pem" -aes256 -passout pass:cert-pass-9 \
    -out "$E2E_DIR/key-enc.pem" || fail "openssl pkey failed"
printf 'cert-pass-9\n' > "$E2E_DIR/pass"
printf 'not-it\n' > "$E2E_DIR/bad-pass"
fp=$(openssl x509 -in "$E2E_DIR/cert.pem" -noout -fingerprint -sha256 |
    sed 's/.*=//')

for v in 1.2 1.3; do
	scope --batch --demo client-cert --tls-max "$v"
	expect_rc 4 "TLS $v, no certificate"
	expect_text 'the server requires a client certificate' \
	    "TLS $v: the refusal in words"
	expect_no_text 'dropped|reset the connection|broke while sending' \
	    "TLS $v: not a dropped connection"

	scope --batch --json --demo client-cert --tls-max "$v" \
	    --cert "$E2E_DIR/cert.pem" --key "$E2E_DIR/key.pem"
	expect_rc 0 "TLS $v with --cert"
	expect_json ".tls.version == \"TLSv$v\"" "TLS $v negotiated"
	expect_json ".tls.client_certificate | test(\"CN=relay-client.example\")" \
	    "TLS $v: the subject sent"
	expect_json ".tls.client_certificate | contains(\"sha256=$fp\")" \
	    "TLS $v: the fingerprint sent is openssl's"

	scope --batch --demo client-cert --tls-max "$v" \
	    --cert "$E2E_DIR/cert.pem" --key "$E2E_DIR/key-enc.pem" \
	    --key-passphrase-file "$E2E_DIR/pass"
	expect_rc 0 "TLS $v, encrypted key, passphrase from a file"
	expect_text "sent subject=CN=relay-client.example sha256=$fp" \
	    "TLS $v: the transcript shows the certificate"
	expect_no_text 'cert-pass-9' "the passphrase is printed nowhere"
done

SMTPSCOPE_KEY_PASSPHRASE=cert-pass-9 scope --batch --demo client-cert \
    --cert "$E2E_DIR/cert.pem" --key "$E2E_DIR/key-enc.pem"
expect_rc 0 "passphrase from SMTPSCOPE_KEY_PASSPHRASE"
expect_no_text 'cert-pass-9' "the passphrase is printed nowhere"

scope --batch --demo client-cert --cert "$E2E_DIR/cert.pem" \
    --key "$E2E_DIR/key-enc.pem" --key-passphrase-file "$E2E_DIR/bad-pass"
expect_rc 2 "a wrong passphrase"
expect_text 'wrong passphrase' "says the passphrase is wrong"

SMTPSCOPE_KEY_PASSPHRASE= scope --batch --demo client-cert \
    --cert "$E2E_DIR/cert.pem" --key "$E2E_DIR/key-enc.pem"
expect_rc 2 "an empty passphrase from the environment"

scope --batch --demo client-cert --cert "$E2E_DIR/cert.pem"
expect_rc 2 "--cert without --key"
expect_text 'needs both --cert' "says both are needed"

scope --batch --demo --cert "$E2E_DIR/cert.pem" --key "$E2E_DIR/key.pem"
expect_rc 0 "a certificate for a server that asks for none"
expect_no_text 'sent subject=' "nothing is sent when nobody asks"
exit 0
