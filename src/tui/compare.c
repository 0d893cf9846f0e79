/*
 * compare.c: the comparison view.  The EHLO lists of every phase side by
 * side across the full width, aligned by keyword, each cell holding the
 * parameters as advertised and the change in words, and a summary of the
 * differences (from ss_caps_diff) at the bottom.
 */

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "smtpscope/caps.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define KEYWORD_WIDTH	16
#define COMPARE_NO_EHLO_WIDTH	23	/* the long "no EHLO" note fits */

/* The columns: x of each phase and its width. */
struct compare_cols {
	int	x[SS_PHASE_LAST];
	int	w;
};

/* Split the width into a keyword column and one per phase. */
static void
compare_columns(const struct tui_rect *r, struct compare_cols *c)
{
	int	p, kw = r->w < 60 ? 10 : KEYWORD_WIDTH;

	c->w = (r->w - kw - 1) / SS_PHASE_LAST;
	for (p = 0; p < SS_PHASE_LAST; p++) {
		c->x[p] = r->x + kw + 1 + p * c->w;
	}
}

/* SIZE's limit in MiB after the octets. */
static void
compare_size(struct tui_canvas *cv, const struct tui_rect *clip, int x,
    int y, const struct ss_cap *c)
{
	struct ss_buf	b;

	if (!c->has_size) {
		return;
	}
	ss_buf_init(&b);
	tui_caps_params(c, &b);
	tui_canvas_printf(cv, clip, x, y, TUI_ROLE_DIM, " (%s)", b.data);
	ss_buf_finish(&b);
}

/* One phase cell: the change word, then the parameters. */
static void
compare_cell(struct tui *t, struct tui_canvas *cv, const struct tui_rect *clip,
    int x, int y, const struct tui_cap_row *row, int p)
{
	enum tui_role	 role;
	const char	*word = tui_caps_cell(t, row, p, &role);
	const char	*params;

	if (row->in[p] == NULL || strcmp(word, "yes") != 0) {
		x = tui_canvas_str(cv, clip, x, y, role, word);
		x++;
	}
	if (row->in[p] != NULL) {
		params = row->in[p]->params;
		if (*params == '\0' && strcmp(word, "yes") == 0) {
			params = "yes";
		}
		x = tui_canvas_wire(cv, clip, x, y, TUI_ROLE_NORMAL, params,
		    strlen(params));
		compare_size(cv, clip, x, y, row->in[p]);
	}
}

/* Draw a row of the table: keyword and each phase cell. */
static void
compare_row(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    const struct compare_cols *c, int y, const struct tui_cap_row *row)
{
	struct tui_rect	clip = *r;
	int		p;

	clip.w = c->x[0] - r->x - 1;
	tui_canvas_wire(cv, &clip, r->x, y, TUI_ROLE_HEADING, row->keyword,
	    strlen(row->keyword));
	for (p = 0; p < SS_PHASE_LAST; p++) {
		clip.x = c->x[p];
		clip.w = c->w - 1;
		compare_cell(t, cv, &clip, c->x[p], y, row, p);
	}
}

/* "after TLS: 1 added, 1 removed, 0 changed" from ss_caps_diff. */
static void
compare_summary(struct tui *t, struct ss_buf *b, int from, int to)
{
	const struct ss_caps	*a = ss_dialog_caps(t->dialog, from);
	const struct ss_caps	*z = ss_dialog_caps(t->dialog, to);
	struct ss_cap_diff	*d;
	size_t			 n, i, count[SS_CAP_CHANGE_LAST] = { 0 };

	if (a == NULL || z == NULL) {
		return;
	}
	d = ss_caps_diff(a, z, &n);
	for (i = 0; i < n; i++) {
		count[d[i].change]++;
	}
	free(d);
	ss_buf_printf(b, "%s%s -> %s: %zu added, %zu removed, %zu changed",
	    b->len > 0 ? ";  " : "", ss_phase_titles[from],
	    ss_phase_titles[to], count[SS_CAP_ADDED], count[SS_CAP_REMOVED],
	    count[SS_CAP_CHANGED]);
}

/* The greeting line of each phase's EHLO reply. */
static void
compare_greetings(struct tui *t, struct tui_canvas *cv,
    const struct tui_rect *r, const struct compare_cols *c, int y)
{
	const struct ss_caps	*caps;
	struct tui_rect		 clip = *r;
	int			 p;

	tui_canvas_str(cv, r, r->x, y, TUI_ROLE_DIM, "greeting");
	for (p = 0; p < SS_PHASE_LAST; p++) {
		caps = ss_dialog_caps(t->dialog, p);
		clip.x = c->x[p];
		clip.w = c->w - 1;
		if (caps != NULL && caps->greeting != NULL) {
			tui_canvas_wire(cv, &clip, c->x[p], y, TUI_ROLE_DIM,
			    caps->greeting, strlen(caps->greeting));
		} else {
			tui_canvas_str(cv, &clip, c->x[p], y, TUI_ROLE_ABSENT,
			    clip.w >= COMPARE_NO_EHLO_WIDTH ?
			    "(no EHLO in this phase)" : "(no EHLO)");
		}
	}
}

/* The comparison view's draw. */
static void
compare_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct compare_cols	cols;
	struct tui_rect		c;
	struct ss_buf		b;
	int			p, i, y;

	tui_canvas_fill(cv, r, TUI_ROLE_NORMAL);
	c = tui_pane_frame(t, cv, r, "compare capabilities", 1, "Esc closes");
	if (c.h < 3 || t->dialog == NULL) {
		return;
	}
	compare_columns(&c, &cols);
	tui_canvas_str(cv, &c, c.x, c.y, TUI_ROLE_HEADING, "keyword");
	for (p = 0; p < SS_PHASE_LAST; p++) {
		tui_canvas_str(cv, &c, cols.x[p], c.y, TUI_ROLE_HEADING,
		    ss_phase_titles[p]);
	}
	compare_greetings(t, cv, &c, &cols, c.y + 1);
	t->overlay_lines = (int)t->ncaprows;
	for (i = t->overlay_top, y = c.y + 2; i < (int)t->ncaprows &&
	    y < c.y + c.h - 1; i++, y++) {
		compare_row(t, cv, &c, &cols, y, &t->caprows[i]);
	}
	ss_buf_init(&b);
	compare_summary(t, &b, SS_PHASE_BEFORE_TLS, SS_PHASE_AFTER_TLS);
	compare_summary(t, &b, SS_PHASE_AFTER_TLS, SS_PHASE_AFTER_AUTH);
	tui_canvas_str(cv, &c, c.x, c.y + c.h - 1, TUI_ROLE_DIM,
	    b.len > 0 ? b.data : "Nothing to compare yet: EHLO, then "
	    "STARTTLS and EHLO again.");
	ss_buf_finish(&b);
}

/* Scrolling the rows. */
static int
compare_key(struct tui *t, enum tui_action a)
{
	return tui_scroll_action(&t->overlay_top, t->overlay_lines,
	    t->layout.body.h - 4, a);
}

/* Back to the top on resize. */
static void
compare_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->overlay_top = 0;
}

const struct tui_view tui_view_compare = {
	"compare", compare_draw, compare_key, compare_resize
};
