#!/bin/bash
# --compare A B: two saved sessions' capability tables per phase and TLS
# summaries side by side, text and JSON; the demo's default profile
# against auth-before-tls shows the AUTH difference.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
data=$(cd "$(dirname "$0")/../data/import" && pwd)

scope --json --demo --save "$E2E_DIR/a.session"
expect_rc 0 "save A"
scope --json --demo auth-before-tls --save "$E2E_DIR/b.session"
expect_rc 0 "save B"

scope --compare "$E2E_DIR/a.session" "$E2E_DIR/b.session"
expect_rc 0 "compare"
expect_text '^Capabilities before TLS' "phase tables"
expect_text '^  AUTH +-- +\* +PLAIN LOGIN +only in B' "AUTH before TLS only in B"
expect_text '^  sha256 .*DIFFERENT' "another certificate"
expect_no_raw_controls

scope --compare "$E2E_DIR/a.session" "$E2E_DIR/b.session" --json
expect_rc 0 "compare --json"
expect_json '.exchanges == null' "no exchange table"
expect_json '(.capabilities.before_tls.rows[] | select(.keyword == "AUTH")) | .status == "only-b" and .b == "PLAIN LOGIN"' \
    "AUTH row"
expect_json '(.capabilities.before_tls.rows[] | select(.keyword == "SIZE")).status == "same"' "SIZE the same"
expect_json '.capabilities.after_tls.a_reached and .capabilities.after_tls.b_reached' "both reached TLS"
expect_json '(.tls[] | select(.field == "version")).same' "the same TLS version"
expect_json '.differences.capabilities >= 1' "counted"

scope --compare "$E2E_DIR/a.session" "$E2E_DIR/a.session" --json
expect_json '.differences == {"exchanges":0,"capabilities":0,"tls":0}' "a session equals itself"

# A saved session against a pasted log of another server.
scope --compare "$E2E_DIR/a.session" "$data/exim-4.63-telnet.txt" --json
expect_rc 0 "compare with an import"
expect_json '(.capabilities.before_tls.rows[] | select(.keyword == "SIZE")) | .status == "different" and .b == "600000000"' \
    "SIZE differs"
expect_json '.capabilities.after_tls.b_reached == false' "no TLS in the story"

printf 'junk\x01\x02\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\n' > "$E2E_DIR/junk"
scope --compare "$E2E_DIR/a.session" "$E2E_DIR/junk"
expect_rc 2 "a file that cannot be loaded"
grep -qE 'junk:[0-9]+: ' "$E2E_DIR/err" || fail "no file:line: message"
scope --compare "$E2E_DIR/a.session"
expect_rc 2 "one file only"
exit 0
