#!/bin/bash
# ? opens the help generated from the key table: every protocol key with
# what it does, and the way out; Esc closes the overlay.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys '?'
tui_wait_region help 'Keys'
for re in '^ c +connect' '^ e +.*EHLO' '^ s +.*STARTTLS' '^ a +auth' \
    '^ m +.*MAIL' '^ r +.*RCPT' '^ D +.*DATA' '^ R +.*RSET' '^ n +.*NOOP' \
    '^ Q +.*QUIT' '^ : +' '^ Esc +'; do
	tui_expect_region help "$re"
done
# The rest is a page down, as the help's own heading says.
tui_keys PageDown
tui_wait_region help '^ q\b.*quit' 3
tui_wait_region help '^ \?.*help'
tui_keys Escape
tui_wait_region wire 'S: 220 ' 3
tui_expect_not 'Keys (Esc'
tui_quit
