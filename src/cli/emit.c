/*
 * emit.c: where a session's report and the session itself go.  The report
 * goes to stdout, or to -o FILE, in the format asked for (text, --json,
 * --export FORMAT); --save FILE keeps the session in the native format.
 * Live batch runs, replays and the explorer share these.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smtpscope/report.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Write all bytes to a descriptor; 0 or -1 with errno set. */
static int
cli_write_all(int fd, const char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write the bytes to FILE (created mode 0600: a report shows the same
 * dialogue as the session file) or to stdout for NULL or "-". */
int
cli_write_output(const char *path, const char *data, size_t len)
{
	int	 fd, rc;

	if (path == NULL || strcmp(path, "-") == 0) {
		fflush(stdout);
		if (cli_write_all(STDOUT_FILENO, data, len) == 0)
			return CLI_EXIT_OK;
		cli_warn("cannot write the report: %s", strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		cli_warn("%s: %s", path, strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	rc = cli_write_all(fd, data, len);
	if (close(fd) == -1)
		rc = -1;
	if (rc == -1) {
		cli_warn("%s: %s", path, strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	return CLI_EXIT_OK;
}

/* The report in the format the options ask for, into a buffer. */
static void
cli_render_report(struct ss_buf *b, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_report_target *tg,
    const struct cli_options *o)
{
	enum cli_export	 fmt = o->export;
	char		*json;

	if (fmt == CLI_EXPORT_NONE && o->json)
		fmt = CLI_EXPORT_JSON;
	switch (fmt) {
	case CLI_EXPORT_JSON:
		json = ss_report_json(t, d, tg);
		ss_buf_adds(b, json);
		ss_buf_addc(b, '\n');
		free(json);
		break;
	case CLI_EXPORT_TEXT:
		ss_report_text(b, t, d, tg, SS_REPORT_TIMINGS |
		    SS_REPORT_FINDINGS);
		break;
	case CLI_EXPORT_MARKDOWN:
		ss_report_markdown(b, t, d, tg, SS_REPORT_TIMINGS |
		    SS_REPORT_FINDINGS);
		break;
	default:
		ss_report_text(b, t, d, tg, SS_REPORT_TIMINGS |
		    SS_REPORT_FINDINGS);
		break;
	}
}

/* Print or write the report; returns an exit code (a write failure is 1). */
int
cli_emit_report(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_report_target *tg, const struct cli_options *o)
{
	struct ss_buf	 b;
	int		 rc;

	ss_buf_init(&b);
	cli_render_report(&b, t, d, tg, o);
	rc = cli_write_output(o->output, b.data, b.len);
	ss_buf_finish(&b);
	return rc;
}

/* --save: keep the run's outcome (when there is one) and the user's note
 * with the session, then save it atomically, mode 0600. */
int
cli_save_session(struct ss_transcript *t, const struct ss_report_target *tg,
    const struct cli_options *o)
{
	char	 num[32], *err = NULL;

	if (tg != NULL) {
		ss_transcript_set_meta(t, "host", tg->host);
		if (tg->address != NULL)
			ss_transcript_set_meta(t, "address", tg->address);
		if (tg->result != NULL)
			ss_transcript_set_meta(t, "result", tg->result);
		if (tg->message != NULL)
			ss_transcript_set_meta(t, "message", tg->message);
		snprintf(num, sizeof num, "%d", tg->code);
		ss_transcript_set_meta(t, "code", num);
	}
	if (o->note != NULL)
		ss_transcript_set_meta(t, "note", o->note);
	if (ss_store_save(t, o->save, &err) != 0) {
		cli_warn("cannot save the session: %s", err != NULL ? err :
		    o->save);
		free(err);
		return CLI_EXIT_INTERNAL;
	}
	return CLI_EXIT_OK;
}
