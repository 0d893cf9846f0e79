/*
 * layout.c: from a terminal size to the rectangles of the screen.  A pure
 * function, so tests can check every size without a terminal.
 *
 * Wide terminals (TUI_WIDE_COLUMNS and more) put the wire pane on the left
 * and the capability and explain panes on the right, with one column of
 * separator between; narrower ones stack the three panes.  The header is
 * the first row, the footer the last, the status (or prompt) line the one
 * above it.
 */

#include <string.h>

#include "tui-int.h"

#define MIN_PANE	2	/* a title row and one row of content */
#define MAX_CAPS	14	/* stacked capability pane rows at most */

/* A rectangle, with negative sizes clamped to zero. */
static struct tui_rect
layout_rect(int x, int y, int w, int h)
{
	struct tui_rect	r;

	r.x = x > 0 ? x : 0;
	r.y = y > 0 ? y : 0;
	r.w = w > 0 ? w : 0;
	r.h = h > 0 ? h : 0;
	return r;
}

/* Wire pane left, capabilities over explain on the right. */
static void
layout_wide(struct tui_layout *l)
{
	const struct tui_rect	*b = &l->body;
	int			 left, right, caps_h;

	left = b->w / 2;
	right = b->w - left - 1;
	caps_h = b->h * 3 / 5;
	if (b->h - caps_h < MIN_PANE) {
		caps_h = b->h - MIN_PANE;
	}
	l->wire = layout_rect(b->x, b->y, left, b->h);
	l->caps = layout_rect(b->x + left + 1, b->y, right, caps_h);
	l->explain = layout_rect(b->x + left + 1, b->y + l->caps.h, right,
	    b->h - l->caps.h);
	l->stacked = 0;
}

/* Wire, capabilities and explain on top of one another.  The capability
 * pane gets room for a usual EHLO list (8 rows at 80x24), the explain
 * pane a quarter, the wire pane the rest. */
static void
layout_stacked(struct tui_layout *l)
{
	const struct tui_rect	*b = &l->body;
	int			 wire_h, caps_h, explain_h;

	if (b->h < 3 * MIN_PANE) {
		wire_h = b->h;
		caps_h = explain_h = 0;
	} else {
		caps_h = b->h * 2 / 5;
		if (caps_h > MAX_CAPS) {
			caps_h = MAX_CAPS;
		}
		explain_h = b->h / 4;
		if (caps_h < MIN_PANE) {
			caps_h = MIN_PANE;
		}
		if (explain_h < MIN_PANE) {
			explain_h = MIN_PANE;
		}
		wire_h = b->h - caps_h - explain_h;
	}
	l->wire = layout_rect(b->x, b->y, b->w, wire_h);
	l->caps = layout_rect(b->x, b->y + wire_h, b->w, caps_h);
	l->explain = layout_rect(b->x, b->y + wire_h + caps_h, b->w,
	    explain_h);
	l->stacked = 1;
}

/* Compute every rectangle for a terminal of cols x rows. */
void
tui_layout_compute(int cols, int rows, struct tui_layout *l)
{
	memset(l, 0, sizeof *l);
	if (cols < 0) {
		cols = 0;
	}
	if (rows < 0) {
		rows = 0;
	}
	l->screen = layout_rect(0, 0, cols, rows);
	l->header = layout_rect(0, 0, cols, rows > 0 ? 1 : 0);
	l->footer = layout_rect(0, rows - 1, cols, rows > 1 ? 1 : 0);
	l->status = layout_rect(0, rows - 2, cols, rows > 2 ? 1 : 0);
	l->body = layout_rect(0, 1, cols, rows - 3);
	if (l->body.h == 0) {
		l->body.y = rows > 0 ? 1 : 0;
	}
	if (cols >= TUI_WIDE_COLUMNS) {
		layout_wide(l);
	} else {
		layout_stacked(l);
	}
}
