/*
 * main.c: smtpscope's entry point.  It reads the options and hands over to
 * one mode: the demo server alone, a replay, batch, or the explorer.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/kb.h"
#include "smtpscope/report.h"
#include "smtpscope/util.h"
#include "tui.h"

/* --explain TOKEN: one entry of the knowledge base, or exit 1. */
static int
cli_explain(const char *token)
{
	struct ss_buf	 b;
	int		 rc = CLI_EXIT_OK;

	ss_buf_init(&b);
	if (ss_kb_explain(token, &b) == -1) {
		cli_warn("nothing is known about '%s' (try a keyword such as "
		    "STARTTLS, a reply code such as 530, an enhanced code such "
		    "as 5.7.8, or a mechanism such as CRAM-MD5)", token);
		rc = CLI_EXIT_INTERNAL;
	} else {
		fputs(b.data, stdout);
	}
	ss_buf_finish(&b);
	return rc;
}

/* The explorer: create the session and let the TUI drive it.  The MX
 * plan's notes for host i go first in the transcript. */
static int
cli_interactive_host(const struct cli_options *o,
    const struct cli_mx_plan *plan, size_t i)
{
	struct cli_setup	 setup;
	struct tui_config	 tc;
	struct ss_session	*session;
	char			*err = NULL;
	int			 rc;

	if ((rc = cli_setup_init(&setup, o, 0)) != CLI_EXIT_OK) {
		cli_setup_finish(&setup);
		return rc;
	}
	session = ss_session_create(&setup.cfg, &err);
	cli_setup_forget_password(&setup);
	if (session == NULL) {
		cli_warn("%s", err != NULL ? err : "cannot create the session");
		free(err);
		cli_setup_finish(&setup);
		return CLI_EXIT_INTERNAL;
	}
	cli_mx_plan_note(plan, i, ss_session_transcript(session));
	memset(&tc, 0, sizeof tc);
	tc.theme = o->theme;
	tc.connect_now = 1;
	tc.target_label = setup.label;
	tc.note = setup.note[0] != '\0' ? setup.note : plan->summary;
	tc.user = setup.cfg.user;
	tc.mail_from = o->from;
	tc.rcpt_to = o->to;
	tc.host = o->demo ? "demo" : setup.host;	/* names saved files */
	rc = tui_run(session, &tc);
	if (o->save != NULL && cli_save_session(ss_session_transcript(session),
	    NULL, o) != CLI_EXIT_OK && rc == CLI_EXIT_OK)
		rc = CLI_EXIT_INTERNAL;
	ss_session_destroy(session);
	cli_setup_finish(&setup);
	return rc;
}

/* Which exchanger to explore: with several, a full-screen choice (the
 * explorer's keys and theme); without a terminal for it, the question on
 * stderr.  Returns the index, or -1 when the user quit. */
static int
cli_interactive_pick(const struct cli_mx_plan *plan,
    const struct cli_options *o)
{
	static const char why[] = "Senders try the lowest preference "
	    "first and the others when it does not answer. Each one is a "
	    "server of its own: STARTTLS, AUTH and certificates may differ "
	    "between them.";
	char	**items, *heading;
	size_t	  i;
	int	  rc;

	if (plan->list == NULL || plan->n < 2) {
		return cli_mx_plan_pick(plan);
	}
	items = xcalloc(plan->n, sizeof *items);
	for (i = 0; i < plan->n; i++) {
		xasprintf(&items[i], "%10u  %s%s%s%s", plan->list[i].preference,
		    plan->list[i].host, plan->list[i].address[0] != '\0' ?
		    " (" : "", plan->list[i].address,
		    plan->list[i].address[0] != '\0' ? ")" : "");
	}
	xasprintf(&heading, "%s has %zu mail exchangers: explore which one?",
	    o->target, plan->n);
	rc = tui_pick(o->theme, heading, why, (const char *const *)items,
	    plan->n);
	for (i = 0; i < plan->n; i++) {
		free(items[i]);
	}
	free(items);
	free(heading);
	if (rc == TUI_PICK_NO_TERMINAL) {
		return cli_mx_plan_pick(plan);
	}
	return rc >= 0 ? rc : -1;
}

/* The explorer on TARGET, or on the MX host of its domain the user
 * picks (--mx). */
static int
cli_interactive(const struct cli_options *o)
{
	struct cli_mx_plan	 plan;
	struct cli_options	 host;
	int			 i, rc = CLI_EXIT_OK;

	cli_mx_plan_init(&plan, o);
	if ((i = cli_interactive_pick(&plan, o)) >= 0) {
		cli_mx_plan_options(&plan, o, (size_t)i, &host);
		rc = cli_interactive_host(&host, &plan, (size_t)i);
	}
	cli_mx_plan_finish(&plan);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli_options	 o;
	int			 rc;

	setlocale(LC_ALL, "");
	/* A peer that closes while we write must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	ss_report_set_curses_version(cli_curses_version());
	rc = cli_options_parse(argc, argv, &o);
	if (rc != 0) {
		cli_options_free(&o);
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (o.explain != NULL)
		rc = cli_explain(o.explain);
	else if (o.serve_demo != NULL)
		rc = cli_serve_demo(&o);
	else if (o.replay != NULL)
		rc = cli_replay(&o);
	else if (o.compare_a != NULL)
		rc = cli_compare(&o);
	else if (o.rerun != NULL)
		rc = cli_rerun(&o);
	else if (o.batch)
		rc = cli_batch(&o);
	else
		rc = cli_interactive(&o);
	cli_options_free(&o);
	return rc;
}
