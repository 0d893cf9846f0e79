/*
 * tui.c: the explorer's state between the session and the views: taking
 * snapshots of the session, rebuilding what depends on the dialog, laying
 * out, drawing every part, and routing keys and clicks to the prompt, the
 * overlay or the focused pane.  No curses here, so tests drive it whole.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/session.h"
#include "smtpscope/util.h"

#include "tui-int.h"

static const struct tui_view *const tui_panes[TUI_PANE_LAST] = {
	&tui_view_wire, &tui_view_caps, &tui_view_explain
};

static const struct tui_view *const tui_overlays[TUI_OVERLAY_LAST] = {
	NULL, &tui_view_help, &tui_view_compare, &tui_view_cert,
	&tui_view_findings, &tui_view_lesson
};

/* Overlays drawn beside the wire pane, so the lines they talk about
 * stay in sight (the findings' evidence is highlighted there). */
static const int tui_overlay_beside[TUI_OVERLAY_LAST] = {
	[TUI_OVERLAY_FINDINGS] = 1,
	[TUI_OVERLAY_LESSON] = 1,
};

/* Set up the state; nothing is connected yet. */
void
tui_init(struct tui *t, const struct tui_config *cfg)
{
	memset(t, 0, sizeof *t);
	t->cfg = cfg;
	tui_theme_builtin(&t->theme);
	tui_list_init(&t->wire);
	tui_list_init(&t->capl);
	t->capl.follow = 0;
	t->focus = TUI_PANE_WIRE;
	t->explain_from = TUI_PANE_WIRE;
	t->status_role = TUI_ROLE_STATUS;
}

/* Free what the state owns. */
void
tui_finish(struct tui *t)
{
	tui_prompt_close(t);
	tui_findings_free(t);
	tui_replay_end(t);
	ss_dialog_destroy(t->own_dialog);
	t->own_dialog = NULL;
	free(t->rows);
	free(t->caprows);
	ss_free_secret(t->auth_user);
	t->rows = NULL;
	t->caprows = NULL;
	t->auth_user = NULL;
}

/* Set the status line (what the last action did). */
void
tui_set_status(struct tui *t, enum tui_role role, const char *fmt, ...)
{
	va_list	ap;

	if (t->note_pinned && role != TUI_ROLE_ERROR) {
		return;
	}
	t->note_pinned = 0;
	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	t->status_role = role;
}

/* Rebuild the rows of the wire and capability panes. */
void
tui_refresh(struct tui *t)
{
	tui_wire_rebuild(t);
	tui_caps_rebuild(t);
	t->lesson_top = -1;
}

/* Is this event one the status line repeats: a warning, or a cut (bytes
 * past a limit, counted and not kept)? */
static int
tui_is_warning(const struct ss_event *ev)
{
	if (ev->dir != SS_DIR_INFO) {
		return 0;
	}
	if (ev->kind == SS_KIND_CUT) {
		return 1;
	}
	return ev->kind == SS_KIND_NOTE && ev->len >= 8 &&
	    ss_strncasecmp(ev->data, "warning:", 8) == 0;
}

/* New warnings the session wrote since the last look (their first line). */
static void
tui_scan_warnings(struct tui *t)
{
	const struct ss_event	*ev;
	const char		*nl;
	size_t			 n, i, len;

	n = ss_transcript_count(t->transcript);
	for (i = t->events_seen; i < n; i++) {
		ev = ss_transcript_get(t->transcript, i);
		if (!tui_is_warning(ev)) {
			continue;
		}
		nl = memchr(ev->data, '\n', ev->len);
		len = nl != NULL ? (size_t)(nl - ev->data) : ev->len;
		len = len < sizeof t->warning - 1 ? len :
		    sizeof t->warning - 1;
		memcpy(t->warning, ev->data, len);
		t->warning[len] = '\0';
	}
	t->events_seen = n;
}

/* A step just finished: say how, in the status line. */
static void
tui_step_finished(struct tui *t)
{
	const char	*msg = ss_session_message(t->session);
	enum tui_role	 role;

	switch (t->result) {
	case SS_RESULT_OK:
		role = TUI_ROLE_OK;
		break;
	case SS_RESULT_REFUSED:
	case SS_RESULT_CANCELLED:
		role = TUI_ROLE_WARNING;
		break;
	default:
		role = TUI_ROLE_ERROR;
		break;
	}
	if (t->result == SS_RESULT_VERIFY) {
		tui_set_status(t, role, "%s. A: go on anyway, t: details",
		    msg != NULL ? msg : "the certificate failed verification");
		return;
	}
	tui_set_status(t, role, "%s: %s", ss_result_names[t->result],
	    msg != NULL ? msg : "");
}

/* The dialog to draw: the session's, unless the transcript holds events
 * the session did not write (the CLI's notes before the first connect):
 * the session's dialog never saw those, so its event numbers are behind
 * and the notes would be missing.  Then the explorer feeds a dialog of
 * its own from the whole transcript, only the new events each time. */
static const struct ss_dialog *
tui_dialog_of(struct tui *t, const struct ss_transcript *tr)
{
	const struct ss_dialog	*sd = ss_session_dialog(t->session);
	size_t			 n = ss_transcript_count(tr), i;

	if (t->own_dialog == NULL && ss_dialog_fed(sd) == n) {
		return sd;
	}
	if (t->own_dialog == NULL) {
		t->own_dialog = ss_dialog_create();
	}
	for (i = ss_dialog_fed(t->own_dialog); i < n; i++) {
		ss_dialog_feed(t->own_dialog, ss_transcript_get(tr, i));
	}
	return t->own_dialog;
}

/* Take a snapshot of the session and rebuild what changed. */
void
tui_sync(struct tui *t)
{
	const char	*peer;
	size_t		 count;

	if (t->session == NULL) {
		return;
	}
	t->transcript = ss_session_transcript(t->session);
	t->dialog = tui_dialog_of(t, t->transcript);
	t->state = ss_session_state(t->session);
	t->busy = ss_session_busy(t->session);
	t->result = ss_session_result(t->session);
	peer = ss_session_peer(t->session);
	ss_strlcpy(t->peer, peer != NULL ? peer : "", sizeof t->peer);
	t->port = ss_session_port(t->session);
	t->implicit_tls = ss_session_implicit_tls(t->session);
	if (t->start_port == 0) {
		t->start_port = t->port;
		t->start_implicit = t->implicit_tls;
	}
	count = ss_transcript_count(t->transcript);
	if (count != t->events_seen) {
		tui_scan_warnings(t);
		tui_refresh(t);
	}
	if (t->was_busy && !t->busy) {
		tui_step_finished(t);
	}
	t->was_busy = t->busy;
}

/* Lay the screen out and tell each view its new rectangle. */
void
tui_resize(struct tui *t, int cols, int rows)
{
	int	i;

	tui_layout_compute(cols, rows, &t->layout);
	tui_panes[TUI_PANE_WIRE]->resize(t, &t->layout.wire);
	tui_panes[TUI_PANE_CAPS]->resize(t, &t->layout.caps);
	tui_panes[TUI_PANE_EXPLAIN]->resize(t, &t->layout.explain);
	for (i = 1; i < TUI_OVERLAY_LAST; i++) {
		tui_overlays[i]->resize(t, &t->layout.body);
	}
}

/* Where an overlay goes: beside the wire pane (the room of the
 * capability and explain panes), or over the whole body. */
static struct tui_rect
tui_overlay_rect(const struct tui *t, enum tui_overlay o)
{
	struct tui_rect	r = t->layout.caps;

	if (!tui_overlay_beside[o] || t->layout.caps.h + t->layout.explain.h <
	    4) {
		return t->layout.body;
	}
	r.h = t->layout.caps.h + t->layout.explain.h;
	return r;
}

/* The rectangle of a pane. */
static const struct tui_rect *
tui_pane_rect(const struct tui *t, enum tui_pane p)
{
	switch (p) {
	case TUI_PANE_CAPS:
		return &t->layout.caps;
	case TUI_PANE_EXPLAIN:
		return &t->layout.explain;
	default:
		return &t->layout.wire;
	}
}

/* The line between the left and right columns on wide screens. */
static void
tui_draw_separator(struct tui *t, struct tui_canvas *cv)
{
	struct tui_rect	r = t->layout.body;
	int		y;

	if (t->layout.stacked) {
		return;
	}
	r.x = t->layout.wire.x + t->layout.wire.w;
	r.w = 1;
	for (y = r.y; y < r.y + r.h; y++) {
		tui_canvas_str(cv, &r, r.x, y, TUI_ROLE_BORDER, "|");
	}
}

/* Draw the whole screen. */
void
tui_draw(struct tui *t, struct tui_canvas *cv)
{
	struct tui_rect	r;
	int		p;

	cv->ops->cursor(cv, 0, 0, 0);
	tui_canvas_fill(cv, &t->layout.screen, TUI_ROLE_NORMAL);
	tui_bars_header(t, cv);
	if (t->overlay != TUI_OVERLAY_NONE) {
		r = tui_overlay_rect(t, t->overlay);
		if (r.h != t->layout.body.h || r.w != t->layout.body.w) {
			tui_panes[TUI_PANE_WIRE]->draw(t, cv, &t->layout.wire);
			tui_draw_separator(t, cv);
		}
		tui_overlays[t->overlay]->draw(t, cv, &r);
	} else {
		for (p = 0; p < TUI_PANE_LAST; p++) {
			if (tui_pane_rect(t, p)->h > 0) {
				tui_panes[p]->draw(t, cv, tui_pane_rect(t, p));
			}
		}
		tui_draw_separator(t, cv);
	}
	tui_bars_status(t, cv);
	tui_bars_footer(t, cv);
}

/* Enter or Esc on the prompt. */
static void
tui_prompt_done(struct tui *t, int done)
{
	enum tui_prompt_kind	 kind = t->prompt.kind;
	char			*text;

	if (done < 0) {
		tui_prompt_close(t);
		ss_free_secret(t->auth_user);
		t->auth_user = NULL;
		tui_set_status(t, TUI_ROLE_STATUS, "cancelled");
		return;
	}
	text = xstrndup(t->prompt.buf, t->prompt.len);
	tui_prompt_close(t);
	tui_actions_prompt_done(t, kind, text);
	ss_free_secret(text);
}

/* Is an action one of the navigation ones views handle? */
static int
tui_is_navigation(enum tui_action a)
{
	return a == TUI_ACT_UP || a == TUI_ACT_DOWN || a == TUI_ACT_PAGE_UP ||
	    a == TUI_ACT_PAGE_DOWN || a == TUI_ACT_TOP ||
	    a == TUI_ACT_BOTTOM || a == TUI_ACT_SELECT;
}

/* A key: prompt first, then the overlay, then the focused pane. */
int
tui_key(struct tui *t, int key)
{
	enum tui_action	a;
	int		done;

	t->note_pinned = 0;
	if (t->prompt.kind != TUI_PROMPT_NONE) {
		tui_prompt_key(t, key, &done);
		if (done != 0) {
			tui_prompt_done(t, done);
		}
		return 1;
	}
	a = tui_keys_lookup(key, (t->search_active ? TUI_KEYMODE_SEARCH : 0) |
	    (t->replay.active ? TUI_KEYMODE_REPLAY : 0));
	if (a == TUI_ACT_NONE) {
		if (key < TUI_KEY_UNICODE_FLAG) {
			tui_set_status(t, TUI_ROLE_STATUS, "that key does "
			    "nothing here; ? lists the keys");
		}
		return 1;
	}
	if (t->overlay != TUI_OVERLAY_NONE && tui_is_navigation(a)) {
		tui_overlays[t->overlay]->key(t, a);
		return 1;
	}
	if (tui_is_navigation(a)) {
		tui_panes[t->focus]->key(t, a);
		return 1;
	}
	tui_do(t, a);
	return 1;
}

/* Does a rectangle hold a point? */
static int
tui_inside(const struct tui_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* A click or a wheel turn (wheel -1 up, 1 down, 0 a click). */
int
tui_click(struct tui *t, int x, int y, int wheel)
{
	enum tui_action	a = wheel < 0 ? TUI_ACT_UP : TUI_ACT_DOWN;
	long		item;
	int		p, i;

	if (t->overlay != TUI_OVERLAY_NONE || t->prompt.kind != TUI_PROMPT_NONE) {
		for (i = 0; wheel != 0 && i < 3 && t->overlay; i++) {
			tui_overlays[t->overlay]->key(t, a);
		}
		return 1;
	}
	for (p = 0; p < TUI_PANE_LAST; p++) {
		if (tui_inside(tui_pane_rect(t, p), x, y)) {
			break;
		}
	}
	if (p == TUI_PANE_LAST) {
		return 0;
	}
	t->note_pinned = 0;
	t->focus = p;
	if (p != TUI_PANE_EXPLAIN) {
		t->explain_from = p;
	}
	for (i = 0; wheel != 0 && i < 3; i++) {
		tui_panes[p]->key(t, a);
	}
	if (wheel != 0) {
		return 1;
	}
	if (p == TUI_PANE_WIRE &&
	    (item = tui_list_at_row(&t->wire, y - t->layout.wire.y - 1)) >= 0) {
		tui_list_select(&t->wire, (size_t)item);
	} else if (p == TUI_PANE_CAPS &&
	    (item = tui_list_at_row(&t->capl, y - t->layout.caps.y - 2)) >= 0) {
		tui_list_select(&t->capl, (size_t)item);
	}
	t->explain_top = 0;
	return 1;
}
