/*
 * caps.c: the capability pane.  One row per keyword seen in any phase,
 * with its decoded parameters and a column per phase (before TLS, after
 * TLS, after AUTH) saying in words whether the keyword is there and how it
 * changed from the phase before: "yes", "--", "added", "removed",
 * "changed".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define COL_WIDE	11	/* "before TLS" and a space */
#define COL_NARROW	8	/* "removed" and a space */
#define WIDE_FROM	48	/* pane width for the long headers */

static const char *const caps_heads_wide[SS_PHASE_LAST] = {
	"before TLS", "after TLS", "after AUTH"
};
static const char *const caps_heads_narrow[SS_PHASE_LAST] = {
	"no TLS", "TLS", "AUTH"
};

/* The row of a keyword, adding one if needed. */
static struct tui_cap_row *
caps_row(struct tui *t, const char *keyword, size_t *alloc)
{
	size_t	i;

	for (i = 0; i < t->ncaprows; i++) {
		if (ss_strcasecmp(t->caprows[i].keyword, keyword) == 0) {
			return &t->caprows[i];
		}
	}
	if (t->ncaprows == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 32;
		t->caprows = xreallocarray(t->caprows, *alloc,
		    sizeof *t->caprows);
	}
	memset(&t->caprows[t->ncaprows], 0, sizeof t->caprows[0]);
	t->caprows[t->ncaprows].keyword = keyword;
	return &t->caprows[t->ncaprows++];
}

/* Rebuild the rows: keywords in the order phases first showed them. */
void
tui_caps_rebuild(struct tui *t)
{
	const struct ss_caps	*c;
	struct tui_cap_row	*row;
	size_t			 i, alloc;
	int			 p;

	free(t->caprows);
	t->caprows = NULL;
	t->ncaprows = alloc = 0;
	for (p = 0; p < SS_PHASE_LAST && t->dialog != NULL; p++) {
		if ((c = ss_dialog_caps(t->dialog, p)) == NULL) {
			continue;
		}
		for (i = 0; i < c->ncaps; i++) {
			row = caps_row(t, c->caps[i].keyword, &alloc);
			if (row->in[p] == NULL) {
				row->in[p] = &c->caps[i];
			}
		}
	}
	tui_list_set_count(&t->capl, t->ncaprows);
}

/* The selected capability row, or NULL. */
const struct tui_cap_row *
tui_caps_selected(const struct tui *t)
{
	if (t->ncaprows == 0 || t->capl.sel >= t->ncaprows) {
		return NULL;
	}
	return &t->caprows[t->capl.sel];
}

/* Is the phase reached (an EHLO answered in it)? */
static int
caps_reached(const struct tui *t, int p)
{
	return t->dialog != NULL && ss_dialog_caps(t->dialog, p) != NULL;
}

/* The word for a keyword in a phase, compared with the phase before. */
const char *
tui_caps_cell(const struct tui *t, const struct tui_cap_row *row,
    enum ss_phase p, enum tui_role *role)
{
	const struct ss_cap	*now = row->in[p], *before = NULL;
	int			 q, have_before = 0;

	*role = TUI_ROLE_ABSENT;
	if (!caps_reached(t, p)) {
		return "";
	}
	for (q = (int)p - 1; q >= 0; q--) {
		if (caps_reached(t, q)) {
			have_before = 1;
			before = row->in[q];
			break;
		}
	}
	if (have_before && now != NULL && before == NULL) {
		*role = TUI_ROLE_ADDED;
		return "added";
	}
	if (have_before && now == NULL && before != NULL) {
		*role = TUI_ROLE_REMOVED;
		return "removed";
	}
	if (now == NULL) {
		return "--";
	}
	if (have_before && strcmp(now->params, before->params) != 0) {
		*role = TUI_ROLE_CHANGED;
		return "changed";
	}
	*role = TUI_ROLE_NORMAL;
	return "yes";
}

/* Short parameter text: SIZE in MiB, AUTH's mechanisms, else verbatim. */
void
tui_caps_params(const struct ss_cap *c, struct ss_buf *b)
{
	size_t	i;

	if (c->has_size) {
		if (c->size == 0) {
			ss_buf_adds(b, "no fixed limit");
		} else if (c->size >= 1024 * 1024) {
			ss_buf_printf(b, "%.1f MiB", (double)c->size /
			    (1024.0 * 1024.0));
		} else {
			ss_buf_printf(b, "%llu octets",
			    (unsigned long long)c->size);
		}
		return;
	}
	if (ss_strcasecmp(c->keyword, "AUTH") == 0 && c->nwords > 0) {
		for (i = 0; i < c->nwords; i++) {
			if (i > 0) {
				ss_buf_addc(b, ' ');
			}
			ss_buf_adds(b, c->words[i]);
		}
		return;
	}
	ss_buf_adds(b, c->params);
}

/* The latest phase's entry of a row. */
static const struct ss_cap *
caps_latest(const struct tui_cap_row *row)
{
	int	p;

	for (p = SS_PHASE_LAST - 1; p >= 0; p--) {
		if (row->in[p] != NULL) {
			return row->in[p];
		}
	}
	return NULL;
}

/* Draw one capability row. */
static void
caps_draw_row(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    const struct tui_cap_row *row, int selected, int colw)
{
	struct tui_rect		 kw = *r;
	const struct ss_cap	*c = caps_latest(row);
	struct ss_buf		 b;
	enum tui_role		 role, base;
	const char		*word;
	int			 x, p;

	base = selected ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;
	if (selected) {
		tui_canvas_fill(cv, r, TUI_ROLE_SELECTED);
	}
	kw.w = r->w - SS_PHASE_LAST * colw - 1;
	x = tui_canvas_wire(cv, &kw, r->x + 1, r->y, base, row->keyword,
	    strlen(row->keyword));
	ss_buf_init(&b);
	if (c != NULL) {
		tui_caps_params(c, &b);
	}
	if (b.len > 0) {
		tui_canvas_wire(cv, &kw, x + 1, r->y, selected ? base :
		    TUI_ROLE_DIM, b.data, b.len);
	}
	ss_buf_finish(&b);
	for (p = 0; p < SS_PHASE_LAST; p++) {
		word = tui_caps_cell(t, row, p, &role);
		tui_canvas_str(cv, r, r->x + kw.w + 1 + p * colw, r->y,
		    selected && role == TUI_ROLE_NORMAL ? base : role, word);
	}
}

/* The capability view's draw. */
static void
caps_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	const char *const	*heads;
	struct tui_rect		 c, line;
	int			 colw, y, p;
	long			 item;

	c = tui_pane_frame(t, cv, r, "capabilities",
	    t->focus == TUI_PANE_CAPS, "v compares");
	if (c.h <= 0) {
		return;
	}
	colw = c.w >= WIDE_FROM ? COL_WIDE : COL_NARROW;
	heads = c.w >= WIDE_FROM ? caps_heads_wide : caps_heads_narrow;
	tui_canvas_str(cv, &c, c.x + 1, c.y, TUI_ROLE_HEADING, "keyword");
	for (p = 0; p < SS_PHASE_LAST; p++) {
		tui_canvas_str(cv, &c, c.x + c.w - SS_PHASE_LAST * colw +
		    p * colw, c.y, TUI_ROLE_HEADING, heads[p]);
	}
	if (t->ncaprows == 0) {
		tui_canvas_str(cv, &c, c.x + 1, c.y + 1, TUI_ROLE_DIM,
		    t->replay.active ? "no EHLO reply yet at this step" :
		    "no EHLO reply yet (press e)");
		return;
	}
	tui_list_set_height(&t->capl, c.h - 1);
	for (y = 0; y < c.h - 1; y++) {
		if ((item = tui_list_at_row(&t->capl, y)) < 0) {
			break;
		}
		line = c;
		line.y = c.y + 1 + y;
		line.h = 1;
		caps_draw_row(t, cv, &line, &t->caprows[item],
		    (size_t)item == t->capl.sel && t->focus == TUI_PANE_CAPS,
		    colw);
	}
}

/* The capability view's keys: the list's navigation. */
static int
caps_key(struct tui *t, enum tui_action a)
{
	if (tui_list_action(&t->capl, a)) {
		t->explain_top = 0;
		return 1;
	}
	return 0;
}

/* Two rows go to the title and the column heads. */
static void
caps_resize(struct tui *t, const struct tui_rect *r)
{
	tui_list_set_height(&t->capl, r->h - 2);
}

const struct tui_view tui_view_caps = {
	"capabilities", caps_draw, caps_key, caps_resize
};
