#!/bin/bash
# SCRAM against the demo server (issue 10): SCRAM-SHA-256-PLUS bound to the
# TLS 1.3 exporter, SCRAM-SHA-256 and SCRAM-SHA-1, with the password from
# SMTPSCOPE_PASSWORD; the server's signature is checked, and a server that
# cannot prove it knows the password (a wrong signature, or 235 without
# one) fails the run with exit 7 and the finding auth-server-unproven.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
steps=ehlo,starttls,ehlo,auth,quit
export SMTPSCOPE_PASSWORD=demo-password

for mech in SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1; do
	scope --json --demo modern-auth --steps "$steps" --user demo --auth "$mech"
	expect_rc 0 "AUTH $mech with the demo password"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "$mech: 235"
	expect_json ".auth.verdict == \"$mech server-signature=ok\"" "$mech: server proven"
	expect_json '[.auth.notes[] | select(test("SCRAM server-first: nonce .*4096 iterations"))] | length == 1' \
	    "$mech: the server-first message explained"
	expect_json '[.findings[].id] | index("auth-server-unproven") == null' "$mech: no finding"
done

# The strongest advertised: -PLUS on TLS 1.3, SCRAM-SHA-256 on TLS 1.2
# (tls-exporter needs TLS 1.3, RFC 9266).
scope --json --demo modern-auth --steps "$steps" --user demo
expect_rc 0 "default mechanism"
expect_json '.auth.mechanism == "SCRAM-SHA-256-PLUS" and .tls.version == "TLSv1.3"' \
    "default: SCRAM-SHA-256-PLUS on TLS 1.3"
scope --json --demo modern-auth --tls-max 1.2 --steps "$steps" --user demo
expect_rc 0 "default mechanism on TLS 1.2"
expect_json '.auth.mechanism == "SCRAM-SHA-256" and .auth.code == 235' \
    "default on TLS 1.2: SCRAM-SHA-256"
scope --json --demo modern-auth --tls-max 1.2 --steps "$steps" --user demo \
    --auth SCRAM-SHA-256-PLUS
expect_rc 2 "-PLUS asked for on TLS 1.2"
expect_json '.result.status == "usage" and (.result.message | test("TLS 1\\.3"))' \
    "why -PLUS cannot run"

# The wrong password: the server refuses, nothing is trusted.
SMTPSCOPE_PASSWORD=not-it scope --json --demo modern-auth --steps "$steps" \
    --user demo --auth SCRAM-SHA-256
expect_rc 5 "wrong password"
expect_json '.auth.code == 535' "535"

# A server that cannot prove it knows the password.
for profile in scram-wrong-proof scram-no-proof; do
	for mech in SCRAM-SHA-256 SCRAM-SHA-1; do
		scope --json --demo "$profile" --steps "$steps" --user demo --auth "$mech"
		expect_rc 7 "$profile, $mech: not trusted"
		expect_json '.result.status == "protocol"' "$profile: protocol failure"
		expect_json '[.findings[] | select(.id == "auth-server-unproven" and
		    .severity == "error")] | length == 1' "$profile: the finding"
		expect_json '.auth.verdict | test("server-signature=(mismatch|missing)")' \
		    "$profile: the verdict"
	done
done
scope --json --demo scram-no-proof --steps "$steps" --user demo --auth SCRAM-SHA-256
expect_json '.auth.code == 235' "scram-no-proof: the server did say 235"
scope --batch --demo scram-wrong-proof --steps "$steps" --user demo --auth SCRAM-SHA-256
expect_rc 7 "text report"
expect_text 'auth-server-unproven' "the finding in the text report"
expect_text 'could not prove it knows the password' "the finding's words"
grep -q 'not trusted' "$E2E_DIR/err" || fail "no clear message on stderr"
expect_no_raw_controls
exit 0
