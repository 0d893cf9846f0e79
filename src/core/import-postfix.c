/*
 * import-postfix.c: Postfix's verbose logging of a session (smtp -v as a
 * client, smtpd -v as a server; doc/import-formats.md):
 *
 *	Dec  4 13:05:07 relay postfix/smtp[4711]: > mx.example.org[192.0.2.25]:25: EHLO relay.example.net
 *	Dec  4 13:05:07 relay postfix/smtp[4711]: < mx.example.org[192.0.2.25]:25: 250-mx.example.org
 *
 * ">" is what this Postfix process wrote: the client's lines for smtp,
 * the server's for smtpd, so the side whose lines carry reply codes is
 * the server.  Only the first process with dialogue is read (a syslog
 * interleaves sessions).  "TLS connection established" gives the
 * handshake; without it the builder infers one after STARTTLS's 220.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/tls.h"

#define POSTFIX_PID_MAX	32

/* The reader's state. */
struct import_postfix {
	char		 pid[POSTFIX_PID_MAX];	/* the process read */
	int		 server_gt;		/* ">" lines are the server's */
};

#define F(im)	((struct import_postfix *)(im)->priv)

/* The message of a postfix syslog line and the "[pid]" in *pid; 0 if the
 * line is not Postfix's. */
static int
import_postfix_split(const struct import_line *l, struct import_line *msg,
    struct import_line *pid)
{
	const char	*p = import_find(l, "postfix"), *end = l->p + l->len;
	const char	*open, *close;

	if (p == NULL) {
		return 0;
	}
	open = memchr(p, '[', end - p);
	close = open != NULL ? memchr(open, ']', end - open) : NULL;
	if (close == NULL || end - close < 3 || close[1] != ':' ||
	    close[2] != ' ') {
		return 0;
	}
	*pid = (struct import_line){ open, close - open + 1, close - open + 1,
	    l->no };
	*msg = import_tail(l, close + 3 - l->p);
	return 1;
}

/* "> PEER: TEXT" or "< PEER: TEXT": 1 for ">", 0 for "<", -1 neither;
 * the text in *text and the peer in *peer. */
static int
import_postfix_dir(const struct import_line *msg, struct import_line *text,
    struct import_line *peer)
{
	const char	*sep, *close;

	if (msg->len < 3 || (msg->p[0] != '>' && msg->p[0] != '<') ||
	    msg->p[1] != ' ') {
		return -1;
	}
	close = memchr(msg->p, ']', msg->len);
	sep = close != NULL ? memmem(close, msg->p + msg->len - close, ": ",
	    2) : NULL;
	if (sep == NULL) {
		return -1;
	}
	*peer = (struct import_line){ msg->p + 2, sep - msg->p - 2,
	    sep - msg->p - 2, msg->no };
	*text = import_tail(msg, sep + 2 - msg->p);
	return msg->p[0] == '>';
}

/* "mx.example.org[192.0.2.25]:25" into host, address and port. */
static void
import_postfix_peer(struct import *im, const struct import_line *peer)
{
	const char	*open = memchr(peer->p, '[', peer->len), *close;
	const char	*end = peer->p + peer->len;

	if (im->host != NULL || open == NULL ||
	    (close = memchr(open, ']', end - open)) == NULL) {
		return;
	}
	import_set(&im->host, peer->p, open - peer->p);
	import_set(&im->addr, open + 1, close - open - 1);
	if (end - close > 2 && close[1] == ':' &&
	    import_port_like(close + 2, end - close - 2)) {
		import_set(&im->port, close + 2, end - close - 2);
	}
}

/* "Trusted TLS connection established to PEER: TLSv1.3 with cipher NAME
 * (256/256 bits)": the handshake, and Postfix's verdict in its first
 * word. */
static void
import_postfix_tls(struct import *im, const struct import_line *msg)
{
	const char	*c = import_find(msg, ": "), *with, *sp, *end;
	char		*version = NULL, *cipher = NULL;

	end = msg->p + msg->len;
	with = c != NULL ? memmem(c, end - c, " with cipher ", 13) : NULL;
	if (with == NULL) {
		return;
	}
	import_set(&version, c + 2, with - c - 2);
	sp = memchr(with + 13, ' ', end - with - 13);
	import_set(&cipher, with + 13, (sp != NULL ? sp : end) - with - 13);
	import_tls_up(im, version, cipher, "Postfix");
	if (import_starts(msg, "Untrusted")) {
		import_verify(im, 0, SS_TLS_VERIFY_NOT_TRUSTED, "Postfix: "
		    "Untrusted TLS connection (the chain did not verify)");
	} else if (import_starts(msg, "Verified") ||
	    import_starts(msg, "Trusted")) {
		import_verify(im, 1, 0, "Postfix: trusted chain");
	}
	free(version);
	free(cipher);
}

/* One syslog line: dialogue of the process read, its TLS line, or not
 * ours. */
static void
import_postfix_line(struct import *im, const struct import_line *l)
{
	struct import_line	msg, pid, text, peer;
	int			gt;

	if (!import_postfix_split(l, &msg, &pid) || F(im)->pid[0] == '\0' ||
	    strlen(F(im)->pid) != pid.len ||
	    memcmp(F(im)->pid, pid.p, pid.len) != 0) {
		return;
	}
	if (import_find(&msg, "TLS connection established") != NULL) {
		import_postfix_tls(im, &msg);
		return;
	}
	if ((gt = import_postfix_dir(&msg, &text, &peer)) < 0) {
		return;
	}
	if (!F(im)->server_gt) {
		import_postfix_peer(im, &peer);	/* smtp: the peer serves */
	}
	if (gt == F(im)->server_gt) {
		import_server_line(im, &text, import_flags(im, 0));
	} else {
		import_client_line(im, &text, import_flags(im, 0));
	}
}

/* A first pass: the first process with dialogue, and which side is
 * the server. */
static void
import_postfix_begin(struct import *im, const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 }, msg, pid, t, peer;
	size_t			off = 0, coded[2] = { 0, 0 }, all[2] = { 0, 0 };
	int			gt;

	im->priv = xcalloc(1, sizeof(struct import_postfix));
	while (import_next(text, len, &off, &l)) {
		if (!import_postfix_split(&l, &msg, &pid) ||
		    (gt = import_postfix_dir(&msg, &t, &peer)) < 0) {
			continue;
		}
		if (F(im)->pid[0] == '\0' && pid.len < POSTFIX_PID_MAX) {
			memcpy(F(im)->pid, pid.p, pid.len);
		} else if (strlen(F(im)->pid) != pid.len ||
		    memcmp(F(im)->pid, pid.p, pid.len) != 0) {
			continue;
		}
		all[gt]++;
		coded[gt] += import_reply_like(&t);
	}
	F(im)->server_gt = import_server_is_mark1(all, coded);
}

/* A postfix line with "> PEER: " or "< PEER: ". */
static int
import_postfix_detect(const struct import_line *l)
{
	struct import_line	msg, pid, t, peer;

	if (!import_postfix_split(l, &msg, &pid)) {
		return 0;
	}
	return import_postfix_dir(&msg, &t, &peer) >= 0 ? 4 : 1;
}

const struct import_reader import_postfix_reader = {
	.format = SS_IMPORT_POSTFIX,
	.looks_for = "postfix/smtp or postfix/smtpd lines \"> PEER: ...\" "
	    "and \"< PEER: ...\" (verbose logging)",
	.marks_tls = 0,
	.detect = import_postfix_detect,
	.start = import_postfix_begin,
	.line = import_postfix_line,
	.end = import_free_priv,
};
