#!/bin/bash
# Certificate verification against Exim's self-signed certificate for
# mx.smtpscope.test (no IP in it): refused by default, refused with --ca
# alone (the address is not the name), accepted with --ca and --servername,
# and --no-verify goes on while saying so.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

scope --json "127.0.0.1:$EXIM_PORT"
expect_rc 4 "self-signed certificate, no --ca"
expect_json '.result.status == "verify"' "status verify"
expect_json '.tls.verified == false and (.tls.verify_errors | length > 0)' "verify errors listed"
expect_json '.tls.verify_errors | join(" ") | test("trust|known certificate authority|self-signed"; "i")' \
    "the errors speak of trust"
expect_json '.tls.peer[0].subject | test("mx.smtpscope.test")' "the chain is still shown"
expect_json '[.events[] | select(.dir == "C" and .tls) | .text] - ["QUIT\\r\\n"] | length == 0' \
    "nothing but QUIT sent over the unverified connection"

scope --batch "127.0.0.1:$EXIM_PORT"
expect_rc 4 "text report"
expect_text 'not trusted|untrusted|unknown CA|self-signed' "words about trust"
expect_no_raw_controls

scope --json --ca "$EXIM_CA" "127.0.0.1:$EXIM_PORT"
expect_rc 4 "trusted certificate, but the name is not 127.0.0.1"
expect_json '.tls.verify_errors | join(" ") | test("name|127\\.0\\.0\\.1"; "i")' "the error names the name"

scope --json "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
expect_rc 0 "--ca and --servername"
expect_json '.tls.verified == true and .tls.verify_errors == [] and .tls.sni == "mx.smtpscope.test"' "verified"

scope --json --no-verify "127.0.0.1:$EXIM_PORT"
expect_rc 0 "--no-verify goes on"
expect_json '.tls.verified == false and .capabilities.after_tls != null' "unverified, yet the session went on"
scope --batch --no-verify "127.0.0.1:$EXIM_PORT"
expect_rc 0 "--no-verify, text"
expect_text 'verif' "the report says the certificate was not verified"
expect_text 'no|not|fail' "and in words that it failed"
exit 0
