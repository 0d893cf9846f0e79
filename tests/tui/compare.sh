#!/bin/bash
# v opens the full-width comparison of the EHLO lists before and after
# TLS, aligned by keyword, with the changes in words; Esc closes it.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_keys s
tui_wait_region wire 'TLS established'
tui_keys e
tui_wait_region capabilities '^ *AUTH.* added'
tui_keys v
tui_wait_region compare 'before TLS +after TLS'
# One row per keyword, the phases side by side.
tui_expect_region compare '^ *PIPELINING +yes +yes'
tui_expect_region compare '^ *STARTTLS +yes +removed'
tui_expect_region compare '^ *AUTH +-- +added PLAIN LOGIN'
tui_expect_region compare '1 added, 1 removed'
tui_keys Escape
tui_wait_region wire 'TLS established' 3
tui_quit
