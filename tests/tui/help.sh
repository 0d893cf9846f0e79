#!/bin/bash
# ? lists every protocol key with what it does; Esc closes the overlay.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys '?'
for re in 'c +connect' 'e +EHLO' 's +STARTTLS' 'a +AUTH' 'm +MAIL' \
    'r +RCPT' 'D +DATA' 'R +RSET' 'Q +QUIT' ': +raw' '\? +help' 'q +quit'; do
	tui_wait_for_re "$re" 3
done
tui_keys Escape
tui_wait_gone 'RSET' 3
tui_alive
tui_quit
