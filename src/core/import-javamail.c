/*
 * import-javamail.c: JavaMail's (Jakarta Mail's) debug output, with
 * mail.debug=true (doc/import-formats.md).  The dialogue is printed bare,
 * between the library's own "DEBUG SMTP: ..." and "DEBUG: ..." lines,
 * which name the host and port and say when the AUTH exchange was hidden
 * (mail.debug.auth false).  The dialogue after STARTTLS is printed in
 * clear: the builder infers the handshake.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* 'trying to connect to host "smtp.example.org", port 587, isSSL false' */
static void
import_javamail_connect(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*q = memchr(p, '"', n), *e, *end = p + n;

	(void)l;
	if (q == NULL || (e = memchr(q + 1, '"', end - q - 1)) == NULL) {
		return;
	}
	import_set(&im->host, q + 1, e - q - 1);
	for (q = e; q < end && (*q < '0' || *q > '9'); q++) {
		;
	}
	for (e = q; e < end && *e >= '0' && *e <= '9'; e++) {
		;
	}
	if (e > q) {
		import_set(&im->port, q, e - q);
	}
	if (memmem(p, n, "isSSL true", 10) != NULL) {
		im->implicit = 1;
		import_tls_up(im, NULL, NULL, "JavaMail (isSSL true)");
	}
}

/* "AUTH LOGIN command trace suppressed": the exchange is not shown. */
static void
import_javamail_hidden(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "JavaMail: %.*s (the AUTH "
	    "exchange is not in the log)", (int)l->len, l->p);
}

/* "AUTH LOGIN succeeded" and the other words worth keeping. */
static void
import_javamail_note(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "JavaMail: %.*s",
	    (int)l->len, l->p);
}

static const struct import_noise javamail_noise[] = {
	{ "DEBUG SMTP: trying to connect to host ", NULL,
	    import_javamail_connect },
	{ "DEBUG SMTP: AUTH ", " command trace suppressed",
	    import_javamail_hidden },
	{ "DEBUG SMTP: AUTH ", " succeeded", import_javamail_note },
	{ "DEBUG SMTP: AUTH ", " failed", import_javamail_note },
	{ "DEBUG SMTP: STARTTLS required", NULL, import_javamail_note },
	{ "DEBUG SMTP: exception", NULL, import_javamail_note },
	{ "DEBUG", NULL, NULL },
};

/* Java's own lines: exceptions and their stack. */
static int
import_javamail_java(const struct import_line *l)
{
	struct import_line	t = import_trim_left(l);

	return (t.len < l->len && import_starts(&t, "at ")) ||
	    import_starts(&t, "Caused by:") || import_starts(&t, "...") ||
	    import_find(&t, "Exception: ") != NULL ||
	    import_find(&t, "Exception") == t.p + t.len - 9;
}

/* Bare dialogue between DEBUG lines. */
static void
import_javamail_line(struct import *im, const struct import_line *l)
{
	if (im->body) {
		import_client_line(im, l, import_flags(im, 0));
		return;
	}
	if (l->len == 0 || import_noise(im, javamail_noise,
	    SS_NITEMS(javamail_noise), l) || import_javamail_java(l)) {
		return;
	}
	if (import_reply_like(l)) {
		import_note_skipped(im);
		import_server_line(im, l, import_flags(im, 0));
	} else if (im->nserver == 0 && im->nclient == 0 &&
	    !import_cmd_like(l)) {
		im->skipped++;	/* the program's own output before */
	} else {
		import_client_line(im, l, import_flags(im, 0));
	}
}

/* "DEBUG SMTP:" is JavaMail's. */
static int
import_javamail_detect(const struct import_line *l)
{
	return import_starts(l, "DEBUG SMTP: ") ||
	    import_starts(l, "DEBUG: JavaMail version") ||
	    import_starts(l, "DEBUG: Jakarta Mail version") ? 4 : 0;
}

const struct import_reader import_javamail_reader = {
	.format = SS_IMPORT_JAVAMAIL,
	.looks_for = "JavaMail's \"DEBUG SMTP:\" lines",
	.marks_tls = 0,
	.detect = import_javamail_detect,
	.line = import_javamail_line,
};
