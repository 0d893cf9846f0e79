/*
 * lesson.c: the lesson view (L), beside the wire pane.  It walks the
 * session step by step with a short paragraph each: what the client sent
 * and what the command is for, what came back and what the code means
 * (knowledge base), what TLS did, and how the capabilities changed since
 * the last EHLO.  In a replay it goes up to the cursor, so pressing Space
 * adds the next paragraph; live, it covers the session so far.  The file's
 * "meta note" (a teacher's introduction) comes first.
 *
 * Everything taken from the transcript (commands, replies, keywords, TLS
 * words) goes into the flow as untrusted text, escaped.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/caps.h"
#include "smtpscope/kb.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define LESSON_MAX_STEPS	300	/* paragraphs at most (the last ones) */
#define LESSON_LIST_MAX		12	/* keywords named in a list */

struct lesson {
	struct tui		*t;
	struct tui_flow		*f;
	struct ss_caps		*prev;		/* the last EHLO's, owned */
	int			 prev_tls;
};

/* Untrusted text, up to its first line end. */
static void
lesson_quote(struct tui_flow *f, enum tui_role role, const char *s,
    size_t len)
{
	const char	*nl = memchr(s, '\n', len);

	if (nl != NULL) {
		len = (size_t)(nl - s);
	}
	if (len > 0 && s[len - 1] == '\r') {
		len--;
	}
	tui_flow_add(f, role, TUI_ROLE_ESCAPE, s, len);
}

/* The step's title: its step record, its first client line, or the
 * greeting. */
static void
lesson_title(struct lesson *L, size_t k, size_t start, int current)
{
	const struct ss_event	*ev = ss_transcript_get(L->t->transcript,
				    start);
	enum tui_role		 role = current ? TUI_ROLE_TITLE_FOCUS :
				    TUI_ROLE_HEADING;

	tui_flow_newline(L->f);
	tui_flow_printf(L->f, role, "Step %zu: ", k + 1);
	if (ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_STEP) {
		lesson_quote(L->f, role, ev->data, ev->len);
	} else if (ev->dir == SS_DIR_CLIENT) {
		lesson_quote(L->f, role, ev->data, ev->len);
	} else {
		tui_flow_adds(L->f, role, "the connection and the greeting");
	}
	tui_flow_newline(L->f);
}

/* "KW1, KW2, ..." from a diff or a set, at most LESSON_LIST_MAX. */
static void
lesson_keywords(struct tui_flow *f, const struct ss_cap_diff *d, size_t n,
    enum ss_cap_change want, const struct ss_caps *all)
{
	size_t		 i, shown = 0, total = all != NULL ? all->ncaps : n;
	const char	*kw;

	for (i = 0; i < total; i++) {
		if (all == NULL && d[i].change != want) {
			continue;
		}
		kw = all != NULL ? all->caps[i].keyword : d[i].keyword;
		if (shown++ == LESSON_LIST_MAX) {
			tui_flow_adds(f, TUI_ROLE_NORMAL, ", ...");
			break;
		}
		if (shown > 1) {
			tui_flow_adds(f, TUI_ROLE_NORMAL, ", ");
		}
		tui_flow_add(f, TUI_ROLE_HEADING, TUI_ROLE_ESCAPE, kw,
		    strlen(kw));
	}
}

/* How many rows of a diff changed that way. */
static size_t
lesson_count(const struct ss_cap_diff *d, size_t n, enum ss_cap_change c)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		k += d[i].change == c;
	}
	return k;
}

/* What changed against the last EHLO, and the lessons in it. */
static void
lesson_diff(struct lesson *L, const struct ss_caps *now, int tls)
{
	static const char *const words[SS_CAP_CHANGE_LAST] = {
		NULL, " Changed: ", " Added: ", " Removed: "
	};
	struct ss_cap_diff	*d;
	size_t			 n, c;
	int			 any = 0;

	d = ss_caps_diff(L->prev, now, &n);
	for (c = SS_CAP_CHANGED; c < SS_CAP_CHANGE_LAST; c++) {
		if (lesson_count(d, n, c) > 0) {
			tui_flow_adds(L->f, TUI_ROLE_NORMAL, words[c]);
			lesson_keywords(L->f, d, n, c, NULL);
			tui_flow_adds(L->f, TUI_ROLE_NORMAL, ".");
			any = 1;
		}
	}
	free(d);
	if (!any) {
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, " The list is the same "
		    "as before.");
	}
	if (tls && !L->prev_tls && ss_caps_has(now, "AUTH") &&
	    !ss_caps_has(L->prev, "AUTH")) {
		tui_flow_adds(L->f, TUI_ROLE_WARNING, " AUTH is offered only "
		    "inside TLS: a mail client set to no encryption never sees "
		    "it and fails to log in.");
	}
	if (tls && !L->prev_tls && ss_caps_has(L->prev, "STARTTLS") &&
	    !ss_caps_has(now, "STARTTLS")) {
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, " STARTTLS is gone "
		    "because TLS is already on.");
	}
}

/* An EHLO answer: the capabilities, or how they changed. */
static void
lesson_caps(struct lesson *L, const struct ss_exchange *ex)
{
	struct ss_caps	*now = ss_caps_from_reply(ex->reply);

	if (now == NULL) {
		return;
	}
	if (L->prev == NULL) {
		tui_flow_printf(L->f, TUI_ROLE_NORMAL, " The server offers %zu "
		    "extension%s: ", now->ncaps, now->ncaps == 1 ? "" : "s");
		lesson_keywords(L->f, NULL, 0, SS_CAP_SAME, now);
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, ".");
		if (!ex->tls && !ss_caps_has(now, "STARTTLS")) {
			tui_flow_adds(L->f, TUI_ROLE_WARNING, " No STARTTLS: "
			    "a client set to STARTTLS gives up here.");
		}
	} else {
		lesson_diff(L, now, ex->tls);
	}
	ss_caps_free(L->prev);
	L->prev = now;
	L->prev_tls = ex->tls;
}

/* The reply in words: code and its meaning, enhanced code. */
static void
lesson_reply(struct lesson *L, const struct ss_exchange *ex)
{
	const struct ss_kb_entry	*e;
	const struct ss_enhanced	*en;

	if (ex->reply == NULL) {
		tui_flow_adds(L->f, TUI_ROLE_DIM, " No answer came.");
		return;
	}
	e = ss_kb_reply(ex->reply->code);
	tui_flow_printf(L->f, ex->reply->code >= 400 ? TUI_ROLE_ERROR :
	    TUI_ROLE_NORMAL, " The server answered %d", ex->reply->code);
	if (e != NULL) {
		tui_flow_printf(L->f, TUI_ROLE_NORMAL, " (%s): %s", e->title,
		    e->summary);
	} else {
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, ".");
	}
	en = &ex->reply->enhanced;
	if (en->present && (e = ss_kb_enhanced(en->class_, en->subject,
	    en->detail)) != NULL) {
		tui_flow_printf(L->f, TUI_ROLE_NORMAL, " Its detail code "
		    "%d.%d.%d means: %s.", en->class_, en->subject, en->detail,
		    e->title);
	}
	if (ex->verb == SS_VERB_EHLO && ex->reply->code == 250) {
		lesson_caps(L, ex);
	}
}

/* One exchange: what was sent (or the greeting) and what came back. */
static void
lesson_exchange(struct lesson *L, const struct ss_exchange *ex)
{
	const char	*why;

	if (ex->greeting) {
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, "The server greets the "
		    "client.");
	} else if (ex->command == NULL) {
		/* An unsolicited reply: no command is waiting for it. */
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, "The server sent a "
		    "reply that no command asked for.");
	} else {
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, "The client sent ");
		lesson_quote(L->f, TUI_ROLE_CLIENT, ex->command,
		    strlen(ex->command));
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, ex->tls ?
		    " inside TLS" : " in plaintext");
		if ((why = tui_notes_verb(ex->verb)) != NULL) {
			tui_flow_printf(L->f, TUI_ROLE_NORMAL, ": %s", why);
		}
		tui_flow_adds(L->f, TUI_ROLE_NORMAL, ".");
	}
	lesson_reply(L, ex);
	tui_flow_newline(L->f);
}

/* A verification record: "verified: ..." as it is, or NOT verified and
 * the first reason (the record's first line holds only the flags). */
static void
lesson_verify(struct tui_flow *f, const struct ss_event *ev)
{
	const char	*nl = memchr(ev->data, '\n', ev->len);
	size_t		 rest;

	if (ev->len >= 8 && memcmp(ev->data, "verified", 8) == 0) {
		lesson_quote(f, TUI_ROLE_OK, ev->data, ev->len);
		return;
	}
	tui_flow_adds(f, TUI_ROLE_ERROR, "NOT verified");
	if (nl != NULL && (rest = ev->len - (size_t)(nl + 1 - ev->data)) > 0) {
		tui_flow_adds(f, TUI_ROLE_ERROR, ": ");
		lesson_quote(f, TUI_ROLE_NORMAL, nl + 1, rest);
	}
	tui_flow_adds(f, TUI_ROLE_NORMAL, ". A careful mail client stops "
	    "here.");
}

/* TLS and the tool's own records of the step. */
static void
lesson_record(struct lesson *L, const struct ss_event *ev)
{
	static const struct {
		enum ss_kind	 kind;
		enum tui_role	 role;
		const char	*lead;
	} says[] = {
		{ SS_KIND_TLS_UP, TUI_ROLE_OK, "TLS came up: " },
		{ SS_KIND_TLS_VERIFY, TUI_ROLE_NORMAL, "Certificate check: " },
		{ SS_KIND_TLS_FAIL, TUI_ROLE_ERROR, "The TLS handshake "
		    "failed: " },
		{ SS_KIND_TIMEOUT, TUI_ROLE_ERROR, "No answer in time: " },
		{ SS_KIND_ERROR, TUI_ROLE_ERROR, "Error: " },
		{ SS_KIND_CLOSED, TUI_ROLE_DIM, "The connection ended: " },
	};
	size_t	i;

	for (i = 0; i < SS_NITEMS(says); i++) {
		if (says[i].kind != ev->kind) {
			continue;
		}
		tui_flow_adds(L->f, says[i].role, says[i].lead);
		if (ev->kind == SS_KIND_TLS_VERIFY) {
			lesson_verify(L->f, ev);
		} else {
			lesson_quote(L->f, TUI_ROLE_NORMAL, ev->data, ev->len);
		}
		if (ev->kind == SS_KIND_TLS_UP) {
			tui_flow_adds(L->f, TUI_ROLE_NORMAL, ". The server now "
			    "forgets what was said in plaintext, so the client "
			    "must send EHLO again (RFC 3207 4.2).");
		}
		tui_flow_newline(L->f);
	}
}

/* The exchange's own event: its command, or the greeting's reply. */
static int
lesson_in(const struct ss_exchange *ex, size_t start, size_t end)
{
	size_t	at;

	if (ex->greeting && ex->reply == NULL) {
		return 0;
	}
	at = ex->greeting ? ex->reply_event : ex->cmd_event;
	return at >= start && at < end;
}

/* One step's paragraph. */
static void
lesson_step(struct lesson *L, size_t k, size_t start, size_t end,
    int current)
{
	const struct ss_dialog	*d = L->t->dialog;
	const struct ss_event	*ev;
	size_t			 i, n = ss_dialog_exchange_count(d);

	lesson_title(L, k, start, current);
	for (i = 0; i < n; i++) {
		if (lesson_in(ss_dialog_exchange(d, i), start, end)) {
			lesson_exchange(L, ss_dialog_exchange(d, i));
		}
	}
	for (i = start; i < end; i++) {
		ev = ss_transcript_get(L->t->transcript, i);
		if (ev->dir == SS_DIR_TLS || ev->dir == SS_DIR_INFO) {
			lesson_record(L, ev);
		}
	}
}

/* The teacher's note and how to move on. */
static void
lesson_intro(struct tui *t, struct tui_flow *f)
{
	const char	*note = ss_transcript_meta(t->transcript, "note");

	if (note != NULL && *note != '\0') {
		tui_flow_adds(f, TUI_ROLE_HEADING, "Lesson: ");
		tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, note,
		    strlen(note));
		tui_flow_newline(f);
	}
	tui_flow_adds(f, TUI_ROLE_DIM, t->replay.active ? "Space or n: next "
	    "step, p: back; x explains every line; Esc closes." :
	    "Each step you take adds a paragraph; Esc closes.");
	tui_flow_newline(f);
}

/* The lesson up to the position on screen; *current_line gets the line
 * where the current (last) step begins. */
static void
lesson_write(struct tui *t, struct tui_flow *f, int *current_line)
{
	struct lesson	 L;
	size_t		*starts, n, k, first, upto;
	int		 by_records;

	*current_line = 0;
	if (t->dialog == NULL || t->transcript == NULL ||
	    (upto = ss_dialog_fed(t->dialog)) == 0) {
		tui_flow_adds(f, TUI_ROLE_DIM, "Nothing has happened yet.");
		return;
	}
	lesson_intro(t, f);
	memset(&L, 0, sizeof L);
	L.t = t;
	L.f = f;
	starts = tui_replay_split(t->transcript, upto, &n, &by_records);
	first = n > LESSON_MAX_STEPS ? n - LESSON_MAX_STEPS : 0;
	for (k = first; k < n; k++) {
		if (k + 1 == n) {
			*current_line = f->line + 1;
		}
		lesson_step(&L, k, starts[k], k + 1 < n ? starts[k + 1] : upto,
		    k + 1 == n);
	}
	ss_caps_free(L.prev);
	free(starts);
}

/* The lesson text (tests read it through this). */
void
tui_lesson_flow(struct tui *t, struct tui_flow *f)
{
	int	current;

	lesson_write(t, f, &current);
}

/* The lesson view's draw: scrolled to the current step when it moved. */
static void
lesson_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_flow	f;
	struct tui_rect	c;
	int		current;

	tui_canvas_fill(cv, r, TUI_ROLE_NORMAL);
	c = tui_pane_frame(t, cv, r, "lesson", 1, "Esc closes");
	c.x += 1;
	c.w -= 2;
	tui_flow_init(&f, NULL, &c, 0);
	lesson_write(t, &f, &current);
	t->lesson_lines = tui_flow_finish(&f);
	if (t->lesson_top < 0) {
		t->lesson_top = current;
	}
	tui_flow_init(&f, cv, &c, t->lesson_top);
	lesson_write(t, &f, &current);
	tui_flow_finish(&f);
}

/* Scrolling. */
static int
lesson_key(struct tui *t, enum tui_action a)
{
	if (t->lesson_top < 0) {
		t->lesson_top = 0;
	}
	return tui_scroll_action(&t->lesson_top, t->lesson_lines,
	    t->layout.body.h - 1, a);
}

/* Back to the current step on resize. */
static void
lesson_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->lesson_top = -1;
}

const struct tui_view tui_view_lesson = {
	"lesson", lesson_draw, lesson_key, lesson_resize
};
