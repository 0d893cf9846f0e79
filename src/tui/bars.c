/*
 * bars.c: the header (target, address, state, TLS and verdict), the status
 * line (what the last step did, warnings, the note) and the footer (the
 * keys that make sense now, from the key table), and pane titles.
 */

#include <stdio.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define BARS_LABEL_SHARE	3	/* the label takes a third at most */
#define BARS_LABEL_MIN		16

static const char spinner_frames[] = "|/-\\";

/* A pane's title row; returns the rectangle below it. */
struct tui_rect
tui_pane_frame(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    const char *title, int focused, const char *right)
{
	struct tui_rect	 row = *r, c = *r;
	enum tui_role	 role = focused ? TUI_ROLE_TITLE_FOCUS : TUI_ROLE_TITLE;
	int		 w;

	(void)t;
	row.h = r->h > 0 ? 1 : 0;
	tui_canvas_fill(cv, &row, role);
	tui_canvas_printf(cv, &row, r->x + 1, r->y, role, "%s%s", title,
	    focused ? " *" : "");
	if (right != NULL && *right != '\0') {
		w = tui_canvas_width(right, strlen(right));
		if (w + (int)strlen(title) + 6 < r->w) {
			tui_canvas_str(cv, &row, r->x + r->w - w - 1, r->y,
			    role, right);
		}
	}
	c.y = r->y + 1;
	c.h = r->h > 0 ? r->h - 1 : 0;
	return c;
}

/* The verdict on the certificate, in a few words. */
static const char *
bars_verdict(const struct ss_tls_summary *s, enum tui_role *role)
{
	*role = TUI_ROLE_HEADER;
	if (s == NULL || !s->verify_known) {
		return NULL;
	}
	if (s->verify_flags == 0) {
		return "cert verified";
	}
	*role = TUI_ROLE_ERROR;
	return s->verify_ignored ? "cert NOT verified (accepted)" :
	    "cert NOT verified";
}

/* TLS version and verdict (they matter most; the cipher comes last). */
static int
bars_tls(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int x)
{
	const struct ss_tls_summary	*s = NULL;
	const char			*verdict;
	enum tui_role			 vrole;

	if (t->dialog != NULL) {
		s = ss_dialog_tls(t->dialog);
	}
	if (s == NULL || !s->established || s->version == NULL) {
		if (t->state != SS_STATE_IDLE) {
			x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER,
			    "  no TLS");
		}
		return x;
	}
	x = tui_canvas_printf(cv, r, x, r->y, TUI_ROLE_HEADER, "  %s",
	    s->version);
	if ((verdict = bars_verdict(s, &vrole)) != NULL) {
		x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER, " ");
		x = tui_canvas_str(cv, r, x, r->y, vrole, verdict);
	}
	return x;
}

/* The cipher, last: the longest and the least needed at a glance. */
static int
bars_cipher(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int x)
{
	const struct ss_tls_summary	*s = NULL;

	if (t->dialog != NULL) {
		s = ss_dialog_tls(t->dialog);
	}
	if (s == NULL || !s->established || s->cipher == NULL) {
		return x;
	}
	x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER, "  ");
	return tui_canvas_wire(cv, r, x, r->y, TUI_ROLE_HEADER, s->cipher,
	    strlen(s->cipher));
}

/* The target label, cut so the state, the findings and TLS still fit on
 * a narrow terminal (a replay's label is a path, often long). */
static int
bars_label(struct tui_canvas *cv, const struct tui_rect *r, int x,
    const char *label)
{
	struct tui_rect	clip = *r;
	int		budget = r->w / BARS_LABEL_SHARE, w;

	if (budget < BARS_LABEL_MIN) {
		budget = BARS_LABEL_MIN;
	}
	w = tui_canvas_width(label, strlen(label));
	clip.x = x;
	clip.w = w < budget ? w : budget;
	tui_canvas_wire(cv, &clip, x, r->y, TUI_ROLE_HEADER, label,
	    strlen(label));
	return x + clip.w;
}

/* Replay's position, or the session's state. */
static int
bars_state(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int x)
{
	if (t->replay.active) {
		return tui_canvas_printf(cv, r, x, r->y, TUI_ROLE_HEADER,
		    "  replay step %zu of %zu", t->replay.step + 1,
		    t->replay.nsteps);
	}
	return tui_canvas_printf(cv, r, x, r->y, TUI_ROLE_HEADER, "  %s",
	    t->busy ? "busy" : ss_state_names[t->state]);
}

/* "2 errors 1 warning": what the findings view would list. */
static int
bars_findings(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int x)
{
	struct ss_buf	b;
	enum tui_role	role;

	ss_buf_init(&b);
	tui_findings_counts(t, &b, &role);
	if (b.len > 0) {
		x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER, "  ");
		x = tui_canvas_str(cv, r, x, r->y, role, b.data);
	}
	ss_buf_finish(&b);
	return x;
}

/* The header: smtpscope, target, state or replay position, TLS and
 * verdict, findings, cipher, address. */
void
tui_bars_header(struct tui *t, struct tui_canvas *cv)
{
	struct tui_rect	 r = t->layout.header;
	const char	*label;
	int		 x;

	tui_canvas_fill(cv, &r, TUI_ROLE_HEADER);
	if (t->busy && r.w > 2) {
		tui_canvas_printf(cv, &r, r.x + r.w - 2, r.y, TUI_ROLE_HEADER,
		    "%c", spinner_frames[t->spinner % 4]);
		r.w -= 3;
	}
	x = tui_canvas_str(cv, &r, r.x + 1, r.y, TUI_ROLE_HEADER,
	    "smtpscope  ");
	label = t->cfg != NULL && t->cfg->target_label != NULL ?
	    t->cfg->target_label : "";
	x = bars_label(cv, &r, x, label);
	x = bars_state(t, cv, &r, x);
	x = bars_tls(t, cv, &r, x);
	x = bars_findings(t, cv, &r, x);
	x = bars_cipher(t, cv, &r, x);
	if (t->peer[0] != '\0') {
		tui_canvas_printf(cv, &r, x, r.y, TUI_ROLE_HEADER, "  [%s]",
		    t->peer);
	}
}

/* The status line, or the prompt when one is open. */
void
tui_bars_status(struct tui *t, struct tui_canvas *cv)
{
	const struct tui_rect	*r = &t->layout.status;
	int			 x = r->x;

	if (t->prompt.kind != TUI_PROMPT_NONE) {
		tui_prompt_draw(t, cv);
		return;
	}
	if (t->busy) {
		x = tui_canvas_printf(cv, r, x, r->y, TUI_ROLE_STATUS, "%c ",
		    spinner_frames[t->spinner % 4]);
	}
	if (t->warning[0] != '\0') {
		x = tui_canvas_wire(cv, r, x, r->y, TUI_ROLE_WARNING,
		    t->warning, strlen(t->warning));
		x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_STATUS, "  ");
	}
	tui_canvas_wire(cv, r, x, r->y, t->status_role, t->status,
	    strlen(t->status));
}

/* Did verification fail, with the user not yet past it? */
int
tui_verify_pending(const struct tui *t)
{
	const struct ss_tls_summary	*s;

	if (t->result != SS_RESULT_VERIFY || t->dialog == NULL) {
		return 0;
	}
	s = ss_dialog_tls(t->dialog);
	return s != NULL && !s->verify_ignored;
}

/* Is an action worth offering now? */
int
tui_bars_valid(const struct tui *t, enum tui_action a)
{
	unsigned	when = tui_actions[a].when, now = 0;

	if (when & TUI_WHEN_NEVER) {
		return 0;
	}
	if (when == TUI_WHEN_ALWAYS) {
		return 1;
	}
	if (t->replay.active) {
		now |= TUI_WHEN_REPLAY;
	} else if (t->state == SS_STATE_IDLE || t->state == SS_STATE_CLOSED) {
		now |= TUI_WHEN_OFFLINE;
	}
	if (!t->replay.active && !t->busy && t->state == SS_STATE_READY &&
	    !tui_verify_pending(t)) {
		now |= TUI_WHEN_READY;
	}
	if (t->busy) {
		now |= TUI_WHEN_BUSY;
	}
	if (tui_verify_pending(t)) {
		now |= TUI_WHEN_VERIFY;
	}
	if (t->search_active) {
		now |= TUI_WHEN_SEARCH;
	}
	if (t->overlay != TUI_OVERLAY_NONE) {
		now |= TUI_WHEN_OVERLAY;
	}
	if (t->dialog != NULL && ss_dialog_tls(t->dialog) != NULL &&
	    ss_dialog_tls(t->dialog)->started) {
		now |= TUI_WHEN_TLS;
	}
	return (when & now) != 0;
}

/* Cells a footer item takes: "k label  ". */
static int
bars_item_width(enum tui_action a)
{
	const char	*key = tui_keys_label(a);

	return tui_canvas_width(key, strlen(key)) + 1 +
	    (int)strlen(tui_actions[a].label) + 2;
}

/* Draw one footer item; returns the x after it. */
static int
bars_item(struct tui_canvas *cv, const struct tui_rect *r, int x,
    enum tui_action a)
{
	x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_FOOTER_KEY,
	    tui_keys_label(a));
	x = tui_canvas_printf(cv, r, x, r->y, TUI_ROLE_FOOTER, " %s  ",
	    tui_actions[a].label);
	return x;
}

/* The footer: valid keys, with help and quit always at the end. */
void
tui_bars_footer(struct tui *t, struct tui_canvas *cv)
{
	const struct tui_rect	*r = &t->layout.footer;
	int			 x = r->x + 1, reserve, a;

	tui_canvas_fill(cv, r, TUI_ROLE_FOOTER);
	reserve = bars_item_width(TUI_ACT_HELP) + bars_item_width(TUI_ACT_QUIT);
	for (a = 0; a < TUI_ACT_HELP; a++) {
		if (!tui_bars_valid(t, a) || tui_keys_label(a) == NULL) {
			continue;
		}
		if (x + bars_item_width(a) > r->x + r->w - reserve) {
			break;
		}
		x = bars_item(cv, r, x, a);
	}
	x = bars_item(cv, r, x, TUI_ACT_HELP);
	bars_item(cv, r, x, TUI_ACT_QUIT);
}
