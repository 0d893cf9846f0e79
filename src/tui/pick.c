/*
 * pick.c: a full-screen choice before the explorer starts, for "smtpscope
 * DOMAIN" when the domain has several mail exchangers: the list best
 * first, Up/Down (j/k) to move, Enter to connect to the selected one, a
 * digit to take that one at once, q or Esc to leave.  The state and its
 * drawing are plain functions over a canvas (tests draw it into the grid);
 * tui_pick runs them on the terminal.
 */

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define PICK_LIST_Y	3	/* heading, blank, column titles */
#define PICK_MAX_ERRORS	100	/* reads failing in a row: no terminal */

/* A picker over borrowed items, the first selected. */
void
tui_pick_init(struct tui_pick *p, const char *heading, const char *why,
    const char *const *items, size_t n)
{
	memset(p, 0, sizeof *p);
	p->heading = heading;
	p->why = why;
	p->items = items;
	p->n = n;
	tui_list_init(&p->list);
	p->list.follow = 0;
	tui_list_set_count(&p->list, n);
}

/* The list's rows at most, for a screen of h rows: below the heading,
 * above the explanation (two rows at least), the status line and the
 * footer. */
static int
pick_list_height(int h)
{
	int	rows = h - PICK_LIST_Y - 5;

	return rows > 1 ? rows : 1;
}

/* One key: TUI_PICK_MORE to go on, TUI_PICK_QUIT, or the index chosen. */
int
tui_pick_key(struct tui_pick *p, int key)
{
	enum tui_action	a;

	if (key >= '1' && key <= '9') {
		if ((size_t)(key - '1') < p->n) {
			return key - '1';
		}
		snprintf(p->status, sizeof p->status, "there is no number %c "
		    "here: 1 to %zu", key, p->n < 9 ? p->n : 9);
		return TUI_PICK_MORE;
	}
	a = tui_keys_lookup(key, 0);
	switch (a) {
	case TUI_ACT_SELECT:
		return p->n > 0 ? (int)p->list.sel : TUI_PICK_QUIT;
	case TUI_ACT_QUIT:
	case TUI_ACT_CANCEL:
		return TUI_PICK_QUIT;
	default:
		break;
	}
	if (!tui_list_action(&p->list, a)) {
		snprintf(p->status, sizeof p->status, "Up/Down choose, Enter "
		    "connects, q quits");
	} else {
		p->status[0] = '\0';
	}
	return TUI_PICK_MORE;
}

/* The list, the selected row highlighted. */
static void
pick_draw_list(struct tui_pick *p, struct tui_canvas *cv,
    const struct tui_rect *r)
{
	struct tui_rect	row;
	enum tui_role	role;
	size_t		i;
	int		y;

	tui_list_set_height(&p->list, r->h);
	for (y = 0; y < r->h; y++) {
		i = p->list.top + (size_t)y;
		if (i >= p->n) {
			break;
		}
		row = *r;
		row.y = r->y + y;
		row.h = 1;
		role = i == p->list.sel ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;
		tui_canvas_fill(cv, &row, role);
		tui_canvas_printf(cv, &row, row.x, row.y, role, "%s%3zu  ",
		    i == p->list.sel ? ">" : " ", i + 1);
		/* Names come from the DNS: escaped like server text. */
		tui_canvas_wire(cv, &row, row.x + 6, row.y, role, p->items[i],
		    strlen(p->items[i]));
	}
}

/* Draw the whole screen of w x h cells. */
void
tui_pick_draw(struct tui_pick *p, struct tui_canvas *cv, int w, int h)
{
	struct tui_rect	screen = { 0, 0, w, h }, row = { 0, 0, w, 1 };
	struct tui_rect	list = { 1, PICK_LIST_Y, w - 2, 1 };
	struct tui_flow	f;

	cv->ops->cursor(cv, 0, 0, 0);
	tui_canvas_fill(cv, &screen, TUI_ROLE_NORMAL);
	tui_canvas_fill(cv, &row, TUI_ROLE_HEADER);
	tui_canvas_str(cv, &row, 1, 0, TUI_ROLE_HEADER, "smtpscope  ");
	tui_canvas_wire(cv, &row, 12, 0, TUI_ROLE_HEADER, p->heading,
	    strlen(p->heading));
	row.y = 2;
	tui_canvas_str(cv, &row, 1, 2, TUI_ROLE_HEADING,
	    "   #  preference  mail exchanger");
	list.h = pick_list_height(h);
	if ((size_t)list.h > p->n) {
		list.h = (int)p->n;	/* the paragraph right below */
	}
	pick_draw_list(p, cv, &list);
	row.y = list.y + list.h + 1;
	row.x = 1;
	row.w = w - 2;
	row.h = h - row.y - 2 > 0 ? h - row.y - 2 : 0;
	tui_flow_init(&f, cv, &row, 0);
	tui_flow_lines(&f, TUI_ROLE_NOTE, p->why != NULL ? p->why : "");
	tui_flow_finish(&f);
	row = (struct tui_rect){ 0, h - 2, w, 1 };
	tui_canvas_str(cv, &row, 0, h - 2, TUI_ROLE_STATUS, p->status);
	row.y = h - 1;
	tui_canvas_fill(cv, &row, TUI_ROLE_FOOTER);
	tui_canvas_str(cv, &row, 1, h - 1, TUI_ROLE_FOOTER_KEY, "Up/Down");
	tui_canvas_str(cv, &row, 9, h - 1, TUI_ROLE_FOOTER, " choose  ");
	tui_canvas_str(cv, &row, 18, h - 1, TUI_ROLE_FOOTER_KEY, "Enter");
	tui_canvas_str(cv, &row, 23, h - 1, TUI_ROLE_FOOTER, " connect  ");
	tui_canvas_str(cv, &row, 33, h - 1, TUI_ROLE_FOOTER_KEY, "1-9");
	tui_canvas_str(cv, &row, 36, h - 1, TUI_ROLE_FOOTER, " that one  ");
	tui_canvas_str(cv, &row, 47, h - 1, TUI_ROLE_FOOTER_KEY, "q");
	tui_canvas_str(cv, &row, 48, h - 1, TUI_ROLE_FOOTER, " quit");
}

/* Read one key from curses as tui_key takes it; ERR when none. */
static int
pick_read_key(void)
{
	wint_t	ch;
	int	rc;

	if ((rc = wget_wch(stdscr, &ch)) == ERR) {
		return ERR;
	}
	if (rc == KEY_CODE_YES || ch < 0x80) {
		return (int)ch;
	}
	return (int)(TUI_KEY_UNICODE_FLAG | ch);
}

/* Ask on the terminal which item to use; the index, TUI_PICK_QUIT, or
 * TUI_PICK_NO_TERMINAL (said on stderr). */
int
tui_pick(const char *theme_name, const char *heading, const char *why,
    const char *const *items, size_t n)
{
	struct tui_pick		 p;
	struct tui_theme	 theme;
	char			*err = NULL;
	int			 choice = TUI_PICK_MORE, key, w, h, errors = 0;

	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		return TUI_PICK_NO_TERMINAL;
	}
	tui_theme_builtin(&theme);
	if (tui_theme_load(&theme, theme_name, &err) != 0) {
		free(err);	/* the explorer reports it once it runs */
		err = NULL;
	}
	if (tui_curses_init(&err) == -1) {
		fprintf(stderr, "smtpscope: %s\n", err != NULL ? err :
		    "cannot use the terminal");
		free(err);
		return TUI_PICK_NO_TERMINAL;
	}
	tui_curses_apply_theme(&theme);
	nodelay(stdscr, FALSE);
	tui_pick_init(&p, heading, why, items, n);
	while (choice == TUI_PICK_MORE) {
		getmaxyx(stdscr, h, w);
		tui_pick_draw(&p, tui_curses_canvas(), w, h);
		tui_curses_flush(0);
		if ((key = pick_read_key()) == ERR) {
			/* the terminal went away: do not spin */
			if (++errors > PICK_MAX_ERRORS) {
				choice = TUI_PICK_QUIT;
			}
			continue;
		}
		errors = 0;
		if (key != KEY_RESIZE) {
			choice = tui_pick_key(&p, key);
		}
	}
	tui_curses_end();
	return choice;
}
