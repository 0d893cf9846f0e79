/*
 * sasl-report.c: the last AUTH exchange of a dialog, explained for the
 * text, Markdown and JSON reports: every message a mechanism knows how to
 * read (SCRAM's fields with proof and signature masked, an OAuth error
 * object), and the verdict smtpscope recorded when it checked the server.
 * Redacted client lines stay redacted: only what the transcript holds is
 * read.
 */
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/reply.h"
#include "smtpscope/sasl.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Most notes one exchange gets (SCRAM has four messages). */
#define SASL_REPORT_NOTES	8

/* Index of the last AUTH command, or the count when there is none. */
static size_t
sasl_report_last_auth(const struct ss_dialog *d)
{
	size_t	 n = ss_dialog_exchange_count(d), i;

	for (i = n; i > 0; i--) {
		if (ss_dialog_exchange(d, i - 1)->verb == SS_VERB_AUTH)
			return i - 1;
	}
	return n;
}

/* Add one note: who, then the mechanism's reading. */
static void
sasl_report_note(struct ss_sasl_summary *sum, const char *who,
    const char *b64, size_t len, int from_server)
{
	struct ss_buf	 b;

	if (sum->nnotes == SASL_REPORT_NOTES || len == 0)
		return;
	ss_buf_init(&b);
	ss_buf_printf(&b, "%s: ", who);
	if (ss_sasl_describe(sum->mech, from_server, b64, len, &b) == 0) {
		ss_buf_finish(&b);
		return;
	}
	sum->notes[sum->nnotes++] = ss_buf_steal(&b);
}

/* A server challenge: noted, and parsed when it is an OAuth error. */
static void
sasl_report_challenge(struct ss_sasl_summary *sum, const char *text)
{
	struct ss_buf	 raw;
	char		*err = NULL;

	sasl_report_note(sum, "server", text, strlen(text), 1);
	if (sum->has_error || ss_sasl_cred_of(sum->mech) != SS_SASL_CRED_TOKEN)
		return;
	ss_buf_init(&raw);
	if (ss_base64_decode(&raw, text, strcspn(text, " \r\n")) == 0 &&
	    raw.len > 0 && ss_sasl_oauth_error_parse(raw.data, raw.len,
	    &sum->error, &err) == 0)
		sum->has_error = 1;
	free(err);
	ss_buf_finish(&raw);
}

/* The client's part of an exchange, unless it was redacted. */
static void
sasl_report_client(struct ss_sasl_summary *sum, const struct ss_transcript *t,
    const struct ss_exchange *x, const char *b64)
{
	const struct ss_event	*ev = ss_transcript_get(t, x->cmd_event);

	if (ev == NULL || (ev->flags & SS_EVF_REDACTED) || b64 == NULL)
		return;
	sasl_report_note(sum, "client", b64, strcspn(b64, " \r\n"), 0);
}

/* The mechanism word and the initial response of "AUTH MECH [IR]". */
static const char *
sasl_report_mech(struct ss_sasl_summary *sum, const char *cmd)
{
	const char	*p = cmd + 4, *q;
	size_t		 n;

	p += strspn(p, " ");
	n = strcspn(p, " ");
	if (n >= sizeof sum->mech)
		n = sizeof sum->mech - 1;
	memcpy(sum->mech, p, n);
	sum->mech[n] = '\0';
	q = p + strcspn(p, " ");
	q += strspn(q, " ");
	return *q != '\0' ? q : NULL;
}

/* The last "sasl" record after event from. */
static void
sasl_report_verdict(struct ss_sasl_summary *sum, const struct ss_transcript *t,
    size_t from)
{
	const struct ss_event	*e;
	size_t			 i, n = ss_transcript_count(t);

	for (i = from; i < n; i++) {
		e = ss_transcript_get(t, i);
		if (e->dir == SS_DIR_INFO && e->kind == SS_KIND_SASL)
			ss_strlcpy(sum->verdict, e->data, sizeof sum->verdict);
	}
}

/* Summarise the last AUTH exchange. */
void
ss_sasl_summary_init(struct ss_sasl_summary *sum, const struct ss_dialog *d,
    const struct ss_transcript *t)
{
	const struct ss_exchange	*x;
	size_t				 a = sasl_report_last_auth(d), i;
	size_t				 n = ss_dialog_exchange_count(d);
	const char			*ir;

	memset(sum, 0, sizeof *sum);
	if (a == n || (x = ss_dialog_exchange(d, a))->command == NULL)
		return;
	sum->notes = xcalloc(SASL_REPORT_NOTES, sizeof *sum->notes);
	ir = sasl_report_mech(sum, x->command);
	sasl_report_client(sum, t, x, ir);
	for (i = a; i < n; i++) {
		x = ss_dialog_exchange(d, i);
		if (i > a && x->verb != SS_VERB_SASL)
			break;
		if (i > a)
			sasl_report_client(sum, t, x, x->command);
		if (x->reply != NULL && x->reply->code == 334 &&
		    x->reply->nlines > 0)
			sasl_report_challenge(sum, x->reply->lines[0].text);
	}
	sasl_report_verdict(sum, t, ss_dialog_exchange(d, a)->cmd_event);
}

/* Free the notes and the error object. */
void
ss_sasl_summary_finish(struct ss_sasl_summary *sum)
{
	size_t	 i;

	for (i = 0; i < sum->nnotes; i++)
		free(sum->notes[i]);
	free(sum->notes);
	if (sum->has_error)
		ss_sasl_oauth_error_finish(&sum->error);
	memset(sum, 0, sizeof *sum);
}
