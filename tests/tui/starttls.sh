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
tui_wait_region wire '=== TLS established: TLSv1\.2'
tui_expect_region wire 'TLS established: .*certificate verified'
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_expect_region capabilities '^ *STARTTLS +yes +removed'
tui_expect_region capabilities 'after TLS'
tui_expect 'TLSv1.2'
tui_quit
