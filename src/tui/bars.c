/*
 * bars.c: the header (target, address, state, TLS and verdict), the status
 * line (what the last step did, warnings, the note) and the footer (the
 * keys that make sense now, from the key table), and pane titles.
 */

#include <stdio.h>
#include <string.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define BARS_LABEL_MIN		12	/* cells the label keeps when narrow */
#define BARS_LABEL_BRIEF	8	/* ... with the brief pieces */
#define BARS_LABEL_TINY		4	/* ... when very narrow */
#define BARS_NAME		"smtpscope  "
#define BARS_NAME_WIDTH		11

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

/* One piece of the header: text in a role, and an optional second part
 * in a role of its own (the verdict after the TLS version).  Pieces from
 * the wire (the cipher) are escaped in the escape role. */
struct bars_seg {
	char		 text[160];
	enum tui_role	 role;
	char		 more[48];
	enum tui_role	 more_role;
	int		 wire;
};

/* The header's pieces after the label, left to right.  The essential
 * ones stay when the terminal is narrow (in their brief form if need be);
 * the optional ones are drawn only when they fit whole. */
enum bars_piece {
	BARS_PORT,
	BARS_STATE,
	BARS_TLS,
	BARS_FINDINGS,
	BARS_ESSENTIAL,			/* the ones before this stay */
	BARS_CIPHER = BARS_ESSENTIAL,
	BARS_PEER,
	BARS_LAST
};

/* The verdict on the certificate, in a few words. */
static const char *
bars_verdict(const struct ss_tls_summary *s, enum tui_role *role, int brief)
{
	*role = TUI_ROLE_HEADER;
	if (s == NULL || !s->verify_known) {
		return NULL;
	}
	if (s->verify_flags == 0) {
		return brief ? "verified" : "cert verified";
	}
	*role = TUI_ROLE_ERROR;
	if (brief) {
		return s->verify_ignored ? "unverified, accepted" :
		    "NOT verified";
	}
	return s->verify_ignored ? "cert NOT verified (accepted)" :
	    "cert NOT verified";
}

/* The port the next connect uses, and whether TLS starts at once: the
 * keys 0 to 3 change it. */
static void
bars_port(const struct tui *t, struct bars_seg *g, int brief)
{
	if (t->replay.active || t->port <= 0) {
		return;
	}
	snprintf(g->text, sizeof g->text, "%s%d%s", brief ? ":" : "port ",
	    t->port, !t->implicit_tls ? "" : brief ? " TLS" : " implicit TLS");
}

/* Replay's position, or the session's state. */
static void
bars_state(const struct tui *t, struct bars_seg *g, int brief)
{
	if (t->replay.active) {
		snprintf(g->text, sizeof g->text, brief ? "step %zu/%zu" :
		    "replay step %zu of %zu", t->replay.step + 1,
		    t->replay.nsteps);
		return;
	}
	ss_strlcpy(g->text, t->busy ? "busy" : ss_state_names[t->state],
	    sizeof g->text);
}

/* TLS version and verdict (they matter most; the cipher comes last). */
static void
bars_tls(const struct tui *t, struct bars_seg *g, int brief)
{
	const struct ss_tls_summary	*s = NULL;
	const char			*verdict;

	if (t->dialog != NULL) {
		s = ss_dialog_tls(t->dialog);
	}
	if (s == NULL || !s->established || s->version == NULL) {
		if (t->state != SS_STATE_IDLE) {
			ss_strlcpy(g->text, "no TLS", sizeof g->text);
		}
		return;
	}
	ss_strlcpy(g->text, s->version, sizeof g->text);
	if ((verdict = bars_verdict(s, &g->more_role, brief)) != NULL) {
		ss_strlcpy(g->more, verdict, sizeof g->more);
	}
}

/* "2 errors 1 warning": what the findings view would list. */
static void
bars_findings(struct tui *t, struct bars_seg *g, int brief)
{
	struct ss_buf	b;

	ss_buf_init(&b);
	tui_findings_counts(t, &b, &g->role, brief);
	if (b.len > 0) {
		ss_strlcpy(g->text, b.data, sizeof g->text);
	}
	ss_buf_finish(&b);
}

/* The cipher and the address: the least needed at a glance. */
static void
bars_extras(const struct tui *t, struct bars_seg *seg)
{
	const struct ss_tls_summary	*s = NULL;

	if (t->dialog != NULL) {
		s = ss_dialog_tls(t->dialog);
	}
	if (s != NULL && s->established && s->cipher != NULL) {
		ss_strlcpy(seg[BARS_CIPHER].text, s->cipher,
		    sizeof seg[BARS_CIPHER].text);
		seg[BARS_CIPHER].wire = 1;
	}
	if (t->peer[0] != '\0') {
		snprintf(seg[BARS_PEER].text, sizeof seg[BARS_PEER].text,
		    "[%s]", t->peer);
		seg[BARS_PEER].wire = 1;
	}
}

/* Fill every piece, in its full or brief form. */
static void
bars_pieces(struct tui *t, struct bars_seg *seg, int brief)
{
	int	i;

	memset(seg, 0, BARS_LAST * sizeof *seg);
	for (i = 0; i < BARS_LAST; i++) {
		seg[i].role = seg[i].more_role = TUI_ROLE_HEADER;
	}
	bars_port(t, &seg[BARS_PORT], brief);
	bars_state(t, &seg[BARS_STATE], brief);
	bars_tls(t, &seg[BARS_TLS], brief);
	bars_findings(t, &seg[BARS_FINDINGS], brief);
	bars_extras(t, seg);
}

/* Cells a piece takes with the two blanks before it; 0 when empty. */
static int
bars_piece_width(const struct bars_seg *g)
{
	int	w;

	if (g->text[0] == '\0') {
		return 0;
	}
	w = 2 + tui_canvas_width(g->text, strlen(g->text));
	if (g->more[0] != '\0') {
		w += 1 + tui_canvas_width(g->more, strlen(g->more));
	}
	return w;
}

/* Cells the essential pieces take. */
static int
bars_essential_width(const struct bars_seg *seg)
{
	int	i, w = 0;

	for (i = 0; i < BARS_ESSENTIAL; i++) {
		w += bars_piece_width(&seg[i]);
	}
	return w;
}

/* Draw a piece with the blanks before it; returns the x after it. */
static int
bars_piece(struct tui_canvas *cv, const struct tui_rect *r, int x,
    const struct bars_seg *g)
{
	if (g->text[0] == '\0') {
		return x;
	}
	x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER, "  ");
	if (g->wire) {
		x = tui_canvas_wire(cv, r, x, r->y, g->role, g->text,
		    strlen(g->text));
	} else {
		x = tui_canvas_str(cv, r, x, r->y, g->role, g->text);
	}
	if (g->more[0] != '\0') {
		x = tui_canvas_str(cv, r, x, r->y, TUI_ROLE_HEADER, " ");
		x = tui_canvas_str(cv, r, x, r->y, g->more_role, g->more);
	}
	return x;
}

/* The target label without the ":PORT" the session started with: the
 * port piece shows the port the next connect really uses. */
static void
bars_label_text(const struct tui *t, char *out, size_t size)
{
	char	 port[16];
	char	*p, *found = NULL;
	size_t	 n;

	ss_strlcpy(out, t->cfg != NULL && t->cfg->target_label != NULL ?
	    t->cfg->target_label : "", size);
	if (t->replay.active || t->start_port <= 0) {
		return;
	}
	n = (size_t)snprintf(port, sizeof port, ":%d", t->start_port);
	for (p = strstr(out, port); p != NULL; p = strstr(p + 1, port)) {
		if (p > out && (p[n] == '\0' || p[n] == ' ')) {
			found = p;
		}
	}
	if (found != NULL) {
		memmove(found, found + n, strlen(found + n) + 1);
	}
}

/* The target label, cut to the cells the other pieces leave (a replay's
 * label is a path, often long); returns the x after it. */
static int
bars_label(struct tui_canvas *cv, const struct tui_rect *r, int x,
    const char *label, int budget)
{
	struct tui_rect	clip = *r;
	int		w;

	w = tui_canvas_width(label, strlen(label));
	clip.x = x;
	clip.w = w < budget ? w : budget;
	if (clip.w < 0) {
		clip.w = 0;
	}
	tui_canvas_wire(cv, &clip, x, r->y, TUI_ROLE_HEADER, label,
	    strlen(label));
	return x + clip.w;
}

/* The header: smtpscope, target, port, state or replay position, TLS and
 * verdict, findings, then cipher and address when they fit.  When the
 * terminal is narrow the label is cut first (to BARS_LABEL_MIN), then the
 * pieces take their brief forms, then the program's name goes. */
void
tui_bars_header(struct tui *t, struct tui_canvas *cv)
{
	struct bars_seg	 seg[BARS_LAST];
	struct tui_rect	 r = t->layout.header;
	char		 label[256];
	int		 x, i, room, labelw, least;

	tui_canvas_fill(cv, &r, TUI_ROLE_HEADER);
	if (t->busy && r.w > 2) {
		tui_canvas_printf(cv, &r, r.x + r.w - 2, r.y, TUI_ROLE_HEADER,
		    "%c", spinner_frames[t->spinner % 4]);
		r.w -= 3;
	}
	bars_label_text(t, label, sizeof label);
	labelw = tui_canvas_width(label, strlen(label));
	least = labelw < BARS_LABEL_MIN ? labelw : BARS_LABEL_MIN;
	bars_pieces(t, seg, 0);
	x = r.x + 1 + BARS_NAME_WIDTH;
	room = r.x + r.w - x - bars_essential_width(seg);
	if (room < least) {
		bars_pieces(t, seg, 1);
		room = r.x + r.w - x - bars_essential_width(seg);
		least = labelw < BARS_LABEL_BRIEF ? labelw : BARS_LABEL_BRIEF;
	}
	if (room < least) {
		/* very narrow: no name, and the label gives up more */
		room += BARS_NAME_WIDTH;
		x = r.x + 1;
		least = labelw < BARS_LABEL_TINY ? labelw : BARS_LABEL_TINY;
	} else {
		tui_canvas_str(cv, &r, r.x + 1, r.y, TUI_ROLE_HEADER,
		    BARS_NAME);
	}
	x = bars_label(cv, &r, x, label, room > least ? room : least);
	for (i = 0; i < BARS_LAST; i++) {
		if (i >= BARS_ESSENTIAL &&
		    x + bars_piece_width(&seg[i]) > r.x + r.w) {
			continue;
		}
		x = bars_piece(cv, &r, x, &seg[i]);
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
