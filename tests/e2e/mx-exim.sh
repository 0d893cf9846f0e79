#!/bin/bash
# The whole point of an MX lookup: "smtpscope --ca CA example.test" reaches
# the real Exim named by the domain's MX record and verifies its
# certificate against that name (mx.smtpscope.test), with no --servername.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mx-lib.sh"
e2e_init "$@"
exim_start
dns_start --mx-host=example.test,mx.smtpscope.test,10 \
    --host-record=mx.smtpscope.test,127.0.0.1

scope --json --ca "$EXIM_CA" --port "$EXIM_PORT" example.test
expect_rc 0 "verified STARTTLS to the MX host"
expect_json '.tls.verified == true and .tls.sni == "mx.smtpscope.test"' \
    "verified against the MX name"
expect_json '[.events[] | select(.dir == "S")][0].text | startswith("220 mx.smtpscope.test")' \
    "Exim's banner"
expect_json '[.events[] | select(.dir == "I" and .kind == "note") | .text] | index("MX for example.test: 10 mx.smtpscope.test (127.0.0.1)") != null' \
    "the MX note"
exit 0
