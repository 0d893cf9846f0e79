/*
 * import-outlook.c: Outlook's and Outlook Express's SMTP log
 * (doc/import-formats.md):
 *
 *	SMTP (smtp.example.org): Port: 587, Secure: STARTTLS, SPA: no
 *	SMTP (smtp.example.org): <rx> 220 smtp.example.org ESMTP
 *	SMTP (smtp.example.org): [tx] EHLO DESKTOP-1
 *	SMTP: 10:15:32 [rx] 250 OK
 *
 * "[rx]" (or "<rx>") lines are the server's, "[tx]" the client's.  The
 * dialogue after STARTTLS is logged in clear: the builder infers the
 * handshake.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

static const struct {
	const char	*mark;
	int		 server;
} outlook_marks[] = {
	{ "[rx] ", 1 }, { "<rx> ", 1 }, { "[tx] ", 0 }, { "<tx> ", 0 },
};

/* The line after "SMTP (HOST): " or "SMTP: ", the host kept. */
static int
import_outlook_body(struct import *im, const struct import_line *l,
    struct import_line *body)
{
	struct import_line	t = import_skip_stamp(l);
	const char		*close;

	if (import_starts(&t, "SMTP (") &&
	    (close = memchr(t.p, ')', t.len)) != NULL && close + 2 <=
	    t.p + t.len && close[1] == ':') {
		if (im != NULL && im->host == NULL) {
			import_set(&im->host, t.p + 6, close - t.p - 6);
		}
		t = import_tail(&t, close + 2 - t.p);
	} else if (import_starts(&t, "SMTP: ")) {
		t = import_tail(&t, 6);
	} else {
		return 0;
	}
	*body = import_skip_stamp(&t);
	return 1;
}

/* "Port: 587, Secure: SSL" */
static void
import_outlook_settings(struct import *im, const struct import_line *b)
{
	const char	*p = b->p + 6, *end = b->p + b->len, *e;

	for (e = p; e < end && *e >= '0' && *e <= '9'; e++) {
		;
	}
	if (e > p) {
		import_set(&im->port, p, e - p);
	}
	if (import_find(b, "Secure: SSL") != NULL) {
		im->implicit = 1;
		import_tls_up(im, NULL, NULL, "Outlook (Secure: SSL)");
	}
}

/* One log line. */
static void
import_outlook_line(struct import *im, const struct import_line *l)
{
	struct import_line	body, rest;
	size_t			i;

	if (!import_outlook_body(im, l, &body)) {
		return;
	}
	if (import_starts(&body, "Port: ")) {
		import_outlook_settings(im, &body);
		return;
	}
	for (i = 0; i < SS_NITEMS(outlook_marks); i++) {
		if (!import_starts(&body, outlook_marks[i].mark)) {
			continue;
		}
		rest = import_tail(&body, 5);
		if (outlook_marks[i].server) {
			import_server_line(im, &rest, import_flags(im, 0));
		} else {
			import_client_line(im, &rest, import_flags(im, 0));
		}
		return;
	}
}

/* "SMTP" and an [rx]/[tx] mark. */
static int
import_outlook_detect(const struct import_line *l)
{
	struct import_line	body;
	size_t			i;

	if (!import_outlook_body(NULL, l, &body)) {
		return 0;
	}
	for (i = 0; i < SS_NITEMS(outlook_marks); i++) {
		if (import_starts(&body, outlook_marks[i].mark)) {
			return 4;
		}
	}
	return import_starts(&body, "Begin execution") ? 4 : 1;
}

const struct import_reader import_outlook_reader = {
	.format = SS_IMPORT_OUTLOOK,
	.looks_for = "Outlook's \"SMTP (HOST): [tx] ...\" and \"<rx> ...\" "
	    "lines",
	.marks_tls = 0,
	.detect = import_outlook_detect,
	.line = import_outlook_line,
};
