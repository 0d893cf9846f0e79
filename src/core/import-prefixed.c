/*
 * import-prefixed.c: logs that mark each line with its side
 * (doc/import-formats.md): "S: " / "C: " (MailKit's protocol log and many
 * libraries), "<<< " / ">>> ", "<< " / ">> ", "<-- " / "--> " (msmtp),
 * "<- " / "-> ", each with or without a timestamp before it (and a log
 * level and a connection id, as nodemailer prints them).  Tools do
 * not agree on which arrow is the server's, so for the arrows the side
 * whose lines carry reply codes is the server.  Such logs show the
 * dialogue after STARTTLS decrypted: the builder infers the handshake.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* The marks, in pairs; fixed: 1 the server's, 0 the client's, -1 decided
 * by the lines. */
static const struct {
	const char	*mark;
	int		 pair;
	int		 fixed;
} prefixed_marks[] = {
	{ "S: ", 0, 1 },	{ "C: ", 0, 0 },
	{ "<<< ", 1, -1 },	{ ">>> ", 1, -1 },
	{ "<-- ", 2, -1 },	{ "--> ", 2, -1 },
	{ "<< ", 3, -1 },	{ ">> ", 3, -1 },
	{ "<- ", 4, -1 },	{ "-> ", 4, -1 },
};

/* The reader's state: which mark of each pair is the server's. */
struct import_prefixed {
	size_t		 coded[SS_NITEMS(prefixed_marks)];
	size_t		 lines[SS_NITEMS(prefixed_marks)];
	int		 tls_params;	/* msmtp's parameters line next */
};

#define X(im)	((struct import_prefixed *)(im)->priv)

/* Log levels a logger prints before its marks (nodemailer's "[time]
 * DEBUG [id] S: ..."). */
static const char *const prefixed_levels[] = {
	"TRACE ", "DEBUG ", "INFO ", "WARN ", "ERROR ",
};

/* The line without its timestamp, a log level and a "[connection id]". */
static struct import_line
import_prefixed_strip(const struct import_line *l)
{
	struct import_line	 t = import_skip_stamp(l);
	const char		*close;
	size_t			 i;

	for (i = 0; i < SS_NITEMS(prefixed_levels); i++) {
		if (import_starts(&t, prefixed_levels[i])) {
			t = import_tail(&t, strlen(prefixed_levels[i]));
			t = import_trim_left(&t);
			break;
		}
	}
	if (t.len > 2 && t.p[0] == '[' && (close = memchr(t.p, ']',
	    t.len < 40 ? t.len : 40)) != NULL && close + 1 < t.p + t.len &&
	    close[1] == ' ') {
		t = import_tail(&t, close + 2 - t.p);
	}
	return t;
}

/* The mark a line starts with (after a timestamp), its payload in *rest;
 * -1 if none. */
static int
import_prefixed_mark(const struct import_line *l, struct import_line *rest)
{
	struct import_line	t = import_prefixed_strip(l);
	size_t			i, n;

	for (i = 0; i < SS_NITEMS(prefixed_marks); i++) {
		n = strlen(prefixed_marks[i].mark);
		if (import_starts(&t, prefixed_marks[i].mark) ||
		    (t.len == n - 1 && memcmp(t.p, prefixed_marks[i].mark,
		    n - 1) == 0)) {
			*rest = import_tail(&t, n);
			return (int)i;
		}
	}
	return -1;
}

/* Is mark i the server's? */
static int
import_prefixed_server(const struct import *im, int i)
{
	int	other = i ^ 1;
	size_t	a, b;

	if (prefixed_marks[i].fixed >= 0) {
		return prefixed_marks[i].fixed;
	}
	/* The larger share of coded lines (cross-multiplied). */
	a = X(im)->coded[i] * (X(im)->lines[other] + 1);
	b = X(im)->coded[other] * (X(im)->lines[i] + 1);
	return a > b || (a == b && prefixed_marks[i].mark[0] == '<');
}

/*
 * msmtp --debug: its settings ("host = ...", "port = ...") and the
 * handshake it made ("TLS session parameters:" then
 * "(TLS1.3)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)"), before
 * the banner with tls_starttls off (implicit TLS).  1 if it was one.
 */
static int
import_prefixed_msmtp(struct import *im, const struct import_line *line)
{
	struct import_line	 l = import_trim_left(line);
	const char		*close;
	char			*version = NULL;

	if (X(im)->tls_params && l.len > 2 && l.p[0] == '(' &&
	    (close = memchr(l.p, ')', l.len)) != NULL) {
		X(im)->tls_params = 0;
		if (close - l.p > 4 && memcmp(l.p + 1, "TLS", 3) == 0) {
			xasprintf(&version, "TLSv%.*s", (int)(close - l.p - 4),
			    l.p + 4);
		}
		im->implicit = im->nserver == 0;
		ss_buf_reset(&im->scratch);
		if (close + 2 < l.p + l.len) {
			ss_buf_add(&im->scratch, close + 2, l.p + l.len -
			    close - 2);
		}
		ss_buf_addc(&im->scratch, '\0');
		import_tls_up(im, version, im->scratch.data, "msmtp");
		free(version);
		return 1;
	}
	X(im)->tls_params = import_starts(&l, "TLS session parameters:");
	if (X(im)->tls_params) {
		return 1;
	}
	if (im->nserver == 0 && import_starts(&l, "host = ") &&
	    im->host == NULL) {
		import_set(&im->host, l.p + 7, l.len - 7);
		return 1;
	}
	if (im->nserver == 0 && import_starts(&l, "port = ") &&
	    im->port == NULL && import_port_like(l.p + 7, l.len - 7)) {
		import_set(&im->port, l.p + 7, l.len - 7);
		return 1;
	}
	return 0;
}

/* "Connected to smtp://HOST:PORT/..." (MailKit): the host and port. */
static void
import_prefixed_fact(struct import *im, const struct import_line *line)
{
	struct import_line	 t = import_prefixed_strip(line), *l = &t;
	const char		*p, *end = l->p + l->len, *slash;

	if (import_prefixed_msmtp(im, l)) {
		return;
	}
	/* nodemailer: "Connection established to ADDR:PORT". */
	if (import_starts(l, "Connection established to ") &&
	    im->addr == NULL) {
		import_split_hostport(l->p + 26, l->len - 26, &im->addr,
		    &im->port);
		return;
	}
	if (!import_starts(l, "Connected to ") ||
	    (p = import_find(l, "://")) == NULL || im->host != NULL) {
		return;
	}
	p += 3;
	slash = memchr(p, '/', end - p);
	import_split_hostport(p, (slash != NULL ? slash : end) - p, &im->host,
	    &im->port);
	if (import_starts(l, "Connected to smtps://")) {
		im->implicit = 1;
	}
}

/* One line: a marked line of either side; anything else is not ours. */
static void
import_prefixed_line(struct import *im, const struct import_line *l)
{
	struct import_line	rest;
	int			i = import_prefixed_mark(l, &rest);

	if (i < 0) {
		import_prefixed_fact(im, l);
		return;
	}
	if (import_prefixed_server(im, i)) {
		import_server_line(im, &rest, import_flags(im, 0));
	} else {
		import_client_line(im, &rest, import_flags(im, 0));
	}
}

/* A first pass: count the coded lines behind each mark. */
static void
import_prefixed_begin(struct import *im, const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 }, rest;
	size_t			off = 0;
	int			i;

	im->priv = xcalloc(1, sizeof(struct import_prefixed));
	while (import_next(text, len, &off, &l)) {
		if ((i = import_prefixed_mark(&l, &rest)) >= 0) {
			X(im)->lines[i]++;
			X(im)->coded[i] += import_reply_like(&rest);
		}
	}
}

/* A marked line with a reply code or an SMTP verb behind it. */
static int
import_prefixed_detect(const struct import_line *l)
{
	struct import_line	rest;

	if (import_prefixed_mark(l, &rest) < 0) {
		return 0;
	}
	return import_reply_like(&rest) || import_cmd_like(&rest) ? 2 : 0;
}

const struct import_reader import_prefixed_reader = {
	.format = SS_IMPORT_PREFIXED,
	.looks_for = "lines marked \"S: \"/\"C: \", \"<<< \"/\">>> \", "
	    "\"<< \"/\">> \", \"<-- \"/\"--> \" or \"<- \"/\"-> \"",
	.marks_tls = 0,
	.detect = import_prefixed_detect,
	.start = import_prefixed_begin,
	.line = import_prefixed_line,
	.end = import_free_priv,
};
