#!/bin/bash
# One demo profile against its row in tests/data/demo-profiles.tsv: the
# batch exit code and the exact set of findings a user would read.  The
# profile's name is the second argument; the table is the test's data.
. "$(dirname "$0")/lib.sh"
profile=${2:?usage: profile.sh SMTPSCOPE PROFILE}
e2e_init "$1"

table="$(dirname "$0")/../data/demo-profiles.tsv"
row=$(awk -F'\t' -v p="$profile" '$1 == p { print; exit }' "$table")
[ -n "$row" ] || fail "no row for profile $profile in $table"
IFS=$'\t' read -r _ steps want_rc want <<<"$row"

args=(--json --demo "$profile" --timeout 10)
[ "$steps" = - ] || args+=(--steps "$steps")
scope "${args[@]}"
expect_rc "$want_rc" "batch exit code against --demo $profile"
got=$(jq -r '[.findings[] | .severity + ":" + .id] | sort | join(" ")' \
    "$E2E_DIR/out")
[ "$want" = - ] && want=""
want=$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ' | sed 's/ *$//')
[ "$got" = "$want" ] ||
    fail "findings against --demo $profile: got [$got], expected [$want]"
# Every finding points at the events that prove it.
jq -e '. as $root | [.findings[] | (.events | length > 0) and
    all(.events[]; . >= 0 and . < ($root.events | length))] | all' \
    "$E2E_DIR/out" >/dev/null || fail "a finding without valid evidence"
expect_no_raw_controls

# --check turns the worst finding into the exit code (when the run itself
# did not fail first).
if [ "$want_rc" = 0 ]; then
	scope "${args[@]}" --check
	case "$want" in
	*error:*)	expect_rc 9 "--check with an error finding" ;;
	*warning:*)	expect_rc 8 "--check with a warning finding" ;;
	*)		expect_rc 0 "--check with info findings only" ;;
	esac
fi
echo "ok: --demo $profile reports [$want]"
