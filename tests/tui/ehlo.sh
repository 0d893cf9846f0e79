#!/bin/bash
# After e, the EHLO reply's keywords fill the before-TLS column, STARTTLS
# among them, and the wire shows the command and the reply.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_expect_region capabilities 'no EHLO reply yet'
tui_keys e
tui_wait_region wire 'C: EHLO'
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_expect_region capabilities 'before TLS'
tui_expect_region capabilities '^ *PIPELINING +yes'
# The demo server offers AUTH only after TLS: not in the first column.
tui_expect_not_region capabilities '^ *AUTH.* yes'
tui_quit
