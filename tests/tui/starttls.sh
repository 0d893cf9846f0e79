#!/bin/bash
# e, s, e: the TLS upgrade is drawn as a rule with version, cipher and the
# verification verdict; the header shows TLS; the capability table marks
# AUTH as added after TLS and STARTTLS as removed.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_keys s
tui_wait_region wire '=== TLS established: TLSv1\.3'
tui_wait_region wire '^T: verified'
# The header carries the version and the verdict, whatever the width of
# the cipher's name.
tui_screen | head -n 1 | grep -q 'TLSv1\.3' || tui_fail "no TLS version in the header"
tui_screen | head -n 1 | grep -qi 'verified' ||
    tui_fail "no verification verdict in the header: $(tui_screen | head -n 1)"
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_expect_region capabilities '^ *STARTTLS +yes +removed'
tui_expect_region capabilities 'after TLS'
tui_quit
