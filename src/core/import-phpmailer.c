/*
 * import-phpmailer.c: PHPMailer's SMTPDebug output (doc/import-formats.md).
 *
 *	2026-12-04 13:05:07	SERVER -> CLIENT: 250-mx.example.org
 *	                   	                  250-SIZE 52428800
 *	2026-12-04 13:05:07	CLIENT -> SERVER: STARTTLS
 *
 * A reply's further lines are indented ("echo" output), follow bare
 * (error_log, older versions), or run together on one line ending in
 * "<br>" ("html" output, which also turns < into &lt;).  PHPMailer logs
 * the dialogue after STARTTLS decrypted and says nothing of the
 * handshake: the builder infers it.  PHPMailer 6 writes "[credentials
 * hidden]" instead of AUTH responses.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* Prefixes and the side they give (1: server). */
static const struct {
	const char	*prefix;
	int		 server;
} phpmailer_sides[] = {
	{ "SERVER -> CLIENT:", 1 }, { "SMTP -> FROM SERVER:", 1 },
	{ "SERVER -&gt; CLIENT:", 1 }, { "CLIENT -&gt; SERVER:", 0 },
	{ "CLIENT -> SERVER:", 0 }, { "CLIENT -> SMTP:", 0 },
};

/* HTML entities htmlentities() writes, decoded. */
static const struct {
	const char	*entity;
	char		 c;
} phpmailer_entities[] = {
	{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
	{ "&#039;", '\'' }, { "&#39;", '\'' },
};

/* The reader's state: the side of the entry being continued. */
struct import_phpmailer {
	int		 last;		/* -1 none, 0 client, 1 server */
	struct ss_buf	 text;		/* an entry decoded */
};

#define P(im)	((struct import_phpmailer *)(im)->priv)

/* The line without PHP's error_log prefix "[04-Dec-2026 13:05:07 UTC] "
 * and PHPMailer's timestamp. */
static struct import_line
import_phpmailer_strip(const struct import_line *l)
{
	struct import_line	t = import_trim_left(l);
	const char		*close;

	if (t.len > 0 && t.p[0] == '[' &&
	    (close = memchr(t.p, ']', t.len < 40 ? t.len : 40)) != NULL) {
		t = import_tail(&t, close - t.p + 1);
	}
	return import_skip_stamp(&t);
}

/* An entry's text decoded: entities, and "<br>" at the end dropped. */
static void
import_phpmailer_decode(struct ss_buf *out, const char *p, size_t n)
{
	size_t	i, k, el;

	ss_buf_reset(out);
	while (n >= 4 && (memcmp(p + n - 4, "<br>", 4) == 0 ||
	    (n >= 6 && memcmp(p + n - 6, "<br />", 6) == 0))) {
		n -= memcmp(p + n - 4, "<br>", 4) == 0 ? 4 : 6;
		while (n > 0 && p[n - 1] == ' ') {
			n--;
		}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; p[i] == '&' && k < SS_NITEMS(phpmailer_entities);
		    k++) {
			el = strlen(phpmailer_entities[k].entity);
			if (n - i >= el && memcmp(p + i,
			    phpmailer_entities[k].entity, el) == 0) {
				break;
			}
		}
		if (p[i] == '&' && k < SS_NITEMS(phpmailer_entities)) {
			ss_buf_addc(out, phpmailer_entities[k].c);
			i += strlen(phpmailer_entities[k].entity) - 1;
		} else {
			ss_buf_addc(out, p[i]);
		}
	}
}

/* Where the next line of a reply run together starts ("250-a250-b250 c"
 * in html output): the code again followed by - or space; n if none. */
static size_t
import_phpmailer_next_part(const char *p, size_t n, size_t from)
{
	size_t	i;

	for (i = from; i + 4 <= n; i++) {
		if (memcmp(p + i, p, 3) == 0 && (p[i + 3] == '-' ||
		    p[i + 3] == ' ')) {
			return i;
		}
	}
	return n;
}

/* Server text: one reply line, or several run together. */
static void
import_phpmailer_server(struct import *im, const char *p, size_t n,
    size_t no)
{
	size_t	at = 0, next;

	while (at < n) {
		/* Only a multi-line reply's lines run together. */
		next = n - at > 4 && p[at + 3] == '-' ?
		    import_phpmailer_next_part(p + at, n - at, 4) + at : n;
		import_server_line(im, &(struct import_line){ p + at,
		    next - at, next - at, no }, import_flags(im, 0));
		at = next;
	}
}

/* Client text: the line (its secret never copied), or PHPMailer's own
 * mark for credentials it hid. */
static void
import_phpmailer_client(struct import *im, const struct import_line *l)
{
	struct import_line	t = import_trim_left(l);

	/* html output: the line ends in "<br>" (no copy needed). */
	while (t.len >= 4 && memcmp(t.p + t.len - 4, "<br>", 4) == 0) {
		t.len -= 4;
		t.full -= 4;
	}
	while (t.len >= 6 && memcmp(t.p + t.len - 6, "<br />", 6) == 0) {
		t.len -= 6;
		t.full -= 6;
	}
	if (import_starts(&t, "[credentials hidden]")) {
		import_client_redacted(im, "PHPMailer hid the credentials",
		    import_flags(im, 0));
		return;
	}
	if (memchr(t.p, '&', t.len) == NULL) {
		import_client_line(im, &t, import_flags(im, 0));
		return;
	}
	/* html output: entities decoded in a copy, wiped after. */
	import_phpmailer_decode(&P(im)->text, t.p, t.len);
	import_client_line(im, &(struct import_line){ P(im)->text.data,
	    P(im)->text.len, P(im)->text.len + t.full - t.len, t.no },
	    import_flags(im, 0));
	ss_wipe(P(im)->text.data, P(im)->text.len);
}

/* "Connection: opening to ssl://smtp.example.org:465, timeout=300" */
static void
import_phpmailer_connection(struct import *im, const struct import_line *l)
{
	const char	*p = l->p + 23, *end = l->p + l->len, *comma;

	if (end - p > 6 && memcmp(p, "ssl://", 6) == 0) {
		p += 6;
		im->implicit = 1;
	} else if (end - p > 6 && memcmp(p, "tls://", 6) == 0) {
		p += 6;
		im->implicit = 1;
	}
	comma = memchr(p, ',', end - p);
	import_split_hostport(p, (comma != NULL ? comma : end) - p,
	    &im->host, &im->port);
}

/* A line that is not dialogue: facts, errors, or nothing. */
static void
import_phpmailer_other(struct import *im, const struct import_line *line)
{
	struct import_line	 br = *line, *t = &br;

	/* html output: PHPMailer's own lines end in "<br>" too. */
	while (br.len >= 4 && memcmp(br.p + br.len - 4, "<br>", 4) == 0) {
		br.len -= 4;
		br.full -= 4;
	}
	if (import_starts(t, "Connection: opening to ")) {
		import_phpmailer_connection(im, t);
	} else if (import_starts(t, "Connection: opened") && im->implicit) {
		import_tls_up(im, NULL, NULL, "PHPMailer (ssl:// wrapper)");
	} else if (import_starts(t, "SMTP Error:") ||
	    import_starts(t, "SMTP ERROR:") ||
	    import_starts(t, "SMTP connect() failed")) {
		import_record(im, SS_DIR_INFO, SS_KIND_ERROR, "PHPMailer: %.*s",
		    (int)t->len, t->p);
	} else if (import_starts(t, "Connection: closed")) {
		import_fact_closed(im, NULL, 0, t);
	}
}

/* One line: an entry, a continuation of the last one, or noise. */
static void
import_phpmailer_line(struct import *im, const struct import_line *l)
{
	struct import_line	t = import_phpmailer_strip(l), rest;
	size_t			i, n;

	for (i = 0; i < SS_NITEMS(phpmailer_sides); i++) {
		n = strlen(phpmailer_sides[i].prefix);
		if (!import_starts(&t, phpmailer_sides[i].prefix)) {
			continue;
		}
		rest = import_trim_left(&(struct import_line){ t.p + n,
		    t.len - n, t.full - n, t.no });
		P(im)->last = phpmailer_sides[i].server;
		if (!P(im)->last) {
			import_phpmailer_client(im, &rest);
			return;
		}
		import_phpmailer_decode(&P(im)->text, rest.p, rest.len);
		import_phpmailer_server(im, P(im)->text.data, P(im)->text.len,
		    l->no);
		return;
	}
	t = import_trim_left(l);
	if ((P(im)->last == 1 || (P(im)->last == -1 && im->nserver == 0 &&
	    im->nclient == 0 && t.len < l->len)) && import_reply_like(&t)) {
		/* A further line of the reply (indented or bare). */
		P(im)->last = 1;
		import_phpmailer_decode(&P(im)->text, t.p, t.len);
		import_phpmailer_server(im, P(im)->text.data, P(im)->text.len,
		    l->no);
		return;
	}
	P(im)->last = -1;
	t = import_phpmailer_strip(l);
	import_phpmailer_other(im, &t);
}

/* "SERVER -> CLIENT:" and "CLIENT -> SERVER:" are PHPMailer's alone. */
static int
import_phpmailer_detect(const struct import_line *l)
{
	struct import_line	t = import_phpmailer_strip(l);
	size_t			i;

	for (i = 0; i < SS_NITEMS(phpmailer_sides); i++) {
		if (import_starts(&t, phpmailer_sides[i].prefix)) {
			return 4;
		}
	}
	return import_starts(&t, "Connection: opening to ") ? 4 : 0;
}

/* The reader's state. */
static void
import_phpmailer_begin(struct import *im, const char *text, size_t len)
{
	(void)text;
	(void)len;
	im->priv = xcalloc(1, sizeof(struct import_phpmailer));
	P(im)->last = -1;
	ss_buf_init(&P(im)->text);
}

/* Free the state. */
static void
import_phpmailer_end(struct import *im)
{
	ss_wipe(P(im)->text.data, P(im)->text.cap);
	ss_buf_finish(&P(im)->text);
	free(im->priv);
	im->priv = NULL;
}

const struct import_reader import_phpmailer_reader = {
	.format = SS_IMPORT_PHPMAILER,
	.looks_for = "PHPMailer's \"SERVER -> CLIENT:\" and \"CLIENT -> "
	    "SERVER:\" lines",
	.marks_tls = 0,
	.detect = import_phpmailer_detect,
	.start = import_phpmailer_begin,
	.line = import_phpmailer_line,
	.end = import_phpmailer_end,
};
