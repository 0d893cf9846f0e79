/*
 * prompt.c: the one-line editor on the status line.  Text input with a
 * cursor (Left/Right, Home/End, Backspace, Delete, Ctrl-U, Ctrl-W), a list
 * of choices cycled with Up/Down or Tab (AUTH mechanisms), and hidden
 * input for passwords: nothing of what is typed is drawn, not even its
 * length, and the buffer is wiped when the prompt closes.
 */

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

/* Free the choice list. */
static void
prompt_free_choices(struct tui_prompt *p)
{
	size_t	i;

	for (i = 0; i < p->nchoices; i++) {
		free(p->choices[i]);
	}
	free(p->choices);
	p->choices = NULL;
	p->nchoices = p->choice = 0;
}

/* Replace the text and put the cursor at its end. */
static void
prompt_set(struct tui_prompt *p, const char *text)
{
	ss_wipe(p->buf, sizeof p->buf);
	p->len = ss_strlcpy(p->buf, text, sizeof p->buf);
	if (p->len >= sizeof p->buf) {
		p->len = sizeof p->buf - 1;
	}
	p->cur = p->len;
}

/* Open a prompt on the status line. */
void
tui_prompt_open(struct tui *t, enum tui_prompt_kind kind, const char *label,
    const char *initial, int hidden)
{
	struct tui_prompt	*p = &t->prompt;

	tui_prompt_close(t);
	p->kind = kind;
	p->label = label;
	p->hidden = hidden;
	prompt_set(p, initial != NULL ? initial : "");
}

/* Offer choices; the preselected one fills the line. */
void
tui_prompt_choices(struct tui *t, const char *const *choices, size_t n,
    size_t preselect)
{
	struct tui_prompt	*p = &t->prompt;
	size_t			 i;

	prompt_free_choices(p);
	if (n == 0) {
		return;
	}
	p->choices = xreallocarray(NULL, n, sizeof *p->choices);
	for (i = 0; i < n; i++) {
		p->choices[i] = xstrdup(choices[i]);
	}
	p->nchoices = n;
	p->choice = preselect < n ? preselect : 0;
	prompt_set(p, p->choices[p->choice]);
}

/* Close the prompt and wipe what was typed. */
void
tui_prompt_close(struct tui *t)
{
	struct tui_prompt	*p = &t->prompt;

	ss_wipe(p->buf, sizeof p->buf);
	p->len = p->cur = 0;
	p->kind = TUI_PROMPT_NONE;
	p->hidden = 0;
	prompt_free_choices(p);
}

/* Length of the UTF-8 character ending at offset (for Backspace). */
static size_t
prompt_prev(const struct tui_prompt *p, size_t at)
{
	size_t	n = 0;

	while (at > 0) {
		at--;
		n++;
		if (((unsigned char)p->buf[at] & 0xc0) != 0x80) {
			break;
		}
	}
	return n;
}

/* Length of the UTF-8 character starting at offset. */
static size_t
prompt_next(const struct tui_prompt *p, size_t at)
{
	size_t	n = 0;

	if (at >= p->len) {
		return 0;
	}
	do {
		n++;
	} while (at + n < p->len &&
	    ((unsigned char)p->buf[at + n] & 0xc0) == 0x80);
	return n;
}

/* Remove n bytes at offset. */
static void
prompt_delete(struct tui_prompt *p, size_t at, size_t n)
{
	memmove(p->buf + at, p->buf + at + n, p->len - at - n);
	p->len -= n;
	ss_wipe(p->buf + p->len, n);
}

/* Insert a code point at the cursor, as UTF-8. */
static void
prompt_insert(struct tui_prompt *p, unsigned cp)
{
	char	u[4];
	size_t	n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (p->len + n >= sizeof p->buf) {
		return;
	}
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur);
	memcpy(p->buf + p->cur, u, n);
	p->len += n;
	p->cur += n;
	p->buf[p->len] = '\0';
}

/* Cycle through the choices. */
static void
prompt_cycle(struct tui_prompt *p, int delta)
{
	if (p->nchoices == 0) {
		return;
	}
	p->choice = (p->choice + p->nchoices + delta) % p->nchoices;
	prompt_set(p, p->choices[p->choice]);
}

/* Editing keys; returns 0 for keys it does not know. */
static int
prompt_edit(struct tui_prompt *p, int key)
{
	size_t	n;

	switch (key) {
	case KEY_LEFT:
		p->cur -= prompt_prev(p, p->cur);
		break;
	case KEY_RIGHT:
		p->cur += prompt_next(p, p->cur);
		break;
	case KEY_HOME:
	case TUI_KEY_CTRL('a'):
		p->cur = 0;
		break;
	case KEY_END:
	case TUI_KEY_CTRL('e'):
		p->cur = p->len;
		break;
	case KEY_BACKSPACE:
	case 127:
	case TUI_KEY_CTRL('h'):
		n = prompt_prev(p, p->cur);
		p->cur -= n;
		prompt_delete(p, p->cur, n);
		break;
	case KEY_DC:
	case TUI_KEY_CTRL('d'):
		prompt_delete(p, p->cur, prompt_next(p, p->cur));
		break;
	case TUI_KEY_CTRL('u'):
		prompt_delete(p, 0, p->cur);
		p->cur = 0;
		break;
	case TUI_KEY_CTRL('w'):
		for (n = p->cur; n > 0 && p->buf[n - 1] == ' '; n--) {
			;
		}
		for (; n > 0 && p->buf[n - 1] != ' '; n--) {
			;
		}
		prompt_delete(p, n, p->cur - n);
		p->cur = n;
		break;
	case KEY_UP:
	case KEY_BTAB:
		prompt_cycle(p, -1);
		break;
	case KEY_DOWN:
	case TUI_KEY_TAB:
		prompt_cycle(p, 1);
		break;
	default:
		return 0;
	}
	p->buf[p->len] = '\0';
	return 1;
}

/* A key while the prompt is open: Enter (done 1), Esc (done -1), edits. */
int
tui_prompt_key(struct tui *t, int key, int *done)
{
	struct tui_prompt	*p = &t->prompt;
	unsigned		 cp;

	*done = 0;
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		*done = 1;
		return 1;
	}
	if (key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') ||
	    key == TUI_KEY_CTRL('g')) {
		*done = -1;
		return 1;
	}
	if (prompt_edit(p, key)) {
		return 1;
	}
	cp = (unsigned)key & ~(unsigned)TUI_KEY_UNICODE_FLAG;
	if ((key & TUI_KEY_UNICODE_FLAG) || (key >= 32 && key < 127)) {
		if (cp >= 32 && cp != 127 && !(cp >= 0x80 && cp < 0xa0)) {
			prompt_insert(p, cp);
		}
	}
	return 1;
}

/* Draw the prompt on the status line and place the cursor. */
void
tui_prompt_draw(struct tui *t, struct tui_canvas *cv)
{
	const struct tui_prompt	*p = &t->prompt;
	const struct tui_rect	*r = &t->layout.status;
	size_t			 start = 0;
	int			 x, cx, avail;

	x = tui_canvas_printf(cv, r, r->x, r->y, TUI_ROLE_PROMPT, "%s ",
	    p->label);
	if (p->hidden) {
		tui_canvas_str(cv, r, x, r->y, TUI_ROLE_DIM,
		    "(typing is hidden; Enter sends, Esc cancels)");
		cv->ops->cursor(cv, x, r->y, 1);
		return;
	}
	avail = r->x + r->w - x - 1;
	while (start < p->cur &&
	    tui_canvas_width(p->buf + start, p->cur - start) >= avail) {
		start += prompt_next(p, start);
	}
	cx = tui_canvas_text(cv, r, x, r->y, TUI_ROLE_INPUT, p->buf + start,
	    p->cur - start);
	x = tui_canvas_text(cv, r, cx, r->y, TUI_ROLE_INPUT, p->buf + p->cur,
	    p->len - p->cur);
	if (p->nchoices > 1 && x + 24 < r->x + r->w) {
		tui_canvas_str(cv, r, x + 2, r->y, TUI_ROLE_DIM,
		    "(Up/Down/Tab: other choices)");
	}
	cv->ops->cursor(cv, cx, r->y, 1);
}
