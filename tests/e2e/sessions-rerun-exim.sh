#!/bin/bash
# --rerun against a real Exim: a session saved from the demo is sent to
# Exim (STARTTLS, AUTH with --user), and the differences show: another
# banner, other capabilities, another certificate.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

scope --json --demo --save "$E2E_DIR/demo.session"
expect_rc 0 "save from the demo"
scope --rerun "$E2E_DIR/demo.session" "${EXIM_TRUST[@]}" --user "$E2E_USER" \
    --password-file "$E2E_DIR/password" "127.0.0.1:$EXIM_PORT" --json
expect_rc 0 "rerun against Exim"
expect_json '.exchanges[0].greeting and .exchanges[0].b.code == 220 and .exchanges[0].status == "different-text"' \
    "another banner"
expect_json '[.exchanges[] | select(.verb == "STARTTLS")][0].b.code == 220' "Exim accepted STARTTLS"
expect_json '[.exchanges[] | select(.verb == "AUTH")][0].b.code == 235' "AUTH with --user accepted by Exim"
expect_json '(.tls[] | select(.field == "subject") | .b) | test("mx.smtpscope.test")' "Exim's certificate"
expect_json '(.tls[] | select(.field == "sha256")).same == false' "another certificate"
expect_no_secret

scope --rerun "$E2E_DIR/demo.session" "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
expect_rc 0 "text rerun against Exim"
expect_text 'AUTH not sent' "AUTH skipped without --user"
expect_text '^Capabilities after TLS' "capability tables per phase"
exit 0
