/*
 * test-tui-layout.c: the layout function at the sizes people use, a
 * narrow one and a tiny one.  Every rectangle stays on the screen, no two
 * overlap, the panes share the body between them, the panes sit side by
 * side from 100 columns and stack below, and 80x24 leaves every pane room
 * to be read.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tui-int.h"

static const struct {
	int	cols, rows;
	int	stacked;
	int	min_wire;	/* content rows of each pane at least */
	int	min_caps;
	int	min_explain;
} sizes[] = {
	{ 200, 50, 0, 20, 10, 5 },
	{ 100, 30, 0, 20, 8, 4 },
	{ 99, 30, 1, 6, 8, 4 },
	{ 80, 24, 1, 6, 7, 3 },
	{ 40, 10, 1, 1, 1, 1 },
};

/* Is r inside the screen? */
static int
inside(const struct tui_rect *r, const struct tui_layout *l)
{
	return r->x >= 0 && r->y >= 0 && r->w >= 0 && r->h >= 0 &&
	    r->x + r->w <= l->screen.w && r->y + r->h <= l->screen.h;
}

/* Do two non-empty rectangles share a cell? */
static int
overlap(const struct tui_rect *a, const struct tui_rect *b)
{
	if (a->w == 0 || a->h == 0 || b->w == 0 || b->h == 0) {
		return 0;
	}
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

/* The rectangles of a layout, for pairwise checks. */
static void
rects(const struct tui_layout *l, const struct tui_rect *out[6])
{
	out[0] = &l->header;
	out[1] = &l->wire;
	out[2] = &l->caps;
	out[3] = &l->explain;
	out[4] = &l->status;
	out[5] = &l->footer;
}

/* Every rectangle is on screen and none overlaps another. */
static void
test_layout_no_overlap(void **state)
{
	const struct tui_rect	*r[6];
	struct tui_layout	 l;
	size_t			 i, a, b;

	(void)state;
	for (i = 0; i < SS_NITEMS(sizes); i++) {
		tui_layout_compute(sizes[i].cols, sizes[i].rows, &l);
		rects(&l, r);
		for (a = 0; a < 6; a++) {
			assert_true(inside(r[a], &l));
			for (b = a + 1; b < 6; b++) {
				assert_false(overlap(r[a], r[b]));
			}
		}
	}
}

/* Header first row, footer last, status just above it, panes between. */
static void
test_layout_bars(void **state)
{
	struct tui_layout	l;
	size_t			i;

	(void)state;
	for (i = 0; i < SS_NITEMS(sizes); i++) {
		tui_layout_compute(sizes[i].cols, sizes[i].rows, &l);
		assert_int_equal(l.header.y, 0);
		assert_int_equal(l.header.h, 1);
		assert_int_equal(l.footer.y, sizes[i].rows - 1);
		assert_int_equal(l.status.y, sizes[i].rows - 2);
		assert_int_equal(l.body.y, 1);
		assert_int_equal(l.body.h, sizes[i].rows - 3);
		assert_int_equal(l.footer.w, sizes[i].cols);
	}
}

/* The panes fill the body: every body cell belongs to one pane, except
 * the separator column of the wide layout. */
static void
test_layout_panes_fill_body(void **state)
{
	struct tui_layout	l;
	size_t			i;
	int			area, body;

	(void)state;
	for (i = 0; i < SS_NITEMS(sizes); i++) {
		tui_layout_compute(sizes[i].cols, sizes[i].rows, &l);
		area = l.wire.w * l.wire.h + l.caps.w * l.caps.h +
		    l.explain.w * l.explain.h;
		body = l.body.w * l.body.h;
		assert_int_equal(area, l.stacked ? body : body - l.body.h);
	}
}

/* Side by side from 100 columns, stacked below; every pane readable. */
static void
test_layout_arrangement(void **state)
{
	struct tui_layout	l;
	size_t			i;

	(void)state;
	for (i = 0; i < SS_NITEMS(sizes); i++) {
		tui_layout_compute(sizes[i].cols, sizes[i].rows, &l);
		assert_int_equal(l.stacked, sizes[i].stacked);
		if (l.stacked) {
			assert_true(l.caps.y >= l.wire.y + l.wire.h);
			assert_true(l.explain.y >= l.caps.y + l.caps.h);
			assert_int_equal(l.wire.w, sizes[i].cols);
		} else {
			assert_true(l.caps.x > l.wire.x + l.wire.w - 1);
			assert_int_equal(l.caps.y, l.wire.y);
			assert_int_equal(l.explain.x, l.caps.x);
			assert_true(l.wire.w >= 40);
			assert_true(l.caps.w >= 48);
		}
		/* One row of each pane is its title. */
		assert_true(l.wire.h - 1 >= sizes[i].min_wire);
		assert_true(l.caps.h - 1 >= sizes[i].min_caps);
		assert_true(l.explain.h - 1 >= sizes[i].min_explain);
	}
}

/* Degenerate sizes give empty rectangles, never negative ones. */
static void
test_layout_degenerate(void **state)
{
	static const int	 odd[][2] = { { 0, 0 }, { 1, 1 }, { 5, 3 },
	    { 300, 2 }, { -4, -4 }, { 100, 4 } };
	const struct tui_rect	*r[6];
	struct tui_layout	 l;
	size_t			 i, a;

	(void)state;
	for (i = 0; i < SS_NITEMS(odd); i++) {
		tui_layout_compute(odd[i][0], odd[i][1], &l);
		rects(&l, r);
		for (a = 0; a < 6; a++) {
			assert_true(r[a]->w >= 0 && r[a]->h >= 0);
			assert_true(inside(r[a], &l));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_no_overlap),
		cmocka_unit_test(test_layout_bars),
		cmocka_unit_test(test_layout_panes_fill_body),
		cmocka_unit_test(test_layout_arrangement),
		cmocka_unit_test(test_layout_degenerate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
