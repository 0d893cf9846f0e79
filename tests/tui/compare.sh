#!/bin/bash
# v opens the full-width comparison of the EHLO lists before and after
# TLS, aligned by keyword; Esc closes it.
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
tui_wait_for 'before TLS'
tui_expect 'after TLS'
# Side by side: a keyword present in both phases sits on one row twice.
tui_expect_re 'PIPELINING.*PIPELINING'
tui_expect_re 'AUTH PLAIN LOGIN'
tui_keys Escape
tui_wait_region wire 'TLS established' 3
tui_quit
