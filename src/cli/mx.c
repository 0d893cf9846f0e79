/*
 * mx.c (cli): "smtpscope DOMAIN" talks to the domain's mail exchangers.
 *
 * A TARGET without a port that names a host (not an address, not
 * localhost) gets an MX lookup (doc/mx.md).  --mx first, the default,
 * takes the best exchanger; --mx all runs the batch probe against each in
 * turn, one report after another; --mx none treats TARGET as a host.  The
 * explorer asks which exchanger to use when there are several.  When the
 * lookup fails, TARGET is tried as a host and the transcript says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smtpscope/net.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

const char *const cli_mx_names[CLI_MX_LAST] = { "first", "all", "none" };
_Static_assert(SS_NITEMS(cli_mx_names) == CLI_MX_LAST,
    "cli_mx_names must name every mode");

/* --mx NAME; -1 when unknown. */
int
cli_mx_mode_from_name(const char *name, enum cli_mx_mode *mode)
{
	int	 i;

	for (i = 0; i < CLI_MX_LAST; i++) {
		if (ss_strcasecmp(cli_mx_names[i], name) == 0) {
			*mode = (enum cli_mx_mode)i;
			return 0;
		}
	}
	return -1;
}

/* --mx all prints several reports: only where several make sense. */
int
cli_mx_check(const struct cli_options *o)
{
	const char	*why = NULL;

	if (o->mx != CLI_MX_ALL) {
		return 0;
	}
	if (!o->batch) {
		why = "--mx all is for batch mode (the explorer asks which "
		    "exchanger to use): add --batch";
	} else if (o->save != NULL || o->output != NULL) {
		why = "--mx all makes one report per exchanger: it cannot go "
		    "to one --save or -o file";
	}
	if (why == NULL) {
		return 0;
	}
	fprintf(stderr, "smtpscope: %s\n", why);
	cli_usage_hint();
	return -1;
}

/* Does TARGET name a domain whose exchangers we should use? */
static int
cli_mx_applies(const struct cli_options *o)
{
	char	*host = NULL, *err = NULL;
	int	 port, rc = 0;

	if (o->mx == CLI_MX_NONE || o->demo || o->target == NULL) {
		return 0;
	}
	/* A malformed TARGET is left to the set-up, which reports it. */
	if (ss_net_parse_target(o->target, 0, &host, &port, &err) == 0) {
		rc = port == 0 && ss_mx_wanted(host);
	}
	free(host);
	free(err);
	return rc;
}

/* Look up the exchangers when TARGET names a domain. */
void
cli_mx_plan_init(struct cli_mx_plan *plan, const struct cli_options *o)
{
	char	*err = NULL;

	memset(plan, 0, sizeof *plan);
	if (!cli_mx_applies(o)) {
		return;
	}
	if (ss_mx_lookup(o->target, &plan->list, &plan->n, &err) != 0) {
		xasprintf(&plan->summary, "MX lookup for %s failed: %s; "
		    "trying %s as a host", o->target, err, o->target);
		cli_warn("%s", plan->summary);
		free(err);
		return;
	}
	plan->summary = ss_mx_summary(o->target, plan->list, plan->n);
}

/* How many hosts to run: each exchanger with --mx all, else one. */
size_t
cli_mx_plan_count(const struct cli_mx_plan *plan, const struct cli_options *o)
{
	return plan->list != NULL && o->mx == CLI_MX_ALL ? plan->n : 1;
}

/* The options for host i: its name, or with SMTPSCOPE_DNS_SERVER the
 * address that server gave, checked against the name in TLS. */
void
cli_mx_plan_options(const struct cli_mx_plan *plan,
    const struct cli_options *o, size_t i, struct cli_options *host)
{
	const struct ss_mx	*e;

	*host = *o;
	if (plan->list == NULL || i >= plan->n) {
		return;
	}
	e = &plan->list[i];
	host->target = e->host;
	if (e->address[0] != '\0') {
		host->target = e->address;
		if (host->servername == NULL) {
			host->servername = e->host;
		}
	}
}

/* Record in the transcript what the lookup found and which host this
 * session is for. */
void
cli_mx_plan_note(const struct cli_mx_plan *plan, size_t i,
    struct ss_transcript *t)
{
	if (plan->summary == NULL) {
		return;
	}
	ss_transcript_note(t, 0, SS_DIR_INFO, SS_KIND_NOTE, 0, "%s",
	    plan->summary);
	if (plan->list != NULL && i < plan->n && !plan->list[i].implicit) {
		ss_transcript_note(t, 0, SS_DIR_INFO, SS_KIND_NOTE, 0,
		    "exchanger %zu of %zu: %s (preference %u)", i + 1, plan->n,
		    plan->list[i].host, plan->list[i].preference);
	}
}

/* Read the user's choice: 1..n, Enter for the first.  Returns the index,
 * or -1 to quit. */
static int
cli_mx_read_choice(size_t n)
{
	char	 line[32], *end;
	long	 v;
	int	 tries;

	for (tries = 0; tries < 5; tries++) {
		fprintf(stderr, "Connect to which one? [1-%zu, Enter: 1, "
		    "q: quit] ", n);
		fflush(stderr);
		if (fgets(line, sizeof line, stdin) == NULL || line[0] == 'q') {
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0') {
			return 0;
		}
		v = strtol(line, &end, 10);
		if (*end == '\0' && v >= 1 && (size_t)v <= n) {
			return (int)(v - 1);
		}
		fprintf(stderr, "smtpscope: '%s' is not a number from 1 to "
		    "%zu\n", line, n);
	}
	return -1;
}

/* The explorer: let the user pick an exchanger on the terminal before
 * it starts.  Returns the index, or -1 when the user quit. */
int
cli_mx_plan_pick(const struct cli_mx_plan *plan)
{
	size_t	 i;

	if (plan->list == NULL || plan->n < 2 || !isatty(STDIN_FILENO) ||
	    !isatty(STDERR_FILENO)) {
		return 0;
	}
	fprintf(stderr, "%s\n", plan->summary);
	for (i = 0; i < plan->n; i++) {
		fprintf(stderr, "  %2zu) %5u  %s\n", i + 1,
		    plan->list[i].preference, plan->list[i].host);
	}
	return cli_mx_read_choice(plan->n);
}

/* Free what the plan holds. */
void
cli_mx_plan_finish(struct cli_mx_plan *plan)
{
	ss_mx_free(plan->list);
	free(plan->summary);
	memset(plan, 0, sizeof *plan);
}
