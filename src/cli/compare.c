/*
 * compare.c: --compare A B, and the output shared with --rerun.  Two
 * sessions (saved files or pasted logs) are loaded and their capability
 * tables and TLS summaries printed side by side (core compare.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "smtpscope/compare.h"
#include "smtpscope/dialog.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Columns to fit the table in: the terminal's, or 0 (the default). */
static size_t
cli_compare_width(void)
{
	struct winsize	 ws;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
		return ws.ws_col;
	return 0;
}

/* Print a comparison as text or, with --json, as one JSON document. */
int
cli_compare_print(const struct ss_compare *c, const struct cli_options *o)
{
	struct ss_buf	 b;
	char		*json;
	int		 rc;

	ss_buf_init(&b);
	if (o->json) {
		json = ss_compare_json(c);
		ss_buf_adds(&b, json);
		ss_buf_addc(&b, '\n');
		free(json);
	} else
		ss_compare_text(&b, c, cli_compare_width());
	rc = cli_write_output(NULL, b.data, b.len);
	ss_buf_finish(&b);
	return rc;
}

/* "FILE (host port N)": what a loaded session is; the caller frees. */
char *
cli_session_label(const char *path, const struct ss_transcript *t)
{
	const char	*host = ss_transcript_meta(t, "host");
	const char	*port = ss_transcript_meta(t, "port");
	char		*label;

	if (host == NULL)
		return xstrdup(path);
	xasprintf(&label, "%s (%s port %s)", path, host,
	    port != NULL ? port : "?");
	return label;
}

/* --compare A B: both loaded, or exit 2 with "file:line: reason". */
int
cli_compare(const struct cli_options *o)
{
	struct ss_compare_side	 side[2];
	struct ss_transcript	*t[2];
	struct ss_dialog	*d[2];
	struct ss_compare	*c;
	char			*label[2];
	const char		*path[2] = { o->compare_a, o->compare_b };
	int			 i, rc;

	t[0] = cli_load_session(path[0], o->import_format);
	t[1] = t[0] != NULL ? cli_load_session(path[1], o->import_format) :
	    NULL;
	if (t[1] == NULL) {
		ss_transcript_destroy(t[0]);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < 2; i++) {
		d[i] = ss_dialog_build(t[i], ss_transcript_count(t[i]));
		label[i] = cli_session_label(path[i], t[i]);
		side[i].title = i == 0 ? "A" : "B";
		side[i].label = label[i];
		side[i].t = t[i];
		side[i].d = d[i];
	}
	c = ss_compare_create(&side[0], &side[1], 0);
	rc = cli_compare_print(c, o);
	ss_compare_destroy(c);
	for (i = 0; i < 2; i++) {
		ss_dialog_destroy(d[i]);
		ss_transcript_destroy(t[i]);
		free(label[i]);
	}
	return rc;
}
