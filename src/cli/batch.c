/*
 * batch.c: run a session without the explorer.  The default probe is the
 * one a helpdesk runs by hand (connect, EHLO, STARTTLS, EHLO, AUTH, EHLO,
 * QUIT); --steps runs any list.  The first failing step ends the run, QUIT
 * is still sent when the connection allows it, and the report goes to
 * stdout whatever happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/findings.h"
#include "smtpscope/caps.h"
#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
#include "smtpscope/util.h"

/* Exit code of each step result (doc/exit-codes.md). */
static const int cli_result_exit[SS_RESULT_LAST] = {
	[SS_RESULT_NONE] = CLI_EXIT_INTERNAL,
	[SS_RESULT_OK] = CLI_EXIT_OK,
	[SS_RESULT_REFUSED] = CLI_EXIT_REFUSED,
	[SS_RESULT_CONNECT] = CLI_EXIT_CONNECT,
	[SS_RESULT_TLS] = CLI_EXIT_TLS,
	[SS_RESULT_VERIFY] = CLI_EXIT_TLS,
	[SS_RESULT_TIMEOUT] = CLI_EXIT_TIMEOUT,
	[SS_RESULT_DROPPED] = CLI_EXIT_DROPPED,
	[SS_RESULT_PROTOCOL] = CLI_EXIT_DROPPED,
	[SS_RESULT_CANCELLED] = CLI_EXIT_INTERNAL,
	[SS_RESULT_USAGE] = CLI_EXIT_USAGE,
};

/* The exit code for how a step ended. */
int
cli_exit_for(enum ss_result r)
{
	if ((unsigned)r >= SS_RESULT_LAST)
		return CLI_EXIT_INTERNAL;
	return cli_result_exit[r];
}

/* A run in progress: the session and the first failure seen. */
struct cli_run {
	struct ss_session	*session;
	const char		*failed_step;	/* NULL while all went well */
	enum ss_result		 result;
	char			*message;	/* of the failing step */
	int			 code;
	int			 quit_sent;
	int			 check_code;	/* --check: by the findings */
};

/* Remember the first failure; returns r. */
static enum ss_result
cli_run_record(struct cli_run *run, enum ss_step step, enum ss_result r)
{
	const char	*msg;

	if (r == SS_RESULT_OK || run->failed_step != NULL)
		return r;
	run->failed_step = ss_step_names[step];
	run->result = r;
	msg = ss_session_message(run->session);
	run->message = xstrdup(msg != NULL ? msg : "");
	run->code = ss_session_code(run->session);
	return r;
}

/* Run one step; remember the first failure.  Returns the step's result. */
static enum ss_result
cli_run_step(struct cli_run *run, enum ss_step step, const char *arg)
{
	if (step == SS_STEP_QUIT || step == SS_STEP_CONNECT)
		run->quit_sent = step == SS_STEP_QUIT;
	return cli_run_record(run, step,
	    ss_session_run(run->session, step, arg));
}

/* Is the connection in a state where a polite QUIT makes sense? */
static int
cli_run_connected(const struct cli_run *run)
{
	return ss_session_state(run->session) == SS_STATE_READY;
}

/* Were the server's last capabilities offering this keyword? */
static int
cli_run_offers(const struct cli_run *run, const char *keyword)
{
	const struct ss_caps	*caps;

	caps = ss_dialog_current_caps(ss_session_dialog(run->session));
	return caps != NULL && ss_caps_has(caps, keyword);
}

/* EHLO, or HELO when the server refuses EHLO with a 5xx. */
static enum ss_result
cli_run_greet(struct cli_run *run)
{
	enum ss_result	 r;

	r = ss_session_run(run->session, SS_STEP_EHLO, NULL);
	if (r == SS_RESULT_REFUSED && ss_session_code(run->session) / 100 == 5)
		return cli_run_step(run, SS_STEP_HELO, NULL);
	return cli_run_record(run, SS_STEP_EHLO, r);
}

/* The default probe.  Returns when a step fails or QUIT is due. */
static void
cli_run_default(struct cli_run *run, const struct cli_options *o,
    const struct cli_setup *setup)
{
	if (cli_run_step(run, SS_STEP_CONNECT, NULL) != SS_RESULT_OK)
		return;
	if (cli_run_greet(run) != SS_RESULT_OK)
		return;
	if (!o->no_tls && !setup->cfg.implicit_tls &&
	    (o->starttls || cli_run_offers(run, "STARTTLS"))) {
		if (cli_run_step(run, SS_STEP_STARTTLS, NULL) != SS_RESULT_OK ||
		    cli_run_greet(run) != SS_RESULT_OK)
			return;
	}
	if (setup->cfg.user == NULL)
		return;
	if (cli_run_step(run, SS_STEP_AUTH, o->auth_mech) != SS_RESULT_OK)
		return;
	(void)cli_run_greet(run);
}

/* --steps: every step in order, up to the first failure. */
static void
cli_run_list(struct cli_run *run, const struct cli_options *o)
{
	size_t	 i;

	for (i = 0; i < o->nsteps; i++) {
		if (cli_run_step(run, o->steps[i].step, o->steps[i].arg) !=
		    SS_RESULT_OK)
			return;
	}
}

/* What the user wants to do, for the findings: the mechanism asked for,
 * the message's size, UTF-8 addresses, and the port's configuration. */
void
cli_findings_options(const struct cli_options *o, int port,
    struct ss_findings_options *fo)
{
	const char	*a;
	int		 i;

	memset(fo, 0, sizeof *fo);
	fo->auth_mech = o->auth_mech;
	fo->message_size = o->message_size;
	fo->port = port;
	fo->implicit_tls = o->implicit_tls;
	for (i = 0; i < 2; i++) {
		a = i == 0 ? o->from : o->to;
		for (; a != NULL && *a != '\0'; a++) {
			if ((unsigned char)*a >= 0x80)
				fo->need_smtputf8 = 1;
		}
	}
}

/* The --check exit code: the worst finding's, 0 when there is none. */
static int
cli_check_code(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_findings_options *fo)
{
	struct ss_findings	*fs = ss_findings_run(t, d, fo);
	int			 code = ss_findings_exit_code(fs);

	ss_findings_free(fs);
	return code;
}

/* Save the session if asked, then print (or write) the report: text,
 * the JSON document or an export.  Returns 0, or 1 when a file could not
 * be written. */
static int
cli_batch_report(struct cli_run *run, const struct cli_options *o,
    const struct cli_setup *setup)
{
	struct ss_report_target	 tg;
	struct ss_findings_options fo;
	struct ss_transcript	*t = ss_session_transcript(run->session);
	const struct ss_dialog	*d = ss_session_dialog(run->session);
	struct ss_dialog	*own = NULL;
	char			*address = NULL;
	const char		*peer = ss_session_peer(run->session);
	int			 rc = CLI_EXIT_OK;

	memset(&tg, 0, sizeof tg);
	tg.host = o->demo ? "localhost" : setup->host;
	tg.port = setup->port;
	if (peer != NULL) {
		address = xstrndup(peer, strcspn(peer, " "));
		tg.address = address;
	}
	tg.result = ss_result_names[run->failed_step != NULL ? run->result :
	    SS_RESULT_OK];
	tg.message = run->failed_step != NULL ? run->message :
	    ss_session_message(run->session);
	tg.code = run->failed_step != NULL ? run->code :
	    ss_session_code(run->session);
	cli_findings_options(o, setup->port, &fo);
	tg.findings = &fo;
	if (o->save != NULL)
		rc = cli_save_session(t, &tg, o);
	/* The session's own dialog: the same pure function of the same
	 * transcript, without a second copy of everything it holds (unless
	 * notes went into the transcript behind its back: the MX plan's). */
	if (ss_dialog_fed(d) != ss_transcript_count(t))
		d = own = ss_dialog_build(t, ss_transcript_count(t));
	if (cli_emit_report(t, d, &tg, o) != CLI_EXIT_OK)
		rc = CLI_EXIT_INTERNAL;
	if (o->check)
		run->check_code = cli_check_code(t, d, &fo);
	ss_dialog_destroy(own);
	free(address);
	return rc;
}

/* Batch mode against one host: set up, run, QUIT politely, report, exit
 * code.  The MX plan's notes for host i go first in the transcript. */
int
cli_batch_host(const struct cli_options *o, const struct cli_mx_plan *plan,
    size_t i)
{
	struct cli_setup	 setup;
	struct cli_run		 run;
	char			*err = NULL;
	int			 rc;

	if ((rc = cli_setup_init(&setup, o, 1)) != CLI_EXIT_OK) {
		cli_setup_finish(&setup);
		return rc;
	}
	memset(&run, 0, sizeof run);
	run.session = ss_session_create(&setup.cfg, &err);
	cli_setup_forget_password(&setup);
	if (run.session == NULL) {
		cli_warn("%s", err != NULL ? err : "cannot create the session");
		free(err);
		cli_setup_finish(&setup);
		return CLI_EXIT_INTERNAL;
	}
	cli_mx_plan_note(plan, i, ss_session_transcript(run.session));
	if (o->steps != NULL)
		cli_run_list(&run, o);
	else
		cli_run_default(&run, o, &setup);
	/* A server that let a step time out will not answer QUIT either. */
	if (cli_run_connected(&run) && !run.quit_sent &&
	    run.result != SS_RESULT_TIMEOUT)
		cli_run_step(&run, SS_STEP_QUIT, NULL);
	rc = cli_batch_report(&run, o, &setup);
	if (run.failed_step != NULL)
		cli_warn("%s failed (%s): %s", run.failed_step,
		    ss_result_names[run.result], run.message);
	/* How the run went matters more than a file that was not written,
	 * and with --check the findings matter more than both. */
	if (run.failed_step != NULL)
		rc = cli_exit_for(run.result);
	if (o->check && run.check_code != CLI_EXIT_OK)
		rc = run.check_code;
	free(run.message);
	ss_session_destroy(run.session);
	cli_setup_finish(&setup);
	return rc;
}

/* Batch mode: TARGET, or the MX hosts of the domain it names (--mx).
 * With --mx all the exit code is the first failing host's. */
int
cli_batch(const struct cli_options *o)
{
	struct cli_mx_plan	 plan;
	struct cli_options	 host;
	size_t			 i, count;
	int			 rc = CLI_EXIT_OK, r;

	cli_mx_plan_init(&plan, o);
	count = cli_mx_plan_count(&plan, o);
	for (i = 0; i < count; i++) {
		cli_mx_plan_options(&plan, o, i, &host);
		r = cli_batch_host(&host, &plan, i);
		if (rc == CLI_EXIT_OK)
			rc = r;
	}
	cli_mx_plan_finish(&plan);
	return rc;
}
