/*
 * canvas-grid.c: an in-memory canvas.  Tests draw views into it and read
 * back the rows and the role of each cell, the way a person would read the
 * screen.
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define GRID_CELL_MAX	32

struct grid_cell {
	char		 glyph[GRID_CELL_MAX];	/* "" for the right half of a
						   wide character */
	int		 role;
};

struct tui_grid {
	struct tui_canvas	 canvas;
	int			 w, h;
	struct grid_cell	*cells;
};

/* Store one cluster; a wide one also covers the next cell. */
static void
grid_cell(struct tui_canvas *cv, int x, int y, const char *s, size_t len,
    int width, enum tui_role role)
{
	struct tui_grid		*g = cv->data;
	struct grid_cell	*c;

	if (x < 0 || y < 0 || x + width > g->w || y >= g->h) {
		return;
	}
	if (len >= GRID_CELL_MAX) {
		len = GRID_CELL_MAX - 1;
	}
	c = &g->cells[y * g->w + x];
	memcpy(c->glyph, s, len);
	c->glyph[len] = '\0';
	c->role = role;
	if (width == 2) {
		c[1].glyph[0] = '\0';
		c[1].role = role;
	}
}

/* The grid's size. */
static void
grid_size(struct tui_canvas *cv, int *w, int *h)
{
	struct tui_grid	*g = cv->data;

	*w = g->w;
	*h = g->h;
}

/* The grid has no cursor to place. */
static void
grid_cursor(struct tui_canvas *cv, int x, int y, int visible)
{
	(void)cv;
	(void)x;
	(void)y;
	(void)visible;
}

static const struct tui_canvas_ops grid_ops = {
	grid_cell, grid_size, grid_cursor
};

/* A blank grid of w by h cells. */
struct tui_grid *
tui_grid_create(int w, int h)
{
	struct tui_grid	*g;

	g = xcalloc(1, sizeof *g);
	g->w = w;
	g->h = h;
	g->cells = xcalloc((size_t)w * h, sizeof *g->cells);
	g->canvas.ops = &grid_ops;
	g->canvas.data = g;
	tui_grid_clear(g);
	return g;
}

/* Free a grid; NULL is a no-op. */
void
tui_grid_destroy(struct tui_grid *g)
{
	if (g == NULL) {
		return;
	}
	free(g->cells);
	free(g);
}

/* The canvas drawing into the grid. */
struct tui_canvas *
tui_grid_canvas(struct tui_grid *g)
{
	return &g->canvas;
}

/* Blank every cell. */
void
tui_grid_clear(struct tui_grid *g)
{
	int	i;

	for (i = 0; i < g->w * g->h; i++) {
		memcpy(g->cells[i].glyph, " ", 2);
		g->cells[i].role = TUI_ROLE_NORMAL;
	}
}

/* One row as UTF-8 text. */
char *
tui_grid_row(const struct tui_grid *g, int y)
{
	struct ss_buf	 b;
	char		*out;
	int		 x;

	ss_buf_init(&b);
	if (y >= 0 && y < g->h) {
		for (x = 0; x < g->w; x++) {
			ss_buf_adds(&b, g->cells[y * g->w + x].glyph);
		}
	}
	out = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return out;
}

/* Every row, joined by newlines. */
char *
tui_grid_dump(const struct tui_grid *g)
{
	struct ss_buf	 b;
	char		*row, *out;
	int		 y;

	ss_buf_init(&b);
	for (y = 0; y < g->h; y++) {
		row = tui_grid_row(g, y);
		ss_buf_adds(&b, row);
		ss_buf_addc(&b, '\n');
		free(row);
	}
	out = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return out;
}

/* The role a cell was drawn with. */
int
tui_grid_role(const struct tui_grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h) {
		return -1;
	}
	return g->cells[y * g->w + x].role;
}

/* Column of a byte offset in a row (cells before it). */
static int
grid_column(const struct tui_grid *g, int y, size_t offset)
{
	size_t	n = 0;
	int	x;

	for (x = 0; x < g->w && n < offset; x++) {
		n += strlen(g->cells[y * g->w + x].glyph);
	}
	return x;
}

/* The first row holding text, and its column. */
int
tui_grid_find(const struct tui_grid *g, const char *text, int *x)
{
	char	*row, *p;
	int	 y;

	for (y = 0; y < g->h; y++) {
		row = tui_grid_row(g, y);
		p = strstr(row, text);
		if (p != NULL) {
			if (x != NULL) {
				*x = grid_column(g, y, p - row);
			}
			free(row);
			return y;
		}
		free(row);
	}
	return -1;
}
