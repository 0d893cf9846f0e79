#!/bin/bash
# "smtpscope DOMAIN" in batch mode goes to the domain's MX hosts, best
# first, and says so in the report: --mx first (default), --mx all (one
# report per host), --mx none; the implicit MX of a domain without MX
# records; a failed lookup falls back to the name as a host.  The DNS is a
# private dnsmasq, the SMTP server the built-in demo (127.0.0.1 only, so
# mx2 at 127.0.0.2 refuses the connection).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mx-lib.sh"
e2e_init "$@"
dns_start --mx-host=example.test,mx2.example.test,20 \
    --mx-host=example.test,mx1.example.test,10 \
    --host-record=mx1.example.test,127.0.0.1 \
    --host-record=mx2.example.test,127.0.0.2 \
    --host-record=nomx.test,127.0.0.1
demo_start

scope --batch --no-verify --port "$DEMO_PORT" example.test
expect_rc 0 "the best MX host answers"
expect_text 'I +MX for example\.test: 10 mx1\.example\.test \(127\.0\.0\.1\), 20 mx2\.example\.test \(127\.0\.0\.2\)' \
    "the MX list in preference order"
expect_text 'exchanger 1 of 2: mx1\.example\.test' "which host this report is for"
expect_text 'SNI +mx1\.example\.test' "the MX name is the TLS server name"
expect_no_text 'exchanger 2 of 2' "--mx first stops at the first host"

scope --json --no-verify --port "$DEMO_PORT" example.test
expect_rc 0 "JSON, best MX host"
expect_json '[.events[] | select(.dir == "I" and .kind == "note") | .text][0] | startswith("MX for example.test: 10 mx1.example.test")' \
    "the MX note is the first event"
expect_json '.tls.sni == "mx1.example.test"' "SNI is the MX name"

scope --batch --mx all --no-verify --port "$DEMO_PORT" example.test
expect_rc 3 "mx2 refuses the connection: the first failing host's exit code"
expect_text 'exchanger 1 of 2: mx1\.example\.test' "report for mx1"
expect_text 'exchanger 2 of 2: mx2\.example\.test' "report for mx2"
[ "$(grep -c '^Result: ' "$E2E_DIR/out")" -eq 2 ] || fail "two reports expected"
expect_text 'Result: connect: connection refused.*127\.0\.0\.2' "mx2's report says why"

scope --batch --no-verify --port "$DEMO_PORT" nomx.test
expect_rc 0 "implicit MX"
expect_text "no MX records for nomx\.test: mail goes to the domain's own address \(RFC 5321 5\.1\)" \
    "the implicit MX rule in words"

scope --batch --port "$DEMO_PORT" nothere.test
expect_rc 3 "no such domain"
expect_text 'MX lookup for nothere\.test failed: no such domain: nothere\.test; trying nothere\.test as a host' \
    "the lookup failure in words, then the fallback"

scope --batch --mx none --port "$DEMO_PORT" example.test
expect_rc 3 "--mx none: example.test is only a name, with no address"
expect_no_text 'MX for' "--mx none does no lookup"

scope --batch --port "$DEMO_PORT" --no-verify 127.0.0.1
expect_rc 0 "an address is never an MX lookup"
expect_no_text 'MX (for|lookup)' "no MX for an address"

scope --mx all example.test
expect_rc 2 "--mx all without --batch"
expect_text '--mx all is for batch mode' "the usage error says why"

SMTPSCOPE_DNS_SERVER="127.0.0.1:$(closed_port)" scope --batch --port "$DEMO_PORT" example.test
expect_rc 3 "no DNS server: the name is tried as a host and fails"
expect_text 'the DNS server did not answer' "the DNS failure in words"
expect_no_raw_controls
exit 0
