/*
 * findings-reply.c: rules about the greeting, reply grammar, pipelining and
 * greylisting.
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

/* The greeting came late (a tarpit). */
int
check_banner_delay(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*g = c->greeting;
	unsigned			 ms = c->opt->banner_delay_ms;
	uint64_t			 delay;

	(void)r;
	if (ms == 0) {
		ms = SS_FINDINGS_BANNER_DELAY_MS;
	}
	if (g == NULL || g->reply_us < g->sent_us ||
	    (delay = g->reply_us - g->sent_us) < (uint64_t)ms * 1000) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server sent its greeting %.1f seconds "
	    "after the connection was made. Servers that wait on purpose (a "
	    "tarpit against spam) make impatient clients give up; many wait "
	    "only 30 to 60 seconds.", (double)delay / 1e6);
	draft_event(dr, g->cmd_event);
	draft_reply(dr, c, g);
	return 1;
}

/* A greeting that is not 2xx: 421 (busy, go away) or 554 (no service). */
int
check_greeting_refused(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*g = c->greeting;
	const struct ss_reply_line	*l;

	(void)r;
	if (g == NULL || g->reply->code < 400 || g->reply->nlines == 0) {
		return 0;
	}
	l = &g->reply->lines[0];
	ss_buf_printf(&dr->msg, "The server refused the connection at once "
	    "with %d (\"", g->reply->code);
	draft_untrusted(dr, l->raw, l->len, 120);
	ss_buf_printf(&dr->msg, "\"). %s", g->reply->code == 421 ? "421 means "
	    "it is busy, shutting down, or does not want this client now; try "
	    "later or from another network." : "It offers no mail service to "
	    "this client.");
	draft_reply(dr, c, g);
	return 1;
}

/* Add every server line of the connection carrying one of the anomalies;
 * returns how many lines, and their union in *seen. */
static size_t
draft_anomalous_lines(struct draft *dr, const struct conn *c, unsigned mask,
    unsigned *seen)
{
	const struct ss_line	*l;
	size_t			 i, n = 0;

	*seen = 0;
	for (i = c->lstart; i < c->lend; i++) {
		l = ss_dialog_line(c->d, i);
		if ((l->anomalies & mask) == 0) {
			continue;
		}
		*seen |= l->anomalies & mask;
		draft_event(dr, l->event);
		n++;
	}
	return n;
}

/* Replies whose lines end in LF alone. */
int
check_bare_lf(const struct conn *c, const struct rule *r, struct draft *dr)
{
	unsigned	seen;
	size_t		n;

	(void)r;
	n = draft_anomalous_lines(dr, c, SS_ANOM_BIT(SS_ANOM_BARE_LF), &seen);
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "%zu server line%s ended with a bare LF "
	    "instead of CRLF. SMTP requires CRLF; strict clients reject such "
	    "replies or misread them.", n, n == 1 ? "" : "s");
	return 1;
}

/* Anomalies that break the reply grammar (bare LF has its own rule). */
#define ANOM_MALFORMED	(SS_ANOM_BIT(SS_ANOM_BARE_CR) | \
	SS_ANOM_BIT(SS_ANOM_LINE_TOO_LONG) | SS_ANOM_BIT(SS_ANOM_BAD_CODE) | \
	SS_ANOM_BIT(SS_ANOM_BAD_SEPARATOR) | \
	SS_ANOM_BIT(SS_ANOM_CODE_MISMATCH) | SS_ANOM_BIT(SS_ANOM_NUL) | \
	SS_ANOM_BIT(SS_ANOM_CONTROL) | SS_ANOM_BIT(SS_ANOM_BAD_UTF8) | \
	SS_ANOM_BIT(SS_ANOM_TOO_MANY_LINES) | SS_ANOM_BIT(SS_ANOM_INCOMPLETE))

/* Replies that break the grammar in other ways. */
int
check_malformed(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	unsigned	seen;
	size_t		n;
	int		a;
	const char	*sep = "";

	(void)r;
	n = draft_anomalous_lines(dr, c, ANOM_MALFORMED, &seen);
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "%zu server line%s break%s the SMTP reply "
	    "format (", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	for (a = 0; a < SS_ANOM_LAST; a++) {
		if (seen & SS_ANOM_BIT(a)) {
			ss_buf_printf(&dr->msg, "%s%s", sep,
			    ss_anomaly_text[a]);
			sep = "; ";
		}
	}
	ss_buf_adds(&dr->msg, "); clients may misread them or give up.");
	return 1;
}

/* Commands that rode in the same write after an accepted STARTTLS. */
static size_t
conn_starttls_riders(const struct conn *c)
{
	const struct ss_exchange	*x;
	size_t				 i, riders = 0;
	int				 after = 0;

	if (c->implicit || c->starttls == NULL ||
	    c->starttls->reply->code != 220) {
		return 0;
	}
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		riders += after && x->cmd_event == c->starttls->cmd_event;
		after |= x == c->starttls;
	}
	return riders;
}

/* Does the log show any client line of its own (not inferred)?  A paste
 * of s_client fed by a pipe shows none: its replies answer commands the
 * log does not show, which proves nothing about the server. */
static int
conn_client_shown(const struct conn *c)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = c->start; i < c->end; i++) {
		e = ss_transcript_get(c->t, i);
		if (e->dir == SS_DIR_CLIENT && e->kind == SS_KIND_DATA &&
		    !(e->flags & SS_EVF_INFERRED)) {
			return 1;
		}
	}
	return 0;
}

/* Replies nobody asked for.  Answers inside TLS to commands that rode
 * with STARTTLS are left to starttls-command-injection, which names the
 * real fault. */
int
check_unsolicited(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	size_t				 i, n = 0;
	size_t				 excused = conn_starttls_riders(c);

	(void)r;
	if (ss_transcript_meta(c->t, "imported") != NULL &&
	    !conn_client_shown(c)) {
		return 0;	/* input piped in: the log shows no command */
	}
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->unsolicited && x->reply != NULL && excused > 0 &&
		    (ss_transcript_get(c->t, x->reply_event)->flags &
		    SS_EVF_TLS)) {
			excused--;
			continue;
		}
		if (x->unsolicited && x->reply != NULL) {
			draft_reply(dr, c, x);
			n++;
		}
	}
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server sent %zu repl%s that no command "
	    "asked for; a client pairs replies with commands in order, so "
	    "every later reply is misread.", n, n == 1 ? "y" : "ies");
	return 1;
}

/* What the EHLOs answered so far said about PIPELINING, per TLS state;
 * a cursor moves over the exchanges once. */
struct pipe_state {
	size_t				 cursor;
	const struct ss_exchange	*last[2];	/* plain, TLS */
	const struct ss_exchange	*cached;
	int				 cached_yes;
};

/* Was PIPELINING advertised by the last EHLO answered before the write
 * that opened exchange xi, in the same TLS state? */
static int
pipe_known(struct pipe_state *ps, const struct conn *c, size_t xi)
{
	const struct ss_exchange	*x = ss_dialog_exchange(c->d, xi), *e;
	struct ss_caps			*caps;

	for (; ps->cursor < xi; ps->cursor++) {
		e = ss_dialog_exchange(c->d, ps->cursor);
		if (e->verb == SS_VERB_EHLO && e->reply != NULL &&
		    e->reply->code == 250 && e->reply_event < x->cmd_event) {
			ps->last[e->tls != 0] = e;
		}
	}
	e = ps->last[x->tls != 0];
	if (e == NULL) {
		return 0;
	}
	if (e != ps->cached && (caps = ss_caps_from_reply(e->reply)) != NULL) {
		ps->cached = e;
		ps->cached_yes = ss_caps_has(caps, "PIPELINING");
		ss_caps_free(caps);
	}
	return e == ps->cached && ps->cached_yes;
}

/* Several commands in one client write without PIPELINING. */
int
check_pipelining(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x, *y;
	struct pipe_state		 ps;
	size_t				 i, j, worst = 0;

	(void)r;
	memset(&ps, 0, sizeof(ps));
	ps.cursor = c->xstart;
	for (i = c->xstart; i < c->xend; i = j) {
		x = ss_dialog_exchange(c->d, i);
		for (j = i + 1; j < c->xend; j++) {
			y = ss_dialog_exchange(c->d, j);
			if (y->cmd_event != x->cmd_event || y->greeting ||
			    y->unsolicited) {
				break;
			}
		}
		if (j - i < 2 || x->greeting || x->unsolicited ||
		    pipe_known(&ps, c, i)) {
			continue;
		}
		draft_event(dr, x->cmd_event);
		worst = j - i > worst ? j - i : worst;
	}
	if (worst == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The client sent several commands in one write "
	    "(up to %zu) although the server did not advertise PIPELINING; "
	    "the server may lose or reject the later ones.", worst);
	return 1;
}

/* RCPT refused for now with a 4xx: greylisting, most likely. */
int
check_greylisted(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	size_t				 i;

	(void)r;
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if ((x->verb == SS_VERB_RCPT || x->verb == SS_VERB_MAIL) &&
		    x->reply != NULL && (x->reply->code == 450 ||
		    x->reply->code == 451) && x->reply->enhanced.present &&
		    x->reply->enhanced.subject == 7 &&
		    x->reply->enhanced.detail == 1) {
			ss_buf_printf(&dr->msg, "The server answered %s with %d "
			    "4.7.1 (try again later): most likely greylisting. "
			    "A real mail server retries after some minutes "
			    "and gets through; it is not a fault of the "
			    "settings.", ss_verb_names[x->verb],
			    x->reply->code);
			draft_exchange(dr, c, x);
			return 1;
		}
	}
	return 0;
}

/* EHLO refused but HELO accepted: the server speaks only RFC 821 SMTP,
 * so it offers no extension at all - no STARTTLS, no AUTH - and every
 * client set to use them fails. */
int
check_helo_only(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x, *ehlo = NULL, *helo = NULL;
	size_t				 i;

	(void)r;
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->reply == NULL) {
			continue;
		}
		if (x->verb == SS_VERB_EHLO && x->reply->code == 250) {
			return 0;	/* EHLO worked at some point */
		}
		if (x->verb == SS_VERB_EHLO && x->reply->code >= 500) {
			ehlo = ehlo != NULL ? ehlo : x;
		}
		if (x->verb == SS_VERB_HELO && x->reply->code == 250 &&
		    ehlo != NULL) {
			helo = x;
		}
	}
	if (helo == NULL) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server refused EHLO (%d) but accepted "
	    "HELO: it speaks only the original SMTP, without extensions. It "
	    "offers no STARTTLS and no AUTH, so every mail client set to use "
	    "encryption or a password fails, and no SIZE, PIPELINING or "
	    "8BITMIME either.", ehlo->reply->code);
	draft_exchange(dr, c, ehlo);
	draft_exchange(dr, c, helo);
	return 1;
}

/* An EHLO reply with a line that holds no keyword ("250-" alone). */
int
check_ehlo_empty(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps	*caps;
	size_t			 n = 0;
	int			 p;

	(void)r;
	for (p = 0; p < SS_PHASE_LAST; p++) {
		caps = conn_caps(c, (enum ss_phase)p);
		if (caps != NULL && caps->nempty > 0) {
			n += caps->nempty;
			draft_reply(dr, c, c->ehlo[p]);
		}
	}
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The EHLO reply has %zu line%s with no "
	    "keyword (\"250-\" or \"250 \" alone). RFC 5321 has no empty "
	    "extension line; a strict client may reject the whole reply.", n,
	    n == 1 ? "" : "s");
	return 1;
}
