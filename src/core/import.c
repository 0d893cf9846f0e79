/*
 * import.c: what people paste into tickets (telnet or nc sessions, swaks
 * output, openssl s_client output) turned into the transcript a live
 * capture would have recorded (doc/import-formats.md).
 *
 * Each format is a classifier of lines over one shared builder.  The
 * builder writes the connect record first, gathers the lines of a reply
 * into one S event, ends client lines with CRLF, redacts AUTH payloads and
 * SASL responses, marks what travelled inside TLS, and ends with a closed
 * record.  None of these logs has timestamps: events are 1 ms apart.
 *
 * The text belongs to the caller.  Secret parts of client lines are never
 * copied out of it: a redacted line is built from its public part and the
 * size of the rest, so no temporary copy of a secret exists to wipe.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/store.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

const char *const ss_import_format_names[SS_IMPORT_FORMAT_LAST] = {
	"native", "telnet", "swaks", "openssl"
};
_Static_assert(SS_NITEMS(ss_import_format_names) == SS_IMPORT_FORMAT_LAST,
    "import format names");

#define IMPORT_LINE_KEEP	4096		/* bytes of a line kept */
#define IMPORT_REPLY_FLUSH	(64 * 1024)	/* reply bytes per S event */
#define IMPORT_PEM_MAX		(64 * 1024)	/* base64 of one certificate */
#define IMPORT_CERTS_MAX	8		/* what the dialog keeps */
#define IMPORT_TICK_US		1000		/* synthetic time per event */
#define IMPORT_DETECT_LINES	2000		/* lines detection reads */
#define IMPORT_SAMPLE		65536		/* bytes the binary test reads */
#define IMPORT_MECH_MAX		20		/* RFC 4422: SASL names */
/* mbedTLS's "other reason" bit, which ss_tls_verify_words knows. */
#define IMPORT_VERIFY_OTHER	0x00100

/* One line of the text, trailing blanks and CR removed. */
struct import_line {
	const char	*p;
	size_t		 len;	/* bytes kept (at most IMPORT_LINE_KEEP) */
	size_t		 full;	/* bytes the line had */
	size_t		 no;	/* line number, from 1 */
};

/* What openssl s_client printed about the handshake. */
struct import_openssl {
	int		 dialogue;	/* past the handshake block */
	int		 ready;		/* its last separator was seen */
	int		 handshake;	/* "SSL handshake has read" or brief */
	int		 ticket;	/* inside a post-handshake block */
	int		 stray_check;	/* see import_openssl_stray */
	int		 verify_code;	/* -1 when not printed */
	int		 verify_ok;	/* "Verification: OK" */
	char		*verify_text;
	char		*peername;
	char		*failure;
	int		 has_pending;	/* a typed line held back */
	struct import_line pending;
};

struct import {
	struct ss_transcript	*t;
	enum ss_import_format	 format;
	uint64_t		 now;
	struct ss_buf		 reply;		/* lines of the reply so far */
	unsigned		 reply_flags;
	struct ss_buf		 scratch;
	int			 opened;	/* first record written */
	int			 no_connect;	/* no connect record (openssl) */
	int			 tls;		/* TLS is up */
	int			 implicit;	/* TLS from the first byte */
	int			 sasl;		/* the last reply was a 334 */
	int			 body;		/* client lines are a body */
	int			 ended;		/* the log said it was over */
	size_t			 nserver;	/* server lines */
	size_t			 nclient;	/* client lines */
	size_t			 skipped;	/* lines before the session */
	char			*host;
	char			*port;
	char			*addr;
	char			*closed;	/* the log's words for the end */
	char			*version;	/* TLS facts (swaks, openssl) */
	char			*cipher;
	int			 in_pem;
	struct ss_buf		 pem;
	char			*certs[IMPORT_CERTS_MAX]; /* base64 DER */
	size_t			 ncerts;
	struct import_openssl	 o;
};

/* A recognised line that is not dialogue: its prefix, the suffix it must
 * end with (NULL: any) and what it tells (NULL: nothing). */
struct import_noise {
	const char	*prefix;
	const char	*suffix;
	void		(*fn)(struct import *, const char *, size_t,
			    const struct import_line *);
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

/* The next line of the text; 0 at the end. */
static int
import_next(const char *text, size_t len, size_t *off, struct import_line *l)
{
	const char	*p, *nl;
	size_t		 n;

	if (*off >= len) {
		return 0;
	}
	p = text + *off;
	nl = memchr(p, '\n', len - *off);
	n = nl != NULL ? (size_t)(nl - p) : len - *off;
	*off += n + (nl != NULL);
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
	    p[n - 1] == '\t')) {
		n--;
	}
	l->p = p;
	l->full = n;
	l->len = n > IMPORT_LINE_KEEP ? IMPORT_LINE_KEEP : n;
	l->no++;
	return 1;
}

/* Does the line start with this text? */
static int
import_starts(const struct import_line *l, const char *prefix)
{
	size_t	n = strlen(prefix);

	return l->len >= n && memcmp(l->p, prefix, n) == 0;
}

/* The line without its first n bytes. */
static struct import_line
import_tail(const struct import_line *l, size_t n)
{
	struct import_line	t = *l;

	if (n > t.len) {
		n = t.len;
	}
	t.p += n;
	t.len -= n;
	t.full -= n;
	return t;
}

/* Three digits: the reply code, or -1. */
static int
import_code(const char *p, size_t len)
{
	if (len < 3 || p[0] < '0' || p[0] > '9' || p[1] < '0' ||
	    p[1] > '9' || p[2] < '0' || p[2] > '9') {
		return -1;
	}
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* A port number: one to five digits. */
static int
import_port_like(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		;
	}
	return n > 0 && n <= 5 && i == n;
}

/* A line as a server writes it: a code, then a space, a hyphen or EOL. */
static int
import_reply_like(const struct import_line *l)
{
	return import_code(l->p, l->len) >= 0 && (l->len == 3 ||
	    l->p[3] == ' ' || l->p[3] == '-');
}

/* Replace a kept string with a bounded copy. */
static void
import_set(char **where, const char *p, size_t n)
{
	free(*where);
	*where = xstrndup(p, n);
}

/* Match a line against a noise table and act on it; 1 if it matched. */
static int
import_noise(struct import *im, const struct import_noise *table, size_t n,
    const struct import_line *l)
{
	size_t	i, plen, slen;

	for (i = 0; i < n; i++) {
		plen = strlen(table[i].prefix);
		slen = table[i].suffix != NULL ? strlen(table[i].suffix) : 0;
		if (!import_starts(l, table[i].prefix) || l->len < plen + slen ||
		    (slen > 0 && memcmp(l->p + l->len - slen, table[i].suffix,
		    slen) != 0)) {
			continue;
		}
		if (table[i].fn != NULL) {
			table[i].fn(im, l->p + plen, l->len - plen - slen, l);
		}
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The builder.                                                        */

/* Append one event at the next synthetic time. */
static void
import_append(struct import *im, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const char *p, size_t len)
{
	ss_transcript_append(im->t, im->now, dir, kind, flags, p, len);
	im->now += IMPORT_TICK_US;
}

/* The connect record, in the live engine's words when the log has them. */
static void
import_connect_record(struct import *im)
{
	const char	*who = im->addr != NULL ? im->addr : im->host;
	const char	*fmt = ss_import_format_names[im->format];

	if (who != NULL && im->port != NULL) {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected to %s port %s", who,
		    im->port);
	} else if (who != NULL) {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected to %s (imported from %s "
		    "log)", who, fmt);
	} else {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected (imported from %s log)",
		    fmt);
	}
	im->now += IMPORT_TICK_US;
}

/* The first event of all is the connect record. */
static void
import_begin(struct import *im)
{
	if (im->opened) {
		return;
	}
	im->opened = 1;
	if (!im->no_connect) {
		import_connect_record(im);
	}
}

/* Write the reply gathered so far as one S event. */
static void
import_flush_reply(struct import *im)
{
	if (im->reply.len == 0) {
		return;
	}
	import_append(im, SS_DIR_SERVER, SS_KIND_DATA, im->reply_flags,
	    im->reply.data, im->reply.len);
	ss_buf_reset(&im->reply);
}

/* Any event but a server line: the reply in progress goes first. */
static void
import_event(struct import *im, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const char *p, size_t len)
{
	import_begin(im);
	import_flush_reply(im);
	import_append(im, dir, kind, flags, p, len);
}

/* A T or I record in words. */
static void __attribute__((format(printf, 4, 5)))
import_record(struct import *im, enum ss_dir dir, enum ss_kind kind,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&text, fmt, ap);
	va_end(ap);
	import_event(im, dir, kind, 0, text, (size_t)n);
	free(text);
}

/* Say so when a line was longer than what is kept. */
static void
import_note_truncated(struct import *im, const struct import_line *l)
{
	if (l->full > l->len) {
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "line %zu of the "
		    "log: kept the first %zu of its %zu bytes", l->no, l->len,
		    l->full);
	}
}

/* The flags of a dialogue event. */
static unsigned
import_flags(const struct import *im, int tls)
{
	return (im->tls || tls) ? SS_EVF_TLS : 0;
}

/* A server line: part of a reply, which ends at a line with no hyphen. */
static void
import_server_line(struct import *im, const struct import_line *l,
    unsigned flags)
{
	int	code = import_code(l->p, l->len);

	import_begin(im);
	if (im->reply.len > 0 && im->reply_flags != flags) {
		import_flush_reply(im);
	}
	im->reply_flags = flags;
	ss_buf_add(&im->reply, l->p, l->len);
	ss_buf_adds(&im->reply, "\r\n");
	im->nserver++;
	import_note_truncated(im, l);
	if (code >= 0 && l->len > 3 && l->p[3] == '-' &&
	    im->reply.len < IMPORT_REPLY_FLUSH) {
		return;
	}
	import_flush_reply(im);
	im->sasl = code == 334;
	if (code == 354) {
		im->body = 1;
	}
}

/*
 * Where the secret of an AUTH line starts (its initial response), or 0
 * when it has none.  A "mechanism" longer than any SASL name is taken as
 * secret too: it may be a payload with the space lost.
 */
static size_t
import_auth_public(const struct import_line *l)
{
	size_t	i = 4, mech;

	if (l->len < 5 || ss_strncasecmp(l->p, "AUTH", 4) != 0 ||
	    l->p[4] != ' ') {
		return 0;
	}
	while (i < l->len && l->p[i] == ' ') {
		i++;
	}
	for (mech = i; i < l->len && l->p[i] != ' '; i++) {
		;
	}
	if (i - mech > IMPORT_MECH_MAX) {
		i = mech;
	}
	while (i < l->len && l->p[i] == ' ') {
		i++;
	}
	return i < l->full && i > mech ? i : 0;
}

/* A client line, with CRLF, redacted when it carries a secret. */
static void
import_client_line(struct import *im, const struct import_line *l,
    unsigned flags)
{
	struct ss_buf	*s = &im->scratch;
	size_t		 pub;

	ss_buf_reset(s);
	if (im->body) {
		im->body = !(l->len == 1 && l->p[0] == '.');
		ss_buf_add(s, l->p, l->len);
	} else if (im->sasl) {
		/* Every SASL response, conservatively. */
		ss_buf_printf(s, "<redacted, %zu bytes>", l->full);
		flags |= SS_EVF_REDACTED;
		im->sasl = 0;
	} else if ((pub = import_auth_public(l)) > 0) {
		ss_buf_add(s, l->p, pub);
		ss_buf_printf(s, "<redacted, %zu bytes>", l->full - pub);
		flags |= SS_EVF_REDACTED;
	} else {
		ss_buf_add(s, l->p, l->len);
	}
	ss_buf_adds(s, "\r\n");
	import_event(im, SS_DIR_CLIENT, SS_KIND_DATA, flags, s->data, s->len);
	im->nclient++;
	if (!(flags & SS_EVF_REDACTED)) {
		import_note_truncated(im, l);
	}
}

/* ------------------------------------------------------------------ */
/* Facts the logs tell about the connection.                           */

/* "Trying 192.0.2.7..." */
static void
import_fact_addr(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&im->addr, p, n);
}

/* "Connected to mx.example.org." */
static void
import_fact_host(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&im->host, p, n);
}

/* Split "HOST:PORT" at the last colon (so "[::1]:25" works) when digits
 * follow it; otherwise all of it is the host. */
static void
import_split_hostport(const char *p, size_t n, char **host, char **port)
{
	const char	*c = NULL, *q;

	for (q = p; q < p + n; q++) {
		if (*q == ':') {
			c = q;
		}
	}
	for (q = c != NULL ? c + 1 : p + n; q < p + n; q++) {
		if (*q < '0' || *q > '9') {
			break;
		}
	}
	if (c == NULL || q < p + n || c + 1 == p + n) {
		import_set(host, p, n);
		return;
	}
	import_set(host, p, c - p);
	import_set(port, c + 1, p + n - c - 1);
}

/* "Ncat: Connected to 192.0.2.7:25." */
static void
import_fact_addr_port(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_split_hostport(p, n, &im->addr, &im->port);
}

/* swaks' "=== Trying mx.example.org:25..." names what the user typed. */
static void
import_fact_host_port(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_split_hostport(p, n, &im->host, &im->port);
}

/* The log's own words for the end of the connection. */
static void
import_fact_closed(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	free(im->closed);
	xasprintf(&im->closed, "connection closed (the log says \"%.*s\")",
	    (int)l->len, l->p);
	im->ended = 1;
}

/* nc: "HOST [(ADDR)] PORT port [tcp/smtp]" between the fixed words. */
static void
import_fact_nc(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*end = p + n, *w;
	size_t		 i;

	(void)l;
	for (i = 0; p < end; i++) {
		for (w = p; p < end && *p != ' '; p++) {
			;
		}
		if (i == 0) {
			import_set(&im->host, w, p - w);
		} else if (*w == '(' && p - w > 2) {
			import_set(&im->addr, w + 1, p - w - 2);
		} else if (im->port == NULL && import_port_like(w, p - w)) {
			import_set(&im->port, w, p - w);
		}
		while (p < end && *p == ' ') {
			p++;
		}
	}
}

/* Ignore the rest of the log (the shell prompt after the session). */
static void
import_fact_end(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	im->ended = 1;
}

/* "$ telnet mx.example.org 25" or "nc -C mx.example.org 25" typed at a
 * prompt before the session: host and port. */
static int
import_command_line(struct import *im, const struct import_line *l)
{
	static const char *const cmds[] = { "telnet", "nc", "ncat",
	    "netcat" };
	const char	*p = l->p, *end = l->p + l->len, *w[8];
	size_t		 wl[8], nw = 0, i, k;

	while (p < end && nw < SS_NITEMS(w)) {
		while (p < end && *p == ' ') {
			p++;
		}
		for (w[nw] = p; p < end && *p != ' '; p++) {
			;
		}
		wl[nw] = p - w[nw];
		nw += wl[nw] > 0;
	}
	for (i = 0; i < nw && i < 2; i++) {
		for (k = 0; k < SS_NITEMS(cmds); k++) {
			if (wl[i] == strlen(cmds[k]) &&
			    memcmp(w[i], cmds[k], wl[i]) == 0) {
				break;
			}
		}
		if (k < SS_NITEMS(cmds)) {
			break;
		}
	}
	if (i == nw || i == 2) {
		return 0;
	}
	for (i++; i < nw && w[i][0] == '-'; i++) {
		;
	}
	if (i < nw) {
		import_set(&im->host, w[i], wl[i]);
	}
	if (i + 1 < nw && import_port_like(w[i + 1], wl[i + 1])) {
		import_set(&im->port, w[i + 1], wl[i + 1]);
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Certificates (openssl prints them, swaks with --tls-get-peer-cert). */

/* A PEM line: start, body or end of a certificate; 1 if it was one. */
static int
import_pem_line(struct import *im, const struct import_line *l)
{
	struct ss_buf	der;

	if (import_starts(l, "-----BEGIN CERTIFICATE-----")) {
		im->in_pem = 1;
		ss_buf_reset(&im->pem);
		return 1;
	}
	if (!im->in_pem) {
		return 0;
	}
	if (!import_starts(l, "-----END CERTIFICATE-----")) {
		if (im->pem.len + l->len <= IMPORT_PEM_MAX) {
			ss_buf_add(&im->pem, l->p, l->len);
		}
		return 1;
	}
	im->in_pem = 0;
	ss_buf_init(&der);
	if (ss_base64_decode(&der, im->pem.data, im->pem.len) == 0 &&
	    der.len > 0 && im->ncerts < IMPORT_CERTS_MAX) {
		/* Re-encoded on one line, as the engine records it. */
		ss_buf_reset(&im->pem);
		ss_base64_encode(&im->pem, der.data, der.len);
		im->certs[im->ncerts++] = ss_buf_steal(&im->pem);
	}
	ss_buf_finish(&der);
	ss_buf_reset(&im->pem);
	return 1;
}

/* Write the certificates gathered so far as tls-cert records. */
static void
import_flush_certs(struct import *im)
{
	size_t	i;

	for (i = 0; i < im->ncerts; i++) {
		import_event(im, SS_DIR_TLS, SS_KIND_TLS_CERT, 0, im->certs[i],
		    strlen(im->certs[i]));
		free(im->certs[i]);
		im->certs[i] = NULL;
	}
	im->ncerts = 0;
}

/* ------------------------------------------------------------------ */
/* telnet and nc.                                                      */

static const struct import_noise telnet_noise[] = {
	{ "Trying ", "...", import_fact_addr },
	{ "Connected to ", ".", import_fact_host },
	{ "Escape character is ", NULL, NULL },
	{ "Connection closed by foreign host", NULL, import_fact_closed },
	{ "Connection closed", NULL, import_fact_closed },
	{ "telnet> ", NULL, NULL },
	{ "^]", NULL, NULL },
	{ "Connection to ", " succeeded!", import_fact_nc },
	{ "Ncat: Connected to ", ".", import_fact_addr_port },
	{ "Ncat: ", NULL, NULL },
	{ "nc: ", NULL, NULL },
};

/* Shell text before the banner was left out: say so, once. */
static void
import_note_skipped(struct import *im)
{
	if (im->skipped == 0) {
		return;
	}
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "%zu line%s before the "
	    "server's first reply %s left out: not part of the session",
	    im->skipped, im->skipped == 1 ? "" : "s", im->skipped == 1 ?
	    "was" : "were");
	im->skipped = 0;
}

/* Lines with a reply code are the server's, the others the client's. */
static void
import_telnet_line(struct import *im, const struct import_line *l)
{
	if (im->body) {
		import_client_line(im, l, 0);
		return;
	}
	if (l->len == 0 || import_noise(im, telnet_noise,
	    SS_NITEMS(telnet_noise), l)) {
		return;
	}
	if (im->nserver == 0 && import_command_line(im, l)) {
		return;
	}
	if (import_reply_like(l)) {
		import_note_skipped(im);
		import_server_line(im, l, 0);
	} else if (im->nserver == 0) {
		/* Before the banner: shell text, not the session (and
		 * maybe a secret being base64-encoded). */
		im->skipped++;
	} else {
		import_client_line(im, l, 0);
	}
}

/* ------------------------------------------------------------------ */
/* swaks.                                                              */

enum import_swaks_role {
	SWAKS_INFO, SWAKS_ERROR, SWAKS_CLIENT, SWAKS_SERVER, SWAKS_RAW
};

/* swaks' transaction hints: three characters, then a space. */
static const struct {
	const char		*mark;
	enum import_swaks_role	 role;
	int			 tls;
} swaks_marks[] = {
	{ "===", SWAKS_INFO, 0 },	{ "***", SWAKS_ERROR, 0 },
	{ " ->", SWAKS_CLIENT, 0 },	{ "**>", SWAKS_CLIENT, 0 },
	{ " ~>", SWAKS_CLIENT, 1 },	{ "*~>", SWAKS_CLIENT, 1 },
	{ "<- ", SWAKS_SERVER, 0 },	{ "<**", SWAKS_SERVER, 0 },
	{ "<~ ", SWAKS_SERVER, 1 },	{ "<~*", SWAKS_SERVER, 1 },
	{ "  >", SWAKS_RAW, 0 },	{ "<  ", SWAKS_RAW, 0 },
};

/* The hint a line starts with, as an index, or -1. */
static int
import_swaks_mark(const struct import_line *l)
{
	size_t	i;

	if (l->len < 3 || (l->len > 3 && l->p[3] != ' ')) {
		return -1;
	}
	for (i = 0; i < SS_NITEMS(swaks_marks); i++) {
		if (memcmp(l->p, swaks_marks[i].mark, 3) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* "TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256" */
static void
import_swaks_tls(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*c1, *c2;

	(void)l;
	c1 = memchr(p, ':', n);
	c2 = c1 != NULL ? memchr(c1 + 1, ':', p + n - c1 - 1) : NULL;
	if (c1 == NULL) {
		c1 = c2 = p + n;
	} else if (c2 == NULL) {
		c2 = p + n;
	}
	im->implicit = im->nserver == 0;
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(SNI not shown in the swaks log)%s", im->implicit ?
	    " implicit" : "");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=%.*s "
	    "cipher=%.*s", (int)(c1 - p), p, c1 < p + n ?
	    (int)(c2 - c1 - 1) : 0, c1 < p + n ? c1 + 1 : "");
	im->tls = 1;
}

/* "TLS peer DN=..." names the certificate swaks does not show. */
static void
import_swaks_peer(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "TLS peer DN=%.*s "
	    "(swaks showed no certificate and no verification result)",
	    (int)n, p);
}

/* "=== Trying ...", "=== Connected to ..." and the other info lines. */
static const struct import_noise swaks_info[] = {
	{ "Trying ", "...", import_fact_host_port },
	{ "Connected to ", ".", import_fact_host },
	{ "TLS started with cipher ", NULL, import_swaks_tls },
	{ "TLS no local certificate set", NULL, NULL },
	{ "TLS local DN=", NULL, NULL },
	{ "TLS peer DN=", NULL, import_swaks_peer },
	{ "Connection closed", NULL, import_fact_closed },
};

/* An info line: a fact, a certificate line, or a note in words. */
static void
import_swaks_info(struct import *im, const struct import_line *l)
{
	if (import_pem_line(im, l)) {
		if (!im->in_pem) {
			import_flush_certs(im);
		}
		return;
	}
	if (!import_noise(im, swaks_info, SS_NITEMS(swaks_info), l) &&
	    l->len > 0) {
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "swaks: %.*s",
		    (int)l->len, l->p);
	}
}

/* "11 lines sent": swaks -n summarised the body it sent. */
static int
import_swaks_summary(struct import *im, const struct import_line *l,
    unsigned flags)
{
	size_t	i;

	for (i = 0; i < l->len && l->p[i] >= '0' && l->p[i] <= '9'; i++) {
		;
	}
	if (!im->body || i == 0 || l->len - i != 11 ||
	    memcmp(l->p + i, " lines sent", 11) != 0) {
		return 0;
	}
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "swaks did not show the "
	    "message body (%.*s); only its final dot is recorded",
	    (int)l->len, l->p);
	import_event(im, SS_DIR_CLIENT, SS_KIND_DATA, flags, ".\r\n", 3);
	im->body = 0;
	im->nclient++;
	return 1;
}

/* One line of swaks output; lines without a hint are not swaks' own. */
static void
import_swaks_line(struct import *im, const struct import_line *l)
{
	int			i = import_swaks_mark(l);
	struct import_line	rest = import_tail(l, 4);
	unsigned		flags;

	if (i < 0 || im->ended) {
		return;
	}
	flags = import_flags(im, swaks_marks[i].tls);
	switch (swaks_marks[i].role) {
	case SWAKS_INFO:
		import_swaks_info(im, &rest);
		break;
	case SWAKS_ERROR:
		import_record(im, SS_DIR_INFO, SS_KIND_ERROR, "swaks: %.*s",
		    (int)rest.len, rest.p);
		break;
	case SWAKS_CLIENT:
		if (!import_swaks_summary(im, &rest, flags)) {
			import_client_line(im, &rest, flags);
		}
		break;
	case SWAKS_SERVER:
		import_server_line(im, &rest, flags);
		break;
	case SWAKS_RAW:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* openssl s_client.                                                   */

/* openssl's verify return codes and the mbedTLS-style bit each means. */
static const struct {
	int		 code;
	const char	*text;
	uint32_t	 flag;
} openssl_verify[] = {
	{ 2, "unable to get issuer certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 9, "certificate is not yet valid", SS_TLS_VERIFY_FUTURE },
	{ 10, "certificate has expired", SS_TLS_VERIFY_EXPIRED },
	{ 18, "self-signed certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 18, "self signed certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 19, "self-signed certificate in certificate chain",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 19, "self signed certificate in certificate chain",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 20, "unable to get local issuer certificate",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 21, "unable to verify the first certificate",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 23, "certificate revoked", SS_TLS_VERIFY_REVOKED },
	{ 26, "unsupported certificate purpose",
	    SS_TLS_VERIFY_EXT_KEY_USAGE },
	{ 62, "hostname mismatch", SS_TLS_VERIFY_NAME_MISMATCH },
	{ 64, "IP address mismatch", SS_TLS_VERIFY_NAME_MISMATCH },
};

/* The verify bit for a code, or failing that for openssl's words. */
static uint32_t
import_openssl_flag(int code, const char *text)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(openssl_verify); i++) {
		if (code > 0 ? openssl_verify[i].code == code :
		    text != NULL && ss_strcasecmp(openssl_verify[i].text,
		    text) == 0) {
			return openssl_verify[i].flag;
		}
	}
	return IMPORT_VERIFY_OTHER;
}

/* "New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384" */
static void
import_openssl_new(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*c = memchr(p, ',', n);
	const char	*is = " Cipher is ";

	(void)l;
	if (c == NULL) {
		return;
	}
	import_set(&im->version, p, c - p);
	n -= c - p + 1;
	p = c + 1;
	if (n > strlen(is) && memcmp(p, is, strlen(is)) == 0) {
		import_set(&im->cipher, p + strlen(is), n - strlen(is));
	}
	im->o.handshake = 1;
}

/* "Protocol version: TLSv1.2" (-brief) or "Protocol  : TLSv1.2". */
static void
import_openssl_version(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (im->version == NULL) {
		import_set(&im->version, p, n);
	}
	im->o.handshake = 1;
}

/* "Ciphersuite: ..." (-brief) or "Cipher    : ...". */
static void
import_openssl_cipher(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (im->cipher == NULL) {
		import_set(&im->cipher, p, n);
	}
}

/* "Verify return code: 18 (self-signed certificate)" */
static void
import_openssl_verify_code(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*open = memchr(p, '(', n);

	(void)l;
	im->o.verify_code = 0;
	while (n > 0 && *p >= '0' && *p <= '9' && im->o.verify_code < 100000) {
		im->o.verify_code = im->o.verify_code * 10 + (*p - '0');
		p++;
		n--;
	}
	if (open != NULL && p + n > open + 1 && p[n - 1] == ')') {
		import_set(&im->o.verify_text, open + 1, p + n - open - 2);
	}
}

/* "Verification: OK" (openssl 3) */
static void
import_openssl_verify_ok(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	im->o.verify_ok = 1;
}

/* "Verification error: self-signed certificate" */
static void
import_openssl_verify_error(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (im->o.verify_text == NULL) {
		import_set(&im->o.verify_text, p, n);
	}
}

/* "Verified peername: mx.example.org" */
static void
import_openssl_peername(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&im->o.peername, p, n);
}

/* "SSL handshake has read ..." or "CONNECTION ESTABLISHED" (-brief). */
static void
import_openssl_handshake(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	im->o.handshake = 1;
}

/* "Didn't find STARTTLS in server response, trying anyway..." */
static void
import_openssl_note(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl: %.*s",
	    (int)l->len, l->p);
}

/* What the handshake block says, line by line (indentation removed). */
static const struct import_noise openssl_preamble[] = {
	{ "New, ", NULL, import_openssl_new },
	{ "Protocol version: ", NULL, import_openssl_version },
	{ "Protocol  : ", NULL, import_openssl_version },
	{ "Ciphersuite: ", NULL, import_openssl_cipher },
	{ "Cipher    : ", NULL, import_openssl_cipher },
	{ "Verify return code: ", NULL, import_openssl_verify_code },
	{ "Verification: OK", NULL, import_openssl_verify_ok },
	{ "Verification error: ", NULL, import_openssl_verify_error },
	{ "Verified peername: ", NULL, import_openssl_peername },
	{ "SSL handshake has read ", NULL, import_openssl_handshake },
	{ "CONNECTION ESTABLISHED", NULL, import_openssl_handshake },
	{ "Didn't find STARTTLS", NULL, import_openssl_note },
};

/* Words of openssl's own in the dialogue part. */
static const struct import_noise openssl_dialogue[] = {
	{ "DONE", NULL, import_fact_end },
	{ "closed", NULL, import_fact_closed },
	{ "read:errno=", NULL, import_fact_closed },
	{ "RENEGOTIATING", NULL, NULL },
	{ "KEYUPDATE", NULL, NULL },
	{ "read R BLOCK", NULL, NULL },
};

/* s_client reads a typed line starting with one of these letters as its
 * own command and sends nothing; it answers with the word shown. */
static const struct {
	char		 letter;
	const char	*answer;
	const char	*meaning;
} openssl_commands[] = {
	{ 'Q', "DONE", "quit" },
	{ 'R', "RENEGOTIATING", "renegotiate" },
	{ 'k', "KEYUPDATE", "update its keys" },
	{ 'K', "KEYUPDATE", "update its keys" },
};

/* The verify record: openssl's verdict in the engine's words. */
static void
import_openssl_verify(struct import *im)
{
	uint32_t	flag;

	if (im->o.verify_code == 0 || (im->o.verify_code < 0 &&
	    im->o.verify_ok)) {
		if (im->o.peername != NULL) {
			import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
			    "verified: openssl trusted the chain and checked "
			    "the name %s", im->o.peername);
		} else {
			import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
			    "verified: openssl trusted the chain (it checks "
			    "the name only when given -verify_hostname)");
		}
		return;
	}
	if (im->o.verify_code < 0 && im->o.verify_text == NULL) {
		return;		/* openssl said nothing: unknown */
	}
	flag = import_openssl_flag(im->o.verify_code, im->o.verify_text);
	if (im->o.verify_code < 0) {
		import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
		    "flags=0x%x\n%s (openssl's words)", (unsigned)flag,
		    im->o.verify_text);
		return;
	}
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
	    "flags=0x%x\n%s (openssl verify return code %d)", (unsigned)flag,
	    im->o.verify_text != NULL ? im->o.verify_text : "unknown reason",
	    im->o.verify_code);
}

/* The TLS records of the handshake, in the engine's order. */
static void
import_openssl_tls(struct import *im)
{
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(SNI not shown by openssl)%s", im->implicit ? " implicit" : "");
	if (im->version == NULL || strcmp(im->version, "(NONE)") == 0) {
		import_record(im, SS_DIR_TLS, SS_KIND_TLS_FAIL, "the handshake "
		    "failed: %s", im->o.failure != NULL ? im->o.failure :
		    "openssl negotiated no cipher");
		return;
	}
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=%s cipher=%s",
	    im->version, im->cipher != NULL ? im->cipher : "unknown");
	import_flush_certs(im);
	im->tls = 1;
	import_openssl_verify(im);
}

/* The handshake block is over: say what openssl hid, then TLS.  A banner
 * as the first line means s_client ran without -starttls (port 465). */
static void
import_openssl_start(struct import *im, const struct import_line *first)
{
	im->o.dialogue = 1;
	im->implicit = first != NULL && import_code(first->p,
	    first->len) == 220;
	if (!im->implicit) {
		/* No connect record: the banner it would wait for was
		 * read by openssl, and the first reply shown answers the
		 * EHLO typed after TLS. */
		im->no_connect = 1;
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "imported from "
		    "openssl s_client -starttls smtp: openssl itself read the "
		    "banner and sent EHLO and STARTTLS in plaintext, and did "
		    "not show them");
		im->o.stray_check = 1;
	}
	import_openssl_tls(im);
}

/*
 * openssl -starttls smtp prints the last line of the plaintext EHLO reply
 * after the handshake block.  It is not a reply inside TLS: shown as a
 * note, so it does not answer the first command typed.
 */
static int
import_openssl_stray(struct import *im, const struct import_line *l)
{
	if (!im->o.stray_check) {
		return 0;
	}
	im->o.stray_check = 0;
	if (!import_reply_like(l) || (l->len > 3 && l->p[3] == '-')) {
		return 0;
	}
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl repeated the "
	    "last line of the plaintext EHLO reply: %.*s", (int)l->len, l->p);
	return 1;
}

/* A held-back typed line: sent, or taken by openssl as a command (then
 * the line answering it is consumed too: returns 1). */
static int
import_openssl_pending(struct import *im, const struct import_line *next)
{
	size_t	i;

	if (!im->o.has_pending) {
		return 0;
	}
	im->o.has_pending = 0;
	for (i = 0; next != NULL && i < SS_NITEMS(openssl_commands); i++) {
		if (im->o.pending.p[0] == openssl_commands[i].letter &&
		    import_starts(next, openssl_commands[i].answer)) {
			/* The line is not quoted: it may be a secret. */
			import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl "
			    "s_client read a typed line starting with \"%c\" "
			    "as its own command to %s: the line was not sent",
			    openssl_commands[i].letter,
			    openssl_commands[i].meaning);
			if (openssl_commands[i].letter == 'Q') {
				import_fact_end(im, NULL, 0, next);
				free(im->closed);
				im->closed = xstrdup("connection closed by "
				    "openssl s_client (it printed DONE)");
			}
			return 1;
		}
	}
	import_client_line(im, &im->o.pending, import_flags(im, 0));
	return 0;
}

/* Hold back a typed line that s_client may take as a command. */
static int
import_openssl_hold(struct import *im, const struct import_line *l)
{
	size_t	i;

	for (i = 0; l->len > 0 && i < SS_NITEMS(openssl_commands); i++) {
		if (l->p[0] == openssl_commands[i].letter) {
			im->o.pending = *l;
			im->o.has_pending = 1;
			return 1;
		}
	}
	return 0;
}

/* A line of the dialogue after the handshake block. */
static void
import_openssl_dialogue(struct import *im, const struct import_line *l)
{
	if (import_openssl_pending(im, l) || im->ended) {
		return;
	}
	if (!im->body) {
		if (import_noise(im, openssl_dialogue,
		    SS_NITEMS(openssl_dialogue), l) || l->len == 0 ||
		    import_starts(l, "---")) {
			return;
		}
		if (import_starts(l, "Post-Handshake")) {
			im->o.ticket = 1;	/* skipped up to its "---" */
			return;
		}
		if (import_reply_like(l)) {
			if (!import_openssl_stray(im, l)) {
				import_server_line(im, l, import_flags(im, 0));
			}
			return;
		}
	}
	im->o.stray_check = 0;
	if (!import_openssl_hold(im, l)) {
		import_client_line(im, l, import_flags(im, 0));
	}
}

/* A line of the handshake block (indentation removed). */
static void
import_openssl_preamble(struct import *im, const struct import_line *l)
{
	struct import_line	t = *l;

	if (import_pem_line(im, l)) {
		return;
	}
	if (memmem(l->p, l->len, ":error:", 7) != NULL) {
		import_set(&im->o.failure, l->p, l->len);
	}
	while (t.len > 0 && t.p[0] == ' ') {
		t = import_tail(&t, 1);
	}
	if (import_starts(&t, "---") && im->o.verify_code >= 0) {
		im->o.ready = 1;	/* the summary's last separator */
		return;
	}
	(void)import_noise(im, openssl_preamble, SS_NITEMS(openssl_preamble),
	    &t);
}

/* One line of s_client output: handshake block, then the dialogue. */
static void
import_openssl_line(struct import *im, const struct import_line *l)
{
	if (im->o.ticket) {
		im->o.ticket = !import_starts(l, "---");
		return;
	}
	if (im->o.dialogue) {
		import_openssl_dialogue(im, l);
		return;
	}
	if (im->o.ready || (im->o.handshake && import_reply_like(l))) {
		if (import_starts(l, "Post-Handshake")) {
			im->o.ticket = 1;
			return;
		}
		if (l->len == 0 || import_starts(l, "---")) {
			return;
		}
		import_openssl_start(im, l);
		import_openssl_dialogue(im, l);
		return;
	}
	import_openssl_preamble(im, l);
}

/* ------------------------------------------------------------------ */
/* Detection.                                                          */

/* Lines that only openssl s_client prints. */
static const char *const openssl_marks[] = {
	"CONNECTED(", "Certificate chain", "SSL handshake has read",
	"New, TLSv", "New, SSLv", "New, (NONE)", "Verify return code:",
	"CONNECTION ESTABLISHED",
};

/* Guess the format: native magic, swaks hints, openssl words, telnet. */
enum ss_import_format
ss_import_detect(const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 };
	size_t			off = 0, swaks = 0, openssl = 0, i;
	int			m;

	if (len >= strlen(SS_STORE_MAGIC) &&
	    memcmp(text, SS_STORE_MAGIC, strlen(SS_STORE_MAGIC)) == 0) {
		return SS_IMPORT_NATIVE;
	}
	while (l.no < IMPORT_DETECT_LINES && import_next(text, len, &off, &l)) {
		m = import_swaks_mark(&l);
		swaks += m >= 0 && swaks_marks[m].role != SWAKS_RAW &&
		    swaks_marks[m].role != SWAKS_ERROR;
		for (i = 0; i < SS_NITEMS(openssl_marks); i++) {
			openssl += import_starts(&l, openssl_marks[i]);
		}
	}
	if (swaks >= 2) {
		return SS_IMPORT_SWAKS;
	}
	if (openssl > 0) {
		return SS_IMPORT_OPENSSL;
	}
	return SS_IMPORT_TELNET;
}

/* The format of a name ("telnet"); "nc" is telnet's other name. */
enum ss_import_format
ss_import_format_from_name(const char *name)
{
	size_t	i;

	if (name == NULL) {
		return SS_IMPORT_FORMAT_LAST;
	}
	if (ss_strcasecmp(name, "nc") == 0) {
		return SS_IMPORT_TELNET;
	}
	for (i = 0; i < SS_IMPORT_FORMAT_LAST; i++) {
		if (ss_strcasecmp(name, ss_import_format_names[i]) == 0) {
			return (enum ss_import_format)i;
		}
	}
	return SS_IMPORT_FORMAT_LAST;
}

/* ------------------------------------------------------------------ */
/* The import.                                                         */

/* Random bytes are not a pasted log: too many control bytes. */
static int
import_binary(const char *text, size_t len)
{
	size_t		i, n = len < IMPORT_SAMPLE ? len : IMPORT_SAMPLE, bad = 0;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)text[i];
		bad += (c < 0x20 && c != '\t' && c != '\r' && c != '\n' &&
		    c != 0x1b) || c == 0x7f;
	}
	return bad * 20 > n;
}

/* Free what the import kept. */
static void
import_finish(struct import *im)
{
	size_t	i;

	ss_buf_finish(&im->reply);
	ss_wipe(im->scratch.data, im->scratch.cap);
	ss_buf_finish(&im->scratch);
	ss_buf_finish(&im->pem);
	for (i = 0; i < im->ncerts; i++) {
		free(im->certs[i]);
	}
	free(im->host);
	free(im->port);
	free(im->addr);
	free(im->closed);
	free(im->version);
	free(im->cipher);
	free(im->o.verify_text);
	free(im->o.peername);
	free(im->o.failure);
}

/* The end of the log: what is pending, the closed record, metadata. */
static void
import_end(struct import *im)
{
	if (im->format == SS_IMPORT_OPENSSL) {
		(void)import_openssl_pending(im, NULL);
		if (!im->o.dialogue && im->o.handshake) {
			import_openssl_start(im, NULL);
		}
		if (im->nclient == 0 && im->nserver > 0) {
			import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "no typed "
			    "line in the log: openssl does not show input piped "
			    "into it, so replies cannot be paired with commands");
		}
	}
	import_record(im, SS_DIR_INFO, SS_KIND_CLOSED, "%s", im->closed !=
	    NULL ? im->closed : "connection closed (the imported log ends)");
	ss_transcript_set_meta(im->t, "imported",
	    ss_import_format_names[im->format]);
	if (im->host != NULL || im->addr != NULL) {
		ss_transcript_set_meta(im->t, "host", im->host != NULL ?
		    im->host : im->addr);
	}
	if (im->addr != NULL) {
		ss_transcript_set_meta(im->t, "address", im->addr);
	}
	if (im->port != NULL) {
		ss_transcript_set_meta(im->t, "port", im->port);
	}
	if (im->implicit) {
		ss_transcript_set_meta(im->t, "tls", "implicit");
	}
}

/* Feed every line to the format's classifier. */
static void
import_lines(struct import *im, const char *text, size_t len,
    struct import_line *l)
{
	size_t	off = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		off = 3;	/* a byte order mark from an editor */
	}
	while (import_next(text, len, &off, l)) {
		switch (im->format) {
		case SS_IMPORT_TELNET:
			if (!im->ended) {
				import_telnet_line(im, l);
			}
			break;
		case SS_IMPORT_SWAKS:
			import_swaks_line(im, l);
			break;
		case SS_IMPORT_OPENSSL:
			import_openssl_line(im, l);
			break;
		default:
			break;
		}
	}
}

/* Turn a text of the given format into a transcript. */
struct ss_transcript *
ss_import(const char *text, size_t len, enum ss_import_format format,
    const char *name, char **err)
{
	struct import		im;
	struct import_line	l = { NULL, 0, 0, 0 };
	int			found;

	*err = NULL;
	if (name == NULL) {
		name = "input";
	}
	if (format == SS_IMPORT_FORMAT_LAST) {
		format = ss_import_detect(text, len);
	}
	if (format == SS_IMPORT_NATIVE) {
		return ss_store_parse(text, len, name, err);
	}
	if ((unsigned)format >= SS_IMPORT_FORMAT_LAST) {
		xasprintf(err, "%s: unknown import format", name);
		return NULL;
	}
	if (len == 0) {
		xasprintf(err, "%s:1: empty: nothing to import", name);
		return NULL;
	}
	if (import_binary(text, len)) {
		xasprintf(err, "%s:1: binary data, not a pasted text log", name);
		return NULL;
	}
	memset(&im, 0, sizeof(im));
	im.t = ss_transcript_create();
	im.format = format;
	im.o.verify_code = -1;
	import_lines(&im, text, len, &l);
	found = im.nserver > 0 || (format == SS_IMPORT_OPENSSL &&
	    im.o.handshake);
	if (found) {
		import_end(&im);
	}
	import_finish(&im);
	if (!found) {
		ss_transcript_destroy(im.t);
		xasprintf(err, "%s:%zu: no SMTP dialogue found for the %s "
		    "format (no server reply: a line starting with a 3-digit "
		    "code)", name, l.no > 0 ? l.no : 1,
		    ss_import_format_names[format]);
		return NULL;
	}
	return im.t;
}
