#!/bin/bash
# Implicit TLS (port 465 style) against Exim's tls_on_connect port: TLS
# from the first byte, no STARTTLS, AUTH offered at once.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

scope --json --tls "${EXIM_TRUST[@]}" --port "$EXIM_TLS_PORT" \
    --user "$E2E_USER" --password-file "$E2E_DIR/password" --auth PLAIN 127.0.0.1
expect_rc 0 "implicit TLS with AUTH PLAIN"
expect_json ".target.port == $EXIM_TLS_PORT" "--port used"
expect_json '.tls.implicit == true and .tls.verified == true and .tls.version == "TLSv1.3"' "TLS summary"
expect_json '[.events[] | select(.dir == "S" or .dir == "C") | .tls] | all' \
    "every byte travelled inside TLS"
expect_json '[.events[] | select(.dir == "S")][0].text | startswith("220 mx.smtpscope.test")' \
    "the banner came through TLS"
expect_json '[.events[] | select(.dir == "C" and (.text | test("STARTTLS")))] | length == 0' \
    "no STARTTLS sent"
expect_json '[(.capabilities.before_tls // []), (.capabilities.after_tls // [])] | add | map(.keyword) | index("AUTH") != null' \
    "AUTH offered on the TLS port"
expect_json '.auth.code == 235' "AUTH PLAIN accepted"
expect_no_secret

# Without --tls the client waits for a plaintext banner that never comes:
# Exim waits for a TLS ClientHello.  smtpscope must give up in time.
scope --batch --timeout 2 "127.0.0.1:$EXIM_TLS_PORT"
expect_rc 6 "plaintext client on an implicit-TLS port times out"
expect_no_raw_controls
exit 0
