#!/bin/bash
# Shrinking the terminal to 80x24 mid-session keeps the explorer usable:
# header and footer still shown, no crash, keys still work; growing it back
# restores the side-by-side panes.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire 'S: 220 '
tui_keys e
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_resize 80 24
tui_wait_for_re 'q +quit'
tui_alive
[ "$(tui_pane '#{pane_width}x#{pane_height}')" = 80x24 ] ||
    tui_fail "the pane is $(tui_pane '#{pane_width}x#{pane_height}')"
# Header on the first row, footer on the last, the panes stacked between.
tui_screen | head -n 1 | grep -q '^ smtpscope ' || tui_fail "no header on row 1"
tui_screen | tail -n 1 | grep -qE 'q +quit' || tui_fail "no footer on row 24"
tui_expect_region capabilities '^ *STARTTLS +yes'
tui_expect_region wire 'S: 250 HELP'
# No line is wider than the terminal (capture pads nothing past 80).
tui_screen | awk 'length($0) > 80 { exit 1 }' || tui_fail "a line exceeds 80 columns"
tui_keys n
tui_wait_region wire 'C: NOOP'
tui_resize 60 15
tui_alive
tui_resize 120 40
tui_wait_region capabilities '^ *STARTTLS +yes'
tui_alive
tui_quit
