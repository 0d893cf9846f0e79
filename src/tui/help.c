/*
 * help.c: the help overlay, generated from the key table: every action
 * with every key bound to it and its note, so help cannot disagree with
 * what the keys do.
 */

#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define HELP_KEYS_WIDTH	10

/* The labels bound to an action, once each: the first into key, the
 * others into more ("k, Ctrl-P"). */
static void
help_labels(enum tui_action a, struct ss_buf *key, struct ss_buf *more)
{
	const struct tui_binding	*k;
	size_t				 i, j;
	int				 seen;

	for (i = 0; i < tui_keys_count(); i++) {
		k = tui_keys_at(i);
		if (k->action != a) {
			continue;
		}
		for (seen = 0, j = 0; j < i; j++) {
			if (tui_keys_at(j)->action == a &&
			    strcmp(tui_keys_at(j)->label, k->label) == 0) {
				seen = 1;
			}
		}
		if (seen) {
			continue;
		}
		if (key->len == 0) {
			ss_buf_adds(key, k->label);
		} else {
			ss_buf_adds(more, more->len > 0 ? ", " : "");
			ss_buf_adds(more, k->label);
		}
	}
}

/* The probes: keys that break the rules on purpose, and what each
 * shows. */
static void
help_probes(struct tui_flow *f)
{
	const struct tui_probe	*p;
	size_t			 i;

	tui_flow_newline(f);
	tui_flow_adds(f, TUI_ROLE_HEADING, "Probes: these break the rules on "
	    "purpose, to see what the server lets through");
	for (i = 0; i < tui_probes_count(); i++) {
		p = tui_probes_at(i);
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_FOOTER_KEY, tui_keys_label(p->action));
		f->x = f->x + 1 > HELP_KEYS_WIDTH ? f->x + 1 : HELP_KEYS_WIDTH;
		f->indent = HELP_KEYS_WIDTH;
		tui_flow_printf(f, TUI_ROLE_NORMAL, "%s: %s",
		    tui_actions[p->action].label, p->shows);
		f->indent = 0;
	}
	tui_flow_newline(f);
	tui_flow_newline(f);
	tui_flow_adds(f, TUI_ROLE_DIM, "In a replay (--replay FILE) the "
	    "protocol keys are inactive: n or Space next step, p or Backspace "
	    "back, Home and End the first and last step.");
	tui_flow_newline(f);
}

/* Write the help text into a flow. */
static void
help_flow(struct tui_flow *f)
{
	struct ss_buf	key, more;
	int		a;

	tui_flow_adds(f, TUI_ROLE_HEADING, "Keys (Esc closes this help; "
	    "arrows, PgUp/PgDn scroll it)");
	tui_flow_newline(f);
	ss_buf_init(&key);
	ss_buf_init(&more);
	for (a = 1; a < TUI_ACT_LAST; a++) {
		ss_buf_reset(&key);
		ss_buf_reset(&more);
		help_labels(a, &key, &more);
		if (key.len == 0) {
			continue;
		}
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_FOOTER_KEY, key.data);
		f->x = f->x + 1 > HELP_KEYS_WIDTH ? f->x + 1 : HELP_KEYS_WIDTH;
		f->indent = HELP_KEYS_WIDTH;
		tui_flow_adds(f, TUI_ROLE_NORMAL, tui_actions[a].note);
		if (more.len > 0) {
			tui_flow_adds(f, TUI_ROLE_DIM, " (also ");
			tui_flow_adds(f, TUI_ROLE_FOOTER_KEY, more.data);
			tui_flow_adds(f, TUI_ROLE_DIM, ")");
		}
		f->indent = 0;
	}
	ss_buf_finish(&key);
	ss_buf_finish(&more);
	tui_flow_newline(f);
	help_probes(f);
	tui_flow_newline(f);
	tui_flow_adds(f, TUI_ROLE_DIM, "Mouse: click a line or a capability "
	    "to select it; the wheel scrolls.  Themes and keys: doc/keys.md, "
	    "doc/themes.md.");
}

/* The help view's draw. */
static void
help_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_flow	f;
	struct tui_rect	c;

	tui_canvas_fill(cv, r, TUI_ROLE_NORMAL);
	c = tui_pane_frame(t, cv, r, "help", 1, "Esc closes");
	c.x += 1;
	c.w -= 2;
	tui_flow_init(&f, cv, &c, t->overlay_top);
	help_flow(&f);
	t->overlay_lines = tui_flow_finish(&f);
}

/* Scrolling. */
static int
help_key(struct tui *t, enum tui_action a)
{
	return tui_scroll_action(&t->overlay_top, t->overlay_lines,
	    t->layout.body.h - 1, a);
}

/* Back to the top on resize. */
static void
help_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->overlay_top = 0;
}

const struct tui_view tui_view_help = {
	"help", help_draw, help_key, help_resize
};
