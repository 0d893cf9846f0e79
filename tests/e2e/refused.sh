#!/bin/bash
# Nothing listens on the port: exit 3 and a message a person understands.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
port=$(closed_port)

scope --batch "127.0.0.1:$port"
expect_rc 3 "connection refused"
expect_text 'refused' "the word refused"
expect_no_raw_controls

scope --json "127.0.0.1:$port"
expect_rc 3 "connection refused, JSON"
expect_json '.result.status == "connect" and (.result.message | test("refused"; "i"))' "status connect"
expect_json ".target.port == $port" "target port"
expect_json '.tls == null and .capabilities.before_tls == null' "no phase reached"
exit 0
