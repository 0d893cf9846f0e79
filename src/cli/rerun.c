/*
 * rerun.c: --rerun FILE TARGET.  The client steps of a saved session (its
 * exchanges, in order) are sent again to a server, the same or another,
 * as the engine's own steps with their original arguments; then each
 * saved reply is printed beside the new one (core compare.c).
 *
 * What is not sent again, and why: AUTH without --user (the saved
 * credentials were redacted when captured), SASL responses (the engine
 * answers the new server's challenges itself), BDAT chunks, and replies
 * nobody asked for.  DATA sends the saved message body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/compare.h"
#include "smtpscope/dialog.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* A row of the side-by-side table, kept until the comparison exists. */
struct cli_rerun_row {
	long	 saved;		/* exchange of the saved session, or -1 */
	long	 now;		/* exchange of the new session, or -1 */
	char	*note;		/* owned, or NULL */
	int	 skipped;	/* deliberately not sent */
};

struct cli_rerun {
	struct ss_session	*session;
	const struct ss_dialog	*saved;
	struct cli_rerun_row	*rows;
	size_t			 nrows;
	size_t			 next;	/* first new exchange not shown yet */
	int			 can_auth;
	enum ss_result		 failure; /* first connection-level failure */
	char			*message;
};

/* Steps of the verbs sent again as they are (the others are special). */
static const enum ss_step cli_rerun_steps[SS_VERB_LAST] = {
	[SS_VERB_NONE] = SS_STEP_LAST,
	[SS_VERB_EHLO] = SS_STEP_EHLO, [SS_VERB_HELO] = SS_STEP_HELO,
	[SS_VERB_STARTTLS] = SS_STEP_STARTTLS, [SS_VERB_AUTH] = SS_STEP_AUTH,
	[SS_VERB_MAIL] = SS_STEP_MAIL, [SS_VERB_RCPT] = SS_STEP_RCPT,
	[SS_VERB_DATA] = SS_STEP_DATA, [SS_VERB_BDAT] = SS_STEP_LAST,
	[SS_VERB_RSET] = SS_STEP_RSET, [SS_VERB_NOOP] = SS_STEP_NOOP,
	[SS_VERB_VRFY] = SS_STEP_VRFY, [SS_VERB_EXPN] = SS_STEP_EXPN,
	[SS_VERB_HELP] = SS_STEP_HELP, [SS_VERB_QUIT] = SS_STEP_QUIT,
	[SS_VERB_SASL] = SS_STEP_LAST, [SS_VERB_BODY] = SS_STEP_LAST,
	[SS_VERB_OTHER] = SS_STEP_RAW,
};

/* Results that end the new connection rather than answer a command. */
static int
cli_rerun_fatal(enum ss_result r)
{
	return r == SS_RESULT_CONNECT || r == SS_RESULT_TLS ||
	    r == SS_RESULT_VERIFY || r == SS_RESULT_TIMEOUT ||
	    r == SS_RESULT_DROPPED || r == SS_RESULT_PROTOCOL;
}

/* Add a row to the table. */
static void
cli_rerun_row(struct cli_rerun *rr, long saved, long now, const char *note,
    int skipped)
{
	struct cli_rerun_row	*r;

	rr->rows = xreallocarray(rr->rows, rr->nrows + 1, sizeof *rr->rows);
	r = &rr->rows[rr->nrows++];
	r->saved = saved;
	r->now = now;
	r->note = note != NULL ? xstrdup(note) : NULL;
	r->skipped = skipped;
}

/* The new session's exchange i. */
static const struct ss_exchange *
cli_rerun_new(const struct cli_rerun *rr, size_t i)
{
	return ss_dialog_exchange(ss_session_dialog(rr->session), i);
}

/* New exchanges nothing saved asked for (an unsolicited reply, a step's
 * extra exchange no saved row took) get rows of their own. */
static void
cli_rerun_flush(struct cli_rerun *rr)
{
	size_t	 n = ss_dialog_exchange_count(ss_session_dialog(rr->session));

	for (; rr->next < n; rr->next++)
		cli_rerun_row(rr, -1, (long)rr->next, "only in the new "
		    "session", 0);
}

/* The next new exchange not shown yet if it has this verb, else -1. */
static long
cli_rerun_take(struct cli_rerun *rr, enum ss_verb verb, int greeting)
{
	const struct ss_exchange	*x = cli_rerun_new(rr, rr->next);

	if (x == NULL || x->verb != verb || x->greeting != greeting)
		return -1;
	return (long)rr->next++;
}

/* The text after the verb (and after "FROM:"/"TO:"), or NULL if none. */
static char *
cli_rerun_arg(const char *command, enum ss_verb verb)
{
	const char	*p = command + strcspn(command, " ");
	const char	*key = verb == SS_VERB_MAIL ? "FROM:" :
	    verb == SS_VERB_RCPT ? "TO:" : NULL;

	if (verb == SS_VERB_OTHER)
		return xstrdup(command);
	while (*p == ' ')
		p++;
	if (key != NULL && ss_strncasecmp(p, key, strlen(key)) == 0)
		p += strlen(key);
	while (*p == ' ')
		p++;
	if (verb == SS_VERB_AUTH)
		return xstrndup(p, strcspn(p, " "));
	return *p != '\0' ? xstrdup(p) : NULL;
}

/* Run one step of the new session for a saved exchange and pair them. */
static void
cli_rerun_step(struct cli_rerun *rr, size_t i, enum ss_step step,
    const char *arg)
{
	const struct ss_exchange	*x = ss_dialog_exchange(rr->saved, i);
	enum ss_result			 r;
	long				 now;

	cli_rerun_flush(rr);
	r = ss_session_run(rr->session, step, arg);
	if (cli_rerun_fatal(r) && rr->failure == SS_RESULT_NONE) {
		rr->failure = r;
		rr->message = xstrdup(ss_session_message(rr->session) != NULL ?
		    ss_session_message(rr->session) : "");
	}
	now = cli_rerun_take(rr, x->verb, x->greeting);
	cli_rerun_row(rr, (long)i, now, now < 0 ?
	    ss_session_message(rr->session) : NULL, 0);
}

/* Why a saved exchange is not sent again, or NULL if it is. */
static const char *
cli_rerun_skip_reason(const struct cli_rerun *rr, const struct ss_exchange *x)
{
	if (x->unsolicited && !x->greeting)
		return "a reply nobody asked for: nothing to send";
	if (x->verb == SS_VERB_AUTH && !rr->can_auth)
		return "AUTH not sent: the saved credentials are redacted; "
		    "give --user and --password-file to send it";
	if (x->verb == SS_VERB_BDAT)
		return "BDAT chunks are not sent again";
	if (x->command != NULL && x->verb == SS_VERB_OTHER &&
	    strpbrk(x->command, "\r\n") != NULL)
		return "not one line of text";
	return NULL;
}

/* One saved exchange: sent again, paired with what the step already
 * produced (SASL, body), or skipped with a note. */
static void
cli_rerun_exchange(struct cli_rerun *rr, size_t i)
{
	const struct ss_exchange	*x = ss_dialog_exchange(rr->saved, i);
	const char			*why;
	char				*arg;
	long				 now;

	if ((why = cli_rerun_skip_reason(rr, x)) != NULL) {
		cli_rerun_row(rr, (long)i, -1, why, 1);
		return;
	}
	if (x->greeting) {
		cli_rerun_step(rr, i, SS_STEP_CONNECT, NULL);
		return;
	}
	if (x->verb == SS_VERB_SASL || x->verb == SS_VERB_BODY) {
		if ((now = cli_rerun_take(rr, x->verb, 0)) >= 0)
			cli_rerun_row(rr, (long)i, now, NULL, 0);
		else
			cli_rerun_row(rr, (long)i, -1, x->verb == SS_VERB_SASL ?
			    "SASL responses are not sent again (the saved ones "
			    "are redacted)" : "no message body was sent", 1);
		return;
	}
	arg = cli_rerun_arg(x->command != NULL ? x->command : "", x->verb);
	/* HELP with a topic has no step of its own: send the line. */
	if (x->verb == SS_VERB_HELP && arg != NULL)
		cli_rerun_step(rr, i, SS_STEP_RAW, x->command);
	else
		cli_rerun_step(rr, i, cli_rerun_steps[x->verb], arg);
	free(arg);
}

/* The first message body of the saved session, un-dot-stuffed, lines
 * ending in LF as the engine's data_body wants; NULL when none. */
static char *
cli_rerun_body(const struct ss_dialog *d)
{
	const struct ss_line	*l;
	struct ss_buf		 b;
	char			*body;
	size_t			 i, n = ss_dialog_line_count(d);
	int			 found = 0;

	ss_buf_init(&b);
	for (i = 0; i < n; i++) {
		l = ss_dialog_line(d, i);
		if (l->dir != SS_DIR_CLIENT || (l->flags & SS_LINE_BODY) == 0) {
			if (found && l->dir == SS_DIR_CLIENT)
				break;
			continue;
		}
		if (l->exchange >= 0) {	/* the final dot */
			body = ss_buf_steal(&b);
			ss_buf_finish(&b);
			return body;
		}
		found = 1;
		if (l->len > 0 && l->bytes[0] == '.')
			ss_buf_add(&b, l->bytes + 1, l->len - 1);
		else
			ss_buf_add(&b, l->bytes, l->len);
		ss_buf_addc(&b, '\n');
	}
	ss_buf_finish(&b);
	return NULL;
}

/* Send every saved exchange's command again, then QUIT if still open. */
static void
cli_rerun_run(struct cli_rerun *rr)
{
	size_t	 i, n = ss_dialog_exchange_count(rr->saved);
	int	 quit = 0;

	/* A log that starts after the greeting (openssl s_client shows none)
	 * still needs a connection. */
	if (n == 0 || !ss_dialog_exchange(rr->saved, 0)->greeting)
		(void)ss_session_run(rr->session, SS_STEP_CONNECT, NULL);
	for (i = 0; i < n; i++) {
		cli_rerun_exchange(rr, i);
		quit = ss_dialog_exchange(rr->saved, i)->verb == SS_VERB_QUIT;
	}
	cli_rerun_flush(rr);
	if (!quit && ss_session_state(rr->session) == SS_STATE_READY)
		(void)ss_session_run(rr->session, SS_STEP_QUIT, NULL);
}

/* Print the two sessions side by side. */
static int
cli_rerun_print(struct cli_rerun *rr, const struct ss_transcript *saved,
    const char *saved_label, const char *new_label,
    const struct cli_options *o)
{
	struct ss_compare_side	 a, b;
	struct ss_compare	*c;
	size_t			 i;
	int			 rc;

	a.title = "saved";
	a.label = saved_label;
	a.t = saved;
	a.d = rr->saved;
	b.title = "new";
	b.label = new_label;
	b.t = ss_session_transcript(rr->session);
	b.d = ss_session_dialog(rr->session);
	c = ss_compare_create(&a, &b, SS_COMPARE_EXCHANGES);
	for (i = 0; i < rr->nrows; i++) {
		if (rr->rows[i].skipped)
			ss_compare_skip(c, rr->rows[i].saved, rr->rows[i].note);
		else
			ss_compare_add(c, rr->rows[i].saved, rr->rows[i].now,
			    rr->rows[i].note);
	}
	rc = cli_compare_print(c, o);
	ss_compare_destroy(c);
	return rc;
}

/* The session against the new target; AUTH only with explicit
 * credentials (the demo's are not assumed). */
static struct ss_session *
cli_rerun_session(struct cli_setup *setup, const struct cli_options *o,
    const char *body)
{
	struct ss_session	*s;
	char			*err = NULL;

	if (o->user == NULL) {
		cli_setup_forget_password(setup);
		setup->cfg.user = NULL;
	}
	setup->cfg.data_body = body;
	s = ss_session_create(&setup->cfg, &err);
	cli_setup_forget_password(setup);
	if (s == NULL) {
		cli_warn("%s", err != NULL ? err : "cannot create the session");
		free(err);
	}
	return s;
}

/* Save the new session when asked, with what the rerun found. */
static int
cli_rerun_save(struct cli_rerun *rr, const struct cli_setup *setup,
    const struct cli_options *o)
{
	struct ss_report_target	 tg;

	memset(&tg, 0, sizeof tg);
	tg.host = o->demo ? "localhost" : setup->host;
	tg.port = setup->port;
	tg.result = ss_result_names[rr->failure != SS_RESULT_NONE ?
	    rr->failure : SS_RESULT_OK];
	tg.message = rr->message;
	return cli_save_session(ss_session_transcript(rr->session), &tg, o);
}

/* Free what a rerun holds (not the session). */
static void
cli_rerun_free(struct cli_rerun *rr)
{
	size_t	 i;

	for (i = 0; i < rr->nrows; i++)
		free(rr->rows[i].note);
	free(rr->rows);
	free(rr->message);
}

/* --rerun FILE TARGET: exit 2 when FILE cannot be loaded, the batch code
 * of a connection-level failure of the new session, else 0 (differences
 * are the output, not a failure). */
int
cli_rerun(const struct cli_options *o)
{
	struct cli_setup	 setup;
	struct cli_rerun	 rr;
	struct ss_transcript	*saved;
	struct ss_dialog	*sd;
	char			*body, *label;
	int			 rc;

	if ((saved = cli_load_session(o->rerun, o->import_format)) == NULL)
		return CLI_EXIT_USAGE;
	sd = ss_dialog_build(saved, ss_transcript_count(saved));
	body = cli_rerun_body(sd);
	memset(&rr, 0, sizeof rr);
	rr.saved = sd;
	rr.failure = SS_RESULT_NONE;
	if ((rc = cli_setup_init(&setup, o, o->user != NULL)) == CLI_EXIT_OK) {
		rr.can_auth = o->user != NULL && setup.password != NULL;
		if ((rr.session = cli_rerun_session(&setup, o, body)) == NULL)
			rc = CLI_EXIT_INTERNAL;
	}
	if (rr.session != NULL) {
		cli_rerun_run(&rr);
		if (o->save != NULL)
			rc = cli_rerun_save(&rr, &setup, o);
		label = cli_session_label(o->rerun, saved);
		if (cli_rerun_print(&rr, saved, label, setup.label, o) !=
		    CLI_EXIT_OK)
			rc = CLI_EXIT_INTERNAL;
		free(label);
		if (rr.failure != SS_RESULT_NONE) {
			cli_warn("the new session failed (%s): %s",
			    ss_result_names[rr.failure], rr.message);
			rc = cli_exit_for(rr.failure);
		}
		ss_session_destroy(rr.session);
	}
	cli_setup_finish(&setup);
	cli_rerun_free(&rr);
	free(body);
	ss_dialog_destroy(sd);
	ss_transcript_destroy(saved);
	return rc;
}
