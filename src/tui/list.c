/*
 * list.c: the scrolling list every view uses: a count of items, the first
 * visible one, the selected one, and a follow mode that keeps the last
 * item selected as new items arrive (like tail -f).
 */

#include <string.h>

#include "tui-int.h"

/* An empty list that follows new items. */
void
tui_list_init(struct tui_list *l)
{
	memset(l, 0, sizeof *l);
	l->height = 1;
	l->follow = 1;
}

/* Scroll so the selection is visible. */
static void
list_show_selection(struct tui_list *l)
{
	size_t	h = l->height > 0 ? (size_t)l->height : 1;

	if (l->sel < l->top) {
		l->top = l->sel;
	} else if (l->sel >= l->top + h) {
		l->top = l->sel - h + 1;
	}
	if (l->count <= h) {
		l->top = 0;
	} else if (l->top > l->count - h) {
		l->top = l->count - h;
	}
}

/* Items changed: keep the selection in range, or at the end if
 * following. */
void
tui_list_set_count(struct tui_list *l, size_t count)
{
	l->count = count;
	if (count == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->follow || l->sel >= count) {
		l->sel = count - 1;
	}
	list_show_selection(l);
}

/* Rows available changed. */
void
tui_list_set_height(struct tui_list *l, int height)
{
	l->height = height > 0 ? height : 1;
	list_show_selection(l);
}

/* Select an item; following resumes at the last one. */
void
tui_list_select(struct tui_list *l, size_t i)
{
	if (l->count == 0) {
		return;
	}
	l->sel = i < l->count ? i : l->count - 1;
	l->follow = l->sel == l->count - 1;
	list_show_selection(l);
}

/* Move the selection by delta items, stopping at either end. */
void
tui_list_move(struct tui_list *l, long delta)
{
	long	to = (long)l->sel + delta;

	if (to < 0) {
		to = 0;
	}
	tui_list_select(l, (size_t)to);
}

/* Navigation actions; others are not ours. */
int
tui_list_action(struct tui_list *l, enum tui_action a)
{
	long	page = l->height > 1 ? l->height - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		tui_list_move(l, -1);
		break;
	case TUI_ACT_DOWN:
		tui_list_move(l, 1);
		break;
	case TUI_ACT_PAGE_UP:
		tui_list_move(l, -page);
		break;
	case TUI_ACT_PAGE_DOWN:
		tui_list_move(l, page);
		break;
	case TUI_ACT_TOP:
		tui_list_select(l, 0);
		break;
	case TUI_ACT_BOTTOM:
		tui_list_select(l, l->count > 0 ? l->count - 1 : 0);
		l->follow = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* The item shown on a row of the list, or -1 past the end. */
long
tui_list_at_row(const struct tui_list *l, int row)
{
	size_t	i;

	if (row < 0 || row >= l->height) {
		return -1;
	}
	i = l->top + (size_t)row;
	return i < l->count ? (long)i : -1;
}

/* Scroll a text that has no selection, keeping top in range. */
int
tui_scroll_action(int *top, int lines, int page, enum tui_action a)
{
	int	max = lines > page ? lines - page : 0;

	switch (a) {
	case TUI_ACT_UP:
		(*top)--;
		break;
	case TUI_ACT_DOWN:
		(*top)++;
		break;
	case TUI_ACT_PAGE_UP:
		*top -= page > 1 ? page - 1 : 1;
		break;
	case TUI_ACT_PAGE_DOWN:
		*top += page > 1 ? page - 1 : 1;
		break;
	case TUI_ACT_TOP:
		*top = 0;
		break;
	case TUI_ACT_BOTTOM:
		*top = max;
		break;
	default:
		return 0;
	}
	if (*top > max) {
		*top = max;
	}
	if (*top < 0) {
		*top = 0;
	}
	return 1;
}
