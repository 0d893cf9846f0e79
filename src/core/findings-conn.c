/*
 * findings-conn.c: drafts of findings and the facts of a connection that
 * rules read.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "findings-int.h"

/* Add one event to the evidence (kept once, bounded). */
void
draft_event(struct draft *dr, size_t ev)
{
	size_t	i;

	if (ev == NONE) {
		return;
	}
	for (i = 0; i < dr->nev; i++) {
		if (dr->ev[i] == ev) {
			return;
		}
	}
	if (dr->nev < SS_NITEMS(dr->ev)) {
		dr->ev[dr->nev++] = ev;
	}
}

/* Add the events a reply arrived in (a reply may span several reads). */
void
draft_reply(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x)
{
	const struct ss_line	*l;
	size_t			 i, first = x->reply_event;

	if (x->reply == NULL) {
		return;
	}
	if (x->first_line >= 0 &&
	    (l = ss_dialog_line(c->d, (size_t)x->first_line)) != NULL) {
		first = l->event;
	}
	for (i = first; i <= x->reply_event; i++) {
		if (ss_transcript_get(c->t, i)->dir == SS_DIR_SERVER) {
			draft_event(dr, i);
		}
	}
}

/* Add a command and its reply. */
void
draft_exchange(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x)
{
	if (!x->greeting) {
		draft_event(dr, x->cmd_event);
	}
	draft_reply(dr, c, x);
}

/* Append bytes the server chose, escaped, at most max bytes of them. */
void
draft_untrusted(struct draft *dr, const char *s, size_t len, size_t max)
{
	ss_text_escape(&dr->msg, s, len > max ? max : len);
	if (len > max) {
		ss_buf_adds(&dr->msg, "...");
	}
}

/* Compare evidence indices for qsort. */
int
event_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* Facts about a connection.                                           */

/* The capability set of a phase, or NULL. */
const struct ss_caps *
conn_caps(const struct conn *c, enum ss_phase p)
{
	return c->ehlo[p] != NULL ? ss_dialog_caps(c->d, p) : NULL;
}

/* Was the EHLO reply of a phase cut by a paste (its first line written
 * by the importer, flagged inferred)?  Then what it lacks is not proven
 * missing. */
int
conn_caps_cut(const struct conn *c, enum ss_phase p)
{
	const struct ss_event	*e;

	if (c->ehlo[p] == NULL) {
		return 0;
	}
	e = ss_transcript_get(c->t, c->ehlo[p]->cmd_event + 1);
	return e != NULL && e->dir == SS_DIR_SERVER &&
	    (e->flags & SS_EVF_INFERRED);
}

/* Any phase cut so? */
int
conn_any_caps_cut(const struct conn *c)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (conn_caps_cut(c, (enum ss_phase)p)) {
			return 1;
		}
	}
	return 0;
}

/* A finding about a pasted log says so: it was judged from what the log
 * shows, not from a live session (the "imported" metadata). */
void
draft_from_log(struct draft *dr, const struct conn *c)
{
	const char	*fmt = ss_transcript_meta(c->t, "imported");

	if (fmt != NULL) {
		ss_buf_printf(&dr->msg, " (From an imported %s log, not a live "
		    "session.)", fmt);
	}
}

/* The latest phase that has capabilities, or -1. */
int
conn_last_phase(const struct conn *c)
{
	int	p;

	for (p = SS_PHASE_LAST - 1; p >= 0; p--) {
		if (conn_caps(c, (enum ss_phase)p) != NULL) {
			return p;
		}
	}
	return -1;
}

/* The capabilities after TLS (or after AUTH, which is also inside TLS). */
enum ss_phase
conn_tls_phase(const struct conn *c)
{
	return conn_caps(c, SS_PHASE_AFTER_TLS) != NULL ?
	    SS_PHASE_AFTER_TLS : SS_PHASE_AFTER_AUTH;
}

/* Does any phase offer AUTH? */
int
conn_any_auth(const struct conn *c)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (ss_caps_has(conn_caps(c, (enum ss_phase)p), "AUTH")) {
			return 1;
		}
	}
	return 0;
}

/* Has the session seen every phase where AUTH could appear: inside TLS,
 * or before TLS on a server that offers no way into TLS? */
int
conn_auth_explored(const struct conn *c)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	if (conn_caps(c, conn_tls_phase(c)) != NULL) {
		return 1;
	}
	return pre != NULL && !c->implicit && !ss_caps_has(pre, "STARTTLS");
}

/* Add the replies of every EHLO that advertised (or lacked) a keyword. */
void
draft_ehlos(struct draft *dr, const struct conn *c)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (conn_caps(c, (enum ss_phase)p) != NULL) {
			draft_reply(dr, c, c->ehlo[p]);
		}
	}
}

/* The text of a record event (a NUL follows its bytes). */
const char *
conn_text(const struct conn *c, size_t ev)
{
	return ev == NONE ? "" : ss_transcript_get(c->t, ev)->data;
}

/* The port in a connect record ("connected to ADDR port P"), or -1. */
static int
conn_parse_port(const char *text)
{
	const char	*p, *last = NULL;
	long		 v;

	for (p = text; (p = strstr(p, " port ")) != NULL; p++) {
		last = p;
	}
	if (last == NULL) {
		return -1;
	}
	v = strtol(last + 6, NULL, 10);
	return v > 0 && v < 65536 ? (int)v : -1;
}

/* Remember the first event of a kind. */
void
conn_first(size_t *slot, size_t ev)
{
	if (*slot == NONE) {
		*slot = ev;
	}
}

/* Records of the connection: connect, TLS milestones, its end. */
static void
conn_scan_events(struct conn *c)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = c->start; i < c->end; i++) {
		e = ss_transcript_get(c->t, i);
		switch (e->kind) {
		case SS_KIND_CONNECT:
			conn_first(&c->ev_connect, i);
			c->port = conn_parse_port(e->data);
			break;
		case SS_KIND_TLS_START:
			conn_first(&c->ev_tls_start, i);
			if (strstr(e->data, "implicit") != NULL) {
				c->implicit = 1;
			}
			break;
		case SS_KIND_TLS_UP:
			conn_first(&c->ev_tls_up, i);
			break;
		case SS_KIND_TLS_FAIL:
			conn_first(&c->ev_tls_fail, i);
			break;
		case SS_KIND_TLS_VERIFY:
			conn_first(&c->ev_verify, i);
			break;
		case SS_KIND_TIMEOUT:
		case SS_KIND_CLOSED:
			conn_first(&c->ev_end, i);
			break;
		default:
			break;
		}
	}
}

/* The first exchange whose command event is at or after ev (exchanges
 * are in the order of their events), by bisection: a connection's facts
 * cost what the connection holds, not what came before it. */
static size_t
conn_exchange_from(const struct ss_dialog *d, size_t ev)
{
	size_t	lo = 0, hi = ss_dialog_exchange_count(d), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ss_dialog_exchange(d, mid)->cmd_event < ev) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* The first dialog line that ended at or after ev, by bisection. */
static size_t
conn_line_from(const struct ss_dialog *d, size_t ev)
{
	size_t	lo = 0, hi = ss_dialog_line_count(d), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ss_dialog_line(d, mid)->event < ev) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* Exchanges of the connection: greeting, EHLOs, STARTTLS. */
static void
conn_scan_exchanges(struct conn *c)
{
	const struct ss_exchange	*x;
	size_t				 i, n = ss_dialog_exchange_count(c->d);

	c->xstart = conn_exchange_from(c->d, c->start);
	c->xend = conn_exchange_from(c->d, c->end);
	c->lstart = conn_line_from(c->d, c->start);
	c->lend = conn_line_from(c->d, c->end);
	if (c->xstart == c->xend) {
		c->xstart = c->xend = n;
	}
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->reply == NULL) {
			continue;
		}
		if (x->greeting && c->greeting == NULL) {
			c->greeting = x;
		} else if (x->verb == SS_VERB_EHLO && x->reply->code == 250) {
			c->ehlo[x->phase] = x;
		} else if (x->verb == SS_VERB_STARTTLS && !x->tls) {
			c->starttls = x;
		}
	}
}

/* Collect the facts of the connection [start, end). */
void
conn_init(struct conn *c, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->d = d;
	c->opt = opt;
	c->start = start;
	c->end = end;
	c->port = -1;
	c->ev_connect = c->ev_tls_start = c->ev_tls_up = NONE;
	c->ev_tls_fail = c->ev_verify = c->ev_end = NONE;
	conn_scan_events(c);
	conn_scan_exchanges(c);
}
