#!/bin/bash
# The probes, one key each, break the rules on purpose: I sends STARTTLS
# and RSET in one write (the command-injection probe), V and E send VRFY
# and EXPN after a prompt, h sends HELO; against the injection-vulnerable
# demo the findings name the flaw.  The help lists them as probes.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo injection-vulnerable
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_keys I
tui_wait_region wire '^C: STARTTLS'
tui_wait_region wire '^C\+ RSET'
tui_wait_region wire 'TLS established'
tui_keys f
tui_wait_for 'starttls-command-injection'
tui_keys Escape

tui_keys V
tui_wait_for 'VRFY (probe): postmaster'
tui_keys Enter
tui_wait_region wire '^C: VRFY postmaster'
tui_wait_region wire '^S: [0-9]{3} .*' 
tui_keys E
tui_wait_for 'EXPN (probe): postmaster'
tui_keys Enter
tui_wait_region wire '^C: EXPN postmaster'
tui_keys h
tui_wait_region wire '^C: HELO '

tui_keys '?'
tui_wait_for 'Keys (Esc closes this help'
tui_keys G
tui_wait_for 'Probes: these break the rules on purpose'
tui_expect 'STARTTLS and RSET in one write'
tui_keys Escape
tui_quit
