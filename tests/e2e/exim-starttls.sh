#!/bin/bash
# The default probe against a real Exim on its STARTTLS port: the story's
# server.  AUTH must appear only after TLS and STARTTLS must disappear.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

scope --batch --json "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
expect_rc 0 "default probe with STARTTLS"
expect_json '.result.status == "ok" and .result.code == 221' "ends with 221 after QUIT"
expect_json ".target.port == $EXIM_PORT and .target.address == \"127.0.0.1\"" "target"
expect_json '[.events[] | select(.dir == "S")][0].text | startswith("220 mx.smtpscope.test ESMTP Exim")' \
    "the banner is the first server event"
expect_json '[.capabilities.before_tls[].keyword] | (index("STARTTLS") != null) and (index("AUTH") == null)' \
    "before TLS: STARTTLS offered, AUTH not"
expect_json '[.capabilities.after_tls[].keyword] | (index("AUTH") != null) and (index("STARTTLS") == null)' \
    "after TLS: AUTH offered, STARTTLS gone"
expect_json '.capabilities.after_tls[] | select(.keyword == "AUTH") | .mechanisms | index("PLAIN") != null and index("LOGIN") != null' \
    "AUTH lists PLAIN and LOGIN"
expect_json '.capabilities.before_tls[] | select(.keyword == "SIZE") | .size == 52428800' "SIZE decoded"
expect_json '.capabilities.after_auth == null and .auth == null' "no credentials: no AUTH"
expect_json '.tls.version == "TLSv1.3" and .tls.verified == true and .tls.implicit == false' "TLS summary"
expect_json '.tls.sni == "mx.smtpscope.test" and (.tls.peer[0].subject | test("CN=mx.smtpscope.test"))' "peer certificate"
expect_json '[.events[] | select(.dir == "C") | .text] == ["EHLO smtpscope.local\\r\\n", "STARTTLS\\r\\n", "EHLO smtpscope.local\\r\\n", "QUIT\\r\\n"]' \
    "the client said exactly EHLO, STARTTLS, EHLO, QUIT"
expect_json '[.events[] | select(.dir == "C")] | (.[0].tls == false and .[1].tls == false and .[2].tls == true and .[3].tls == true)' \
    "commands after the handshake travel inside TLS"
expect_json '[.events[] | select(.dir == "T")] | length > 0' "TLS milestones recorded"
expect_no_raw_controls

# The same run as a person reads it.
scope --batch "${EXIM_TRUST[@]}" "127.0.0.1:$EXIM_PORT"
expect_rc 0 "text report"
expect_text '220 mx\.smtpscope\.test ESMTP Exim' "the banner"
expect_text 'before TLS +after TLS' "the capability table's columns"
expect_text '^ *STARTTLS +yes +removed' "STARTTLS removed after TLS"
expect_text '^ *AUTH PLAIN LOGIN.* -- +added' "AUTH added after TLS"
expect_text 'TLSv1\.3' "the TLS version"
expect_text 'C TLS +EHLO' "the second EHLO marked as inside TLS"
expect_no_raw_controls
exit 0
