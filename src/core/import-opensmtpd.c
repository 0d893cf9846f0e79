/*
 * import-opensmtpd.c: OpenSMTPD's protocol trace (smtpd -T smtp for the
 * server side, -T mta for its client; doc/import-formats.md):
 *
 *	smtp: 0x5583c0d2e000: >>> 250-mx.example.org Hello ...
 *	smtp: 0x5583c0d2e000: <<< EHLO client.example.net
 *	mta: 0x5583c0d31000: <<< 220 mx.example.org ESMTP
 *
 * "<<<" is what the process read: the client's lines for smtp, the
 * server's for mta; the side whose lines carry reply codes is the
 * server.  Only the first session is read.  The handshake is not traced:
 * the builder infers it after STARTTLS's 220.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

#define OPENSMTPD_ID_MAX	40

/* The reader's state. */
struct import_opensmtpd {
	char		 id[OPENSMTPD_ID_MAX];	/* "smtp: 0x..." of the session */
	int		 server_in;		/* "<<<" lines are the server's */
};

#define D(im)	((struct import_opensmtpd *)(im)->priv)

/* "smtp: [0x...: ]<<< TEXT": 1 for "<<<", 0 for ">>>", -1 neither; the
 * session's words in *id and the text in *text. */
static int
import_opensmtpd_split(const struct import_line *l, struct import_line *id,
    struct import_line *text)
{
	const char	*s = import_find(l, "smtp: "), *m = import_find(l, "mta: ");
	const char	*start = s != NULL ? s : m, *dir, *end = l->p + l->len;

	if (start == NULL || (m != NULL && m < start)) {
		start = m;
	}
	if (start == NULL) {
		return -1;
	}
	dir = memmem(start, end - start, "<<< ", 4);
	if (dir == NULL) {
		dir = memmem(start, end - start, ">>> ", 4);
	}
	if (dir == NULL || dir - start > OPENSMTPD_ID_MAX - 1) {
		return -1;
	}
	*id = (struct import_line){ start, dir - start, dir - start, l->no };
	*text = import_tail(l, dir + 4 - l->p);
	return dir[0] == '<';
}

/* "3c1e1a7a2b0f9d11 smtp tls ciphers=TLSv1.3:TLS_AES_256_GCM_SHA384:256"
 * (its info log) right after STARTTLS's 220: the handshake's facts
 * instead of an inferred handshake. */
static void
import_opensmtpd_tls(struct import *im, const struct import_line *l)
{
	const char	*p = import_find(l, " tls ciphers="), *c1, *c2, *end;
	char		*version = NULL, *cipher = NULL;

	if (p == NULL) {
		return;
	}
	p += 13;
	end = l->p + l->len;
	c1 = memchr(p, ':', end - p);
	c2 = c1 != NULL ? memchr(c1 + 1, ':', end - c1 - 1) : NULL;
	if (c1 == NULL) {
		return;
	}
	import_set(&version, p, c1 - p);
	import_set(&cipher, c1 + 1, (c2 != NULL ? c2 : end) - c1 - 1);
	import_tls_up(im, version, cipher, "OpenSMTPD");
	free(version);
	free(cipher);
}

/* One trace line of the session read. */
static void
import_opensmtpd_line(struct import *im, const struct import_line *l)
{
	struct import_line	id, text;
	int			in = import_opensmtpd_split(l, &id, &text);

	if (in < 0 && im->tls_next) {
		import_opensmtpd_tls(im, l);
		return;
	}
	if (in < 0 || strlen(D(im)->id) != id.len ||
	    memcmp(D(im)->id, id.p, id.len) != 0) {
		return;
	}
	if (in == D(im)->server_in) {
		import_server_line(im, &text, import_flags(im, 0));
	} else {
		import_client_line(im, &text, import_flags(im, 0));
	}
}

/* A first pass: the first session, and which side is the server. */
static void
import_opensmtpd_begin(struct import *im, const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 }, id, t;
	size_t			off = 0, coded[2] = { 0, 0 }, all[2] = { 0, 0 };
	int			in;

	im->priv = xcalloc(1, sizeof(struct import_opensmtpd));
	while (import_next(text, len, &off, &l)) {
		if ((in = import_opensmtpd_split(&l, &id, &t)) < 0) {
			continue;
		}
		if (D(im)->id[0] == '\0') {
			memcpy(D(im)->id, id.p, id.len);
		} else if (strlen(D(im)->id) != id.len ||
		    memcmp(D(im)->id, id.p, id.len) != 0) {
			continue;
		}
		all[in]++;
		coded[in] += import_reply_like(&t);
	}
	D(im)->server_in = import_server_is_mark1(all, coded);
}

/* "smtp: ...: <<< " or "mta: ...: >>> ". */
static int
import_opensmtpd_detect(const struct import_line *l)
{
	struct import_line	id, t;

	return import_opensmtpd_split(l, &id, &t) >= 0 ? 4 : 0;
}

const struct import_reader import_opensmtpd_reader = {
	.format = SS_IMPORT_OPENSMTPD,
	.looks_for = "OpenSMTPD's trace lines \"smtp: 0x...: <<< ...\" or "
	    "\"mta: 0x...: >>> ...\"",
	.marks_tls = 0,
	.detect = import_opensmtpd_detect,
	.start = import_opensmtpd_begin,
	.line = import_opensmtpd_line,
	.end = import_free_priv,
};
