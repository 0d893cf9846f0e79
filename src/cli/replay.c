/*
 * replay.c: --replay FILE.  A saved session, or a log pasted into a ticket
 * (telnet, swaks, openssl s_client), is loaded into a transcript; with
 * --batch, --json or --export the report a live batch run would print is
 * made from it, else the explorer steps through it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/findings.h"
#include "smtpscope/dialog.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/text.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"
#include "tui.h"

/* Load a session file; a failure is printed as "file:line: reason". */
struct ss_transcript *
cli_load_session(const char *path, enum ss_import_format format)
{
	struct ss_transcript	*t;
	struct ss_buf		 b;
	char			*err = NULL;

	if ((t = ss_store_load(path, format, &err)) != NULL)
		return t;
	ss_buf_init(&b);
	if (err != NULL)
		ss_text_escape(&b, err, strlen(err));
	else
		ss_buf_printf(&b, "%s: cannot load", path);
	fprintf(stderr, "%s\n", b.data);
	ss_buf_finish(&b);
	free(err);
	return NULL;
}

/* A whole number from the metadata within bounds, else dflt. */
static long
cli_meta_long(const struct ss_transcript *t, const char *key, long min,
    long max, long dflt)
{
	const char	*s = ss_transcript_meta(t, key);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= min && v <= max ? v : dflt;
}

/* The address of the last "connected to ADDR port P" record; owned. */
static char *
cli_connect_address(const struct ss_transcript *t)
{
	const struct ss_event	*e;
	const char		*p, *sp;
	size_t			 i = ss_transcript_count(t);
	static const char	 prefix[] = "connected to ";

	while (i-- > 0) {
		e = ss_transcript_get(t, i);
		if (e->dir != SS_DIR_INFO || e->kind != SS_KIND_CONNECT ||
		    strncmp(e->data, prefix, sizeof prefix - 1) != 0)
			continue;
		p = e->data + sizeof prefix - 1;
		if ((sp = strstr(p, " port ")) == NULL)
			return NULL;
		return xstrndup(p, (size_t)(sp - p));
	}
	return NULL;
}

/* The report's heading from what the file says about its run: the
 * metadata a save keeps, else the connect record.  Strings are borrowed
 * from the transcript except *owned, which the caller frees. */
void
cli_target_from_meta(const struct ss_transcript *t,
    struct ss_report_target *tg, char **owned)
{
	const char	*result = ss_transcript_meta(t, "result");
	int		 i;

	memset(tg, 0, sizeof *tg);
	*owned = NULL;
	tg->host = ss_transcript_meta(t, "host");
	tg->imported = ss_transcript_meta(t, "imported");
	if (tg->host == NULL)
		tg->host = tg->imported != NULL ? "(host not named in the log)" :
		    "(unknown)";
	tg->port = (int)cli_meta_long(t, "port", 0, 65535, 0);
	tg->address = ss_transcript_meta(t, "address");
	if (tg->address == NULL)
		tg->address = *owned = cli_connect_address(t);
	/* The file is untrusted: only a status the contract names. */
	tg->result = ss_result_names[SS_RESULT_NONE];
	for (i = 0; result != NULL && i < SS_RESULT_LAST; i++) {
		if (strcmp(result, ss_result_names[i]) == 0)
			tg->result = ss_result_names[i];
	}
	tg->message = ss_transcript_meta(t, "message");
	tg->code = (int)cli_meta_long(t, "code", 0, 999, 0);
}

/* --check of a saved session or a pasted log: the worst finding's exit
 * code, as a live batch run gives it. */
static int
cli_replay_check(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_findings_options *fo)
{
	struct ss_findings	*fs = ss_findings_run(t, d, fo);
	int			 code = ss_findings_exit_code(fs);

	ss_findings_free(fs);
	return code;
}

/* The report a live batch run would have printed, from the file. */
static int
cli_replay_report(const struct ss_transcript *t, const struct cli_options *o)
{
	struct ss_report_target	 tg;
	struct ss_findings_options fo;
	struct ss_dialog	*d;
	char			*owned;
	int			 rc;

	cli_target_from_meta(t, &tg, &owned);
	cli_findings_options(o, 0, &fo);	/* port: from the file */
	tg.findings = &fo;
	d = ss_dialog_build(t, ss_transcript_count(t));
	rc = cli_emit_report(t, d, &tg, o);
	if (rc == CLI_EXIT_OK && o->check)
		rc = cli_replay_check(t, d, &fo);
	ss_dialog_destroy(d);
	free(owned);
	return rc;
}

/* The explorer in replay mode, when this build has it. */
static int
cli_replay_explore(struct ss_transcript *t, const struct cli_options *o)
{
#ifdef HAVE_TUI_REPLAY
	struct tui_config	 tc;
	char			 label[300];
	const char		*base;

	memset(&tc, 0, sizeof tc);
	tc.theme = o->theme;
	base = strrchr(o->replay, '/');
	snprintf(label, sizeof label, "%s (replay)",
	    base != NULL && base[1] != '\0' ? base + 1 : o->replay);
	tc.target_label = label;
	return tui_replay(t, &tc);
#else
	(void)t;
	(void)o;
	fprintf(stderr, "smtpscope: the explorer's replay mode is not "
	    "available in this build; use --batch --replay\n");
	return CLI_EXIT_INTERNAL;
#endif
}

/* --replay FILE: load, save a native copy if asked, report or explore. */
int
cli_replay(const struct cli_options *o)
{
	struct ss_transcript	*t;
	int			 rc = CLI_EXIT_OK;

	if ((t = cli_load_session(o->replay, o->import_format)) == NULL)
		return CLI_EXIT_USAGE;
	if (o->save != NULL)
		rc = cli_save_session(t, NULL, o);
	if (rc == CLI_EXIT_OK)
		rc = o->batch ? cli_replay_report(t, o) :
		    cli_replay_explore(t, o);
	ss_transcript_destroy(t);
	return rc;
}
