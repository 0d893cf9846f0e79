/*
 * canvas-curses.c: the ncursesw backend, the one file that draws on the
 * terminal.  It only ever receives safe character clusters from canvas.c.
 * Colours degrade to what the terminal has (256, 16, 8, none) and NO_COLOR
 * turns them off, keeping the attributes.
 */

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

static attr_t	curses_attrs[TUI_ROLE_LAST];
static short	curses_pairs[TUI_ROLE_LAST];
static int	curses_cursor_x, curses_cursor_y, curses_cursor_on;

/* Our attribute bits as curses attributes. */
static attr_t
curses_attr_bits(unsigned a)
{
	attr_t	r = A_NORMAL;

	if (a & TUI_ATTR_BOLD) {
		r |= A_BOLD;
	}
	if (a & TUI_ATTR_UNDERLINE) {
		r |= A_UNDERLINE;
	}
	if (a & TUI_ATTR_REVERSE) {
		r |= A_REVERSE;
	}
	if (a & TUI_ATTR_DIM) {
		r |= A_DIM;
	}
	if (a & TUI_ATTR_ITALIC) {
		r |= A_ITALIC;
	}
	if (a & TUI_ATTR_STANDOUT) {
		r |= A_STANDOUT;
	}
	return r;
}

/* Draw one cluster. */
static void
curses_cell(struct tui_canvas *cv, int x, int y, const char *s, size_t len,
    int width, enum tui_role role)
{
	(void)cv;
	(void)width;
	attr_set(curses_attrs[role], curses_pairs[role], NULL);
	mvaddnstr(y, x, s, (int)len);
}

/* The terminal's size. */
static void
curses_size(struct tui_canvas *cv, int *w, int *h)
{
	(void)cv;
	getmaxyx(stdscr, *h, *w);
}

/* Remember where the cursor goes once drawing is done. */
static void
curses_cursor(struct tui_canvas *cv, int x, int y, int visible)
{
	(void)cv;
	curses_cursor_x = x;
	curses_cursor_y = y;
	curses_cursor_on = visible;
}

static const struct tui_canvas_ops curses_ops = {
	curses_cell, curses_size, curses_cursor
};

static struct tui_canvas curses_canvas = { &curses_ops, NULL };

/* The canvas drawing on the terminal. */
struct tui_canvas *
tui_curses_canvas(void)
{
	return &curses_canvas;
}

/* Colours to use: 0 without colour or with NO_COLOR set. */
int
tui_curses_colors(void)
{
	const char	*nc = getenv("NO_COLOR");

	if ((nc != NULL && *nc != '\0') || !has_colors()) {
		return 0;
	}
	return COLORS > 256 ? 256 : COLORS;
}

static SCREEN	*curses_screen;

/* Start curses: raw keys, no echo, short Esc delay, the mouse.  The MX
 * choice and then the explorer each start it once. */
int
tui_curses_init(char **err)
{
	if ((curses_screen = newterm(NULL, stdout, stdin)) == NULL) {
		*err = xstrdup("cannot use this terminal (is TERM set?)");
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	if (tui_curses_colors() > 0) {
		start_color();
		use_default_colors();
	}
	return 0;
}

/* Give the terminal back. */
void
tui_curses_end(void)
{
	curs_set(1);
	endwin();
	if (curses_screen != NULL) {
		delscreen(curses_screen);
		curses_screen = NULL;
	}
}

/* Turn a theme into colour pairs and attributes. */
void
tui_curses_apply_theme(const struct tui_theme *theme)
{
	const struct tui_style	*s;
	int			 n = tui_curses_colors(), i, fg, bg;

	for (i = 0; i < TUI_ROLE_LAST; i++) {
		s = &theme->roles[i];
		if (n == 0 || i + 1 >= COLOR_PAIRS) {
			curses_pairs[i] = 0;
			curses_attrs[i] = curses_attr_bits(s->attrs |
			    theme->mono[i]);
			continue;
		}
		fg = tui_theme_degrade(s->fg, n);
		bg = tui_theme_degrade(s->bg, n);
		init_pair((short)(i + 1), (short)fg, (short)bg);
		curses_pairs[i] = (short)(i + 1);
		curses_attrs[i] = curses_attr_bits(s->attrs);
	}
	bkgdset(' ' | COLOR_PAIR(curses_pairs[TUI_ROLE_NORMAL]));
}

/* After drawing: place or hide the cursor and update the terminal. */
void
tui_curses_flush(int clear_all)
{
	if (clear_all) {
		clearok(curscr, TRUE);
	}
	if (curses_cursor_on) {
		curs_set(1);
		move(curses_cursor_y, curses_cursor_x);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}
