/*
 * import-thunderbird.c: Thunderbird's SMTP logging (doc/import-formats.md):
 * MOZ_LOG=SMTP:5 from the older C++ client ("I/SMTP SMTP Send: EHLO ...",
 * "I/SMTP SMTP Response: 250-...") and the mailnews.smtp logger of the
 * newer one ("mailnews.smtp: C: EHLO ...", "S: 250-...", which logs
 * each chunk it read at once, so a reply's further lines follow bare).
 * Both write
 * a placeholder for AUTH lines ("Logging suppressed ...") and show the
 * dialogue after STARTTLS in clear: the builder infers the handshake.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* After the logger's prefix: what the line says and its side (1: the
 * server's, 0: the client's, -1: a fact). */
static const struct {
	const char	*mark;
	int		 server;
} tb_marks[] = {
	{ "SMTP Response: ", 1 }, { "SMTP Send: ", 0 },
	{ "S: ", 1 }, { "C: ", 0 }, { "Logging suppressed", 0 },
	{ "SMTP Connecting to: ", -1 }, { "Connecting to smtp://", -1 },
	{ "Connecting to smtps://", -1 },
};

/* The text after the logger's prefix ("... I/SMTP " or "mailnews.smtp"
 * and its punctuation), or 0. */
static int
import_tb_body(const struct import_line *l, struct import_line *body)
{
	const char	*p = import_find(l, "/SMTP ");
	size_t		 skip = 6;

	if (p == NULL && (p = import_find(l, "mailnews.smtp")) != NULL) {
		skip = 13;
		while (p + skip < l->p + l->len && strchr(".:abcdefghijklmnop"
		    "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", p[skip]) != NULL) {
			skip++;	/* "mailnews.smtp.SmtpClient:" */
		}
	}
	if (p == NULL) {
		return 0;
	}
	*body = import_trim_left(&(struct import_line){ p + skip,
	    l->len - (p + skip - l->p), l->full - (p + skip - l->p), l->no });
	return 1;
}

/* "smtp.example.org" or "smtp://smtp.example.org:587": host and port. */
static void
import_tb_connect(struct import *im, const struct import_line *t, size_t n)
{
	const char	*p = t->p + n, *end = t->p + t->len, *slash;

	slash = memchr(p, '/', end - p);
	import_split_hostport(p, (slash != NULL ? slash : end) - p, &im->host,
	    &im->port);
	if (import_find(t, "smtps://") != NULL) {
		im->implicit = 1;
	}
}

/* One log line. */
static void
import_tb_line(struct import *im, const struct import_line *l)
{
	struct import_line	body, rest;
	size_t			i, n;

	if (!import_tb_body(l, &body)) {
		/* The newer client logs what it read at once ("S: " and the
		 * whole chunk): a multi-line reply's further lines follow
		 * bare. */
		if (im->reply.len > 0 && import_reply_like(l)) {
			import_server_line(im, l, im->reply_flags);
		}
		return;
	}
	for (i = 0; i < SS_NITEMS(tb_marks); i++) {
		n = strlen(tb_marks[i].mark);
		if (!import_starts(&body, tb_marks[i].mark)) {
			continue;
		}
		rest = import_tail(&body, n);
		if (tb_marks[i].server < 0) {
			import_tb_connect(im, &body, n);
		} else if (tb_marks[i].server) {
			import_server_line(im, &rest, import_flags(im, 0));
		} else if (import_starts(&body, "Logging suppressed") ||
		    import_starts(&rest, "Logging suppressed")) {
			import_client_redacted(im, "Thunderbird did not log it",
			    import_flags(im, 0));
		} else {
			import_client_line(im, &rest, import_flags(im, 0));
		}
		return;
	}
}

/* The logger's prefix and one of its marks. */
static int
import_tb_detect(const struct import_line *l)
{
	struct import_line	body;
	size_t			i;

	if (!import_tb_body(l, &body)) {
		return 0;
	}
	for (i = 0; i < SS_NITEMS(tb_marks); i++) {
		if (import_starts(&body, tb_marks[i].mark)) {
			return 4;
		}
	}
	return 1;
}

const struct import_reader import_thunderbird_reader = {
	.format = SS_IMPORT_THUNDERBIRD,
	.looks_for = "Thunderbird's \"I/SMTP SMTP Send:\"/\"SMTP Response:\" "
	    "or \"mailnews.smtp\" \"C:\"/\"S:\" lines",
	.marks_tls = 0,
	.detect = import_tb_detect,
	.line = import_tb_line,
};
