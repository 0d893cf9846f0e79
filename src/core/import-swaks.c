/*
 * import-swaks.c: swaks output of every version (doc/import-formats.md).
 * Each line starts with a transaction hint (" -> ", "<-  ", " ~> ",
 * "<~  ", "=== ", "*** "...); pastes often lose the leading space, and
 * some squeeze the two after "<-" into one.  The "=== TLS" lines give the
 * handshake (older swaks: "TLS started w/ cipher NAME", newer: "TLS
 * started with cipher VERSION:NAME:BITS") and swaks's own certificate
 * verdict ("TLS peer certificate passed CA verification, ...").
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/tls.h"

enum import_swaks_role {
	SWAKS_INFO, SWAKS_ERROR, SWAKS_CLIENT, SWAKS_SERVER, SWAKS_RAW
};

/* swaks' transaction hints, as printed and as pastes trim them. */
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
	/* Trimmed by the paste. */
	{ "->", SWAKS_CLIENT, 0 },	{ "~>", SWAKS_CLIENT, 1 },
	{ "<-", SWAKS_SERVER, 0 },	{ "<~", SWAKS_SERVER, 1 },
};

/* The hint a line starts with, as an index (its payload in *rest), or
 * -1. */
static int
import_swaks_mark(const struct import_line *l, struct import_line *rest)
{
	size_t	i, n;

	for (i = 0; i < SS_NITEMS(swaks_marks); i++) {
		n = strlen(swaks_marks[i].mark);
		if (l->len < n || memcmp(l->p, swaks_marks[i].mark, n) != 0 ||
		    (l->len > n && l->p[n] != ' ')) {
			continue;
		}
		/* The hint and one space; a server line's other blanks. */
		*rest = import_tail(l, n + (l->len > n));
		if (swaks_marks[i].role == SWAKS_SERVER ||
		    swaks_marks[i].role == SWAKS_INFO) {
			*rest = import_trim_left(rest);
		}
		return (int)i;
	}
	return -1;
}

/* "TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256", or the
 * older "TLS started w/ cipher DHE-RSA-AES256-SHA" (no version). */
static void
import_swaks_tls(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*c1, *c2;
	char		*version = NULL, *cipher = NULL;

	(void)l;
	c1 = memchr(p, ':', n);
	c2 = c1 != NULL ? memchr(c1 + 1, ':', p + n - c1 - 1) : NULL;
	if (c1 == NULL) {
		import_set(&cipher, p, n);
	} else {
		import_set(&version, p, c1 - p);
		import_set(&cipher, c1 + 1, (c2 != NULL ? c2 : p + n) - c1 - 1);
	}
	im->implicit = im->nserver == 0;
	import_tls_up(im, version, cipher, "swaks");
	free(version);
	free(cipher);
}

/* "TLS peer DN=..." (older swaks) names the certificate. */
static void
import_swaks_peer(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "swaks: TLS peer "
	    "DN=%.*s (swaks showed no certificate)", (int)n, p);
}

/* "TLS peer certificate passed CA verification, failed host
 * verification (using host X to verify)": swaks's verdict. */
static void
import_swaks_verify(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	uint32_t	 flags = 0;
	char		*words;

	(void)l;
	if (memmem(p, n, "failed CA verification", 22) != NULL) {
		flags |= SS_TLS_VERIFY_NOT_TRUSTED;
	}
	if (memmem(p, n, "failed host verification", 24) != NULL) {
		flags |= SS_TLS_VERIFY_NAME_MISMATCH;
	}
	xasprintf(&words, "swaks: the peer certificate %.*s", (int)n, p);
	import_verify(im, flags == 0, flags, words);
	free(words);
}

/* A certificate line of newer swaks ("TLS peer[0]   subject=[...]"). */
static void
import_swaks_cert_note(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "swaks: TLS peer[%.*s",
	    (int)n, p);
}

/* "=== Trying ...", "=== Connected to ..." and the other info lines. */
static const struct import_noise swaks_info[] = {
	{ "Trying ", "...", import_fact_host_port },
	{ "Connected to ", ".", import_fact_host },
	{ "TLS started with cipher ", NULL, import_swaks_tls },
	{ "TLS started w/ cipher ", NULL, import_swaks_tls },
	{ "TLS no local certificate set", NULL, NULL },
	{ "TLS no client certificate set", NULL, NULL },
	{ "TLS client certificate ", NULL, NULL },
	{ "TLS local DN=", NULL, NULL },
	{ "TLS peer DN=", NULL, import_swaks_peer },
	{ "TLS peer subject DN=", NULL, import_swaks_peer },
	{ "TLS peer certificate ", NULL, import_swaks_verify },
	{ "TLS peer[", NULL, import_swaks_cert_note },
	{ "commonName=", NULL, NULL },
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
	im->body = 0;
	import_client_line(im, &(struct import_line){ ".", 1, 1, l->no },
	    flags);
	return 1;
}

/* One line of swaks output; lines without a hint are not swaks' own. */
static void
import_swaks_line(struct import *im, const struct import_line *l)
{
	struct import_line	rest;
	int			i = import_swaks_mark(l, &rest);
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

/* A hint is a mark; "=== Trying" and the TLS lines are strong ones. */
static int
import_swaks_detect(const struct import_line *l)
{
	struct import_line	rest;
	int			i = import_swaks_mark(l, &rest);

	if (i < 0 || swaks_marks[i].role == SWAKS_RAW ||
	    swaks_marks[i].role == SWAKS_ERROR) {
		return 0;
	}
	if (swaks_marks[i].role == SWAKS_INFO) {
		return import_starts(&rest, "Trying ") ||
		    import_starts(&rest, "TLS ") ? 4 : 2;
	}
	return 2;
}

const struct import_reader import_swaks_reader = {
	.format = SS_IMPORT_SWAKS,
	.looks_for = "swaks's \"=== \", \" -> \" and \"<-  \" hints",
	.marks_tls = 1,
	.detect = import_swaks_detect,
	.line = import_swaks_line,
};
