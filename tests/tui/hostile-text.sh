#!/bin/bash
# A server whose banner and EHLO lines carry terminal escapes (OSC 0 title,
# OSC 52 clipboard, OSC 8 link, CSI colours and cursor moves, 8-bit CSI,
# a bidi override, BEL): the explorer shows them as visible escapes, the
# pane title stays as it was, tmux receives no clipboard write, and none of
# the sequences is among the bytes written to the terminal.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

peer_start escapes
tui_start --timeout 5 "127.0.0.1:$PEER_PORT"
tui_wait_region wire 'pwned-title'
tui_keys e
tui_wait_region wire 'pwned-end'
# The escapes are there to be seen, as text.
tui_expect_region wire '\\e\]0;pwned-title'
tui_expect_region wire '\\e\[31mpwned-red'
tui_alive
title=$(tui_pane '#{pane_title}')
[ "$title" = "$TUI_TITLE" ] || tui_fail "the pane title changed to '$title'"
[ -z "$(tmx list-buffers)" ] ||
    tui_fail "the terminal received a clipboard write: $(tmx list-buffers)"
tui_expect_safe_tty
tui_quit
tui_expect_safe_tty
